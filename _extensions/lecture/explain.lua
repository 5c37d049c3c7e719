-- One explanation, two uses: a div of class "explain" is the speaker notes
-- of its slide in reveal.js and ordinary prose in every other format.
function Div(el)
  if not el.classes:includes("explain") then
    return nil
  end
  if quarto.doc.is_format("revealjs") then
    return pandoc.Div(el.content, pandoc.Attr("", {"notes"}))
  end
  return el.content
end
