-- Notebooks have no columns: in ipynb output, lay the columns' content out one
-- after the other. Without this the code cells inside a column are lost, and
-- the downloaded notebook would not run.
--
-- Worked solutions (divs of class "solution") stay text in a notebook: their
-- code becomes a plain code block in a Markdown cell, with its output, so a
-- student tries the exercise before reading the answer, and running the
-- notebook does not run the solutions.
local function as_text(div)
  return div:walk({
    Div = function(el)
      if el.classes:includes("cell") or el.classes:includes("cell-output")
          or el.classes:includes("cell-output-stdout")
          or el.classes:includes("cell-output-display") then
        return el.content
      end
    end,
    CodeBlock = function(el)
      local classes = el.classes:filter(function(c) return c ~= "cell-code" end)
      return pandoc.CodeBlock(el.text, pandoc.Attr("", classes))
    end,
  })
end

function Div(el)
  if not quarto.doc.is_format("ipynb") then
    return nil
  end
  if el.classes:includes("columns") or el.classes:includes("column") then
    return el.content
  end
  if el.classes:includes("solution") then
    return as_text(el)
  end
end
