-- book/links.lua: for the HTML book, one page per chapter.  A link "#id"
-- whose target is on another page becomes "page.html#id"; a link to an id
-- that no page defines stops the build.  The map of ids to pages comes
-- from book/ids.lua, through the metadata field "anchors".
local where = {}

function Pandoc(doc)
  local page = pandoc.utils.stringify(doc.meta.page)
  local path = pandoc.utils.stringify(doc.meta.anchors)
  local f = io.open(path, "r")
  if not f then error("links.lua: cannot open " .. path) end
  for line in f:lines() do
    local id, p = line:match("^(%S+) (%S+)$")
    if id then where[id] = p end
  end
  f:close()
  return doc:walk {
    Link = function(link)
      local id = link.target:match("^#(.+)$")
      if not id then return nil end
      local p = where[id]
      if not p then error("links.lua: " .. page .. ": link to #" .. id ..
                          ", which no page defines") end
      if p ~= page then link.target = p .. "#" .. id end
      return link
    end,
  }
end
