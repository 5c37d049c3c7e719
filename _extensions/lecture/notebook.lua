-- Notebooks have no columns: in ipynb output, lay the columns' content out one
-- after the other. Without this the code cells inside a column are lost, and
-- the downloaded notebook would not run.
--
-- The set-up cell installs the course library from the wheel the build puts
-- beside the notebooks, with the pinned versions there (site = ".."); when the
-- build knows the site's address it sets DLACT_NOTEBOOKS_URL, and the cell
-- installs from there instead, so that a downloaded notebook runs anywhere.
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

local SITE = 'site = "%.%."'

function CodeBlock(el)
  local url = os.getenv("DLACT_NOTEBOOKS_URL")
  if not quarto.doc.is_format("ipynb") or url == nil or url == "" then
    return nil
  end
  local text = el.text:gsub(SITE, function() return 'site = "' .. url .. '"' end)
  if text ~= el.text then
    el.text = text
    return el
  end
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
