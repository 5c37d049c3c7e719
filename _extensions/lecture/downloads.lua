-- {{< downloads >}}: links to the deck (HTML, PDF and a handout PDF with the speaker
-- notes under each slide), the book PDF and the
-- chapter's notebook, relative to the page, and an "Open in Colab" link when
-- the notebooks' folder on GitHub is set (colab-notebooks in _quarto.yml). HTML outputs only (a PDF does not
-- need to link to itself). Paths follow the layout of _site/ (see README).
local BOOK_PDF = "classification-and-optimisation.pdf"

-- Raw HTML with data-noresolveinput: Quarto would otherwise try to resolve
-- links to .ipynb files as project sources, and these are outputs of the build.
local function link(text, target, download)
  local attr = download and ' download' or ''
  return pandoc.RawInline("html",
    '<a href="' .. target .. '" data-noresolveinput' .. attr .. '>' .. text .. '</a>')
end

-- The project's folder: Quarto's, or (previewing one file, when Quarto gives none)
-- the nearest folder above the input that holds _quarto.yml.
local function project_directory(input)
  if quarto.project.directory then
    return quarto.project.directory
  end
  local dir = pandoc.path.directory(input)
  while true do
    local found = io.open(pandoc.path.join({dir, "_quarto.yml"}), "r")
    if found then
      found:close()
      return dir
    end
    local parent = pandoc.path.directory(dir)
    if parent == dir then
      return pandoc.path.directory(input)
    end
    dir = parent
  end
end

return {
  ["downloads"] = function(args, kwargs, meta)
    if not quarto.doc.is_format("html") then
      return pandoc.Null()
    end
    local input = quarto.doc.input_file
    local rel = pandoc.path.make_relative(input, project_directory(input))
    local _, depth = rel:gsub("/", "")
    local up = string.rep("../", depth)
    local items = pandoc.List({
      link("Slides", up .. "slides/lecture.html"),
      link("Slides (PDF)", up .. "slides/lecture.pdf", true),
      link("Handout: slides with notes (PDF)", up .. "slides/lecture-handout.pdf", true),
      link("Book (PDF)", up .. BOOK_PDF, true),
    })
    -- The chapters that have a notebook are listed once, in _quarto.yml ("notebooks").
    local notebooks = pandoc.List()
    for _, name in ipairs(meta["notebooks"] or {}) do
      notebooks:insert(pandoc.utils.stringify(name))
    end
    local chapters = notebooks
    if rel:match("^chapters/") then
      local this = rel:gsub("%.qmd$", ""):match("[^/]+$")
      chapters = notebooks:filter(function(name) return name == this end)
    end
    -- "Open in Colab" once the notebooks' folder on GitHub is known
    -- (colab-notebooks in _quarto.yml: owner/repo/blob/branch/folder).
    local colab = pandoc.utils.stringify(meta["colab-notebooks"] or "")
    for _, name in ipairs(chapters) do
      local label = (#chapters == 1) and "Notebook (.ipynb)" or (name .. ".ipynb")
      items:insert(link(label, up .. "notebooks/chapters/" .. name .. ".ipynb", true))
      if colab ~= "" then
        local colab_label = (#chapters == 1) and "Open in Colab" or (name .. " in Colab")
        items:insert(link(colab_label, "https://colab.research.google.com/github/"
          .. colab:gsub("/+$", "") .. "/" .. name .. ".ipynb"))
      end
    end
    local inlines = pandoc.List({pandoc.Strong(pandoc.Str("Downloads:")), pandoc.Space()})
    for i, item in ipairs(items) do
      if i > 1 then
        inlines:insert(pandoc.Str(" ·"))
        inlines:insert(pandoc.Space())
      end
      inlines:insert(item)
    end
    return pandoc.Div(pandoc.Para(inlines), pandoc.Attr("", {"downloads"}))
  end
}
