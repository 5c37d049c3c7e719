-- {{< outline N >}}: the lecture's parts as a list, part N in bold.
-- The parts are listed once, in the document's metadata under "parts".
return {
  ["outline"] = function(args, kwargs, meta)
    local current = tonumber(pandoc.utils.stringify(args[1] or "0"))
    local parts = meta["parts"]
    if parts == nil then
      error("outline shortcode: the document has no 'parts' list in its metadata")
    end
    local items = pandoc.List()
    for i, part in ipairs(parts) do
      local text = pandoc.utils.stringify(part)
      local inline
      if i == current then
        inline = pandoc.Strong(pandoc.Str(text))
      else
        inline = pandoc.Span(pandoc.Str(text), pandoc.Attr("", {"outline-other"}))
      end
      items:insert({pandoc.Plain({inline})})
    end
    return pandoc.BulletList(items)
  end
}
