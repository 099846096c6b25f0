-- book/latex.lua: how a code chunk looks in the PDF.  Its name bar is a
-- small line kept with the code (the link to the next definition pushed to
-- the right margin); its cross-references are a footnote-sized line below.
local function wrap(div, before, after)
  local blocks = { pandoc.RawBlock("latex", before) }
  for _, b in ipairs(div.content) do
    if b.t == "Para" then b = pandoc.Plain(b.content) end
    table.insert(blocks, b)
  end
  table.insert(blocks, pandoc.RawBlock("latex", after))
  return blocks
end

function Span(s)
  if s.classes:includes("chunk-next") then
    return { pandoc.RawInline("latex", "\\hfill "), s }
  elseif s.classes:includes("chunk-name") then
    return pandoc.Strong(s.content)
  end
end

function Div(d)
  if d.classes:includes("chunk-head") then
    return wrap(d, "\\par\\medskip\\noindent{\\small",
                "\\par}\\nopagebreak[4]")
  elseif d.classes:includes("chunk-foot") then
    return wrap(d, "\\nopagebreak[4]\\noindent{\\footnotesize",
                "\\par}\\medskip")
  end
end
