-- Notebooks have no columns: in ipynb output, lay the columns' content out one
-- after the other. Without this the code cells inside a column are lost, and
-- the downloaded notebook would not run.
function Div(el)
  if quarto.doc.is_format("ipynb")
      and (el.classes:includes("columns") or el.classes:includes("column")) then
    return el.content
  end
end
