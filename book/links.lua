-- book/links.lua: for the HTML book, one page per chapter.  A link "#id"
-- whose target is on another page becomes "page.html#id"; a link to an id
-- that no page defines stops the build.  The map of ids to pages comes
-- from book/ids.lua, through the metadata field "anchors".  The names of
-- chunks inside code become links too (code_with_links).
local where = {}

local chunkrefs = dofile(PANDOC_SCRIPT_FILE:match("^(.-)[^/]*$") ..
                        "chunkrefs.lua")

local function escape(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"))
end

-- A code block's chunk names as links (book/chunkrefs.lua), target(id)
-- the href of an anchor.  The block's line anchors are renamed from
-- pandoc's cb1-1... to id-1..., so that no two blocks on a page share
-- them.
local function code_with_links(c, target, id)
  local html = chunkrefs.write(c, "html", function(name, chapter, n)
    return string.format('<a class="chunk-ref" href="%s">⟨%s %s.%s⟩</a>',
                         target("c" .. chapter .. "-" .. n), escape(name),
                         chapter, n)
  end)
  if not html then return nil end
  html = html:gsub('"(#?)cb1%-', '"%1' .. id .. "-")
             :gsub('id="cb1"', 'id="' .. id .. '"')
  return pandoc.RawBlock("html", html)
end

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
  local function target(id)
    local p = where[id]
    if not p then error("links.lua: " .. page .. ": link to #" .. id ..
                        ", which no page defines") end
    return p ~= page and p .. "#" .. id or "#" .. id
  end
  local blocks = 0
  return doc:walk {
    Link = function(link)
      local id = link.target:match("^#(.+)$")
      if not id then return nil end
      link.target = target(id)
      return link
    end,
    CodeBlock = function(c)
      blocks = blocks + 1
      return code_with_links(c, target, "cr" .. blocks)
    end,
  }
end
