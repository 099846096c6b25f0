-- book/ids.lua: lists the ids a page defines, one "id page" per line, so
-- that book/links.lua can send a link to the page its target is on.
-- Run as: pandoc -t plain --lua-filter book/ids.lua -M page=P.html FILE.md
function Pandoc(doc)
  local page = pandoc.utils.stringify(doc.meta.page)
  local lines = {}
  local function add(el)
    if el.identifier and el.identifier ~= "" then
      table.insert(lines, el.identifier .. " " .. page)
    end
  end
  doc:walk { Header = add, Div = add, Span = add, CodeBlock = add }
  local out = {}
  for _, l in ipairs(lines) do table.insert(out, pandoc.Plain(l)) end
  return pandoc.Pandoc(out, doc.meta)
end
