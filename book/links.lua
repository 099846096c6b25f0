-- book/links.lua: for the HTML book, one page per chapter.  A link "#id"
-- whose target is on another page becomes "page.html#id"; a link to an id
-- that no page defines stops the build.  The map of ids to pages comes
-- from book/ids.lua, through the metadata field "anchors".  The names of
-- chunks inside code become links too (code_with_links).
local where = {}

-- A chunk's code names the chunks it uses, a line "⟨name N.M⟩" each.
-- pandoc highlights such a line as C, and a code block can hold no link,
-- so a block that names chunks is written here: each name is first put
-- out of the highlighter's way as a word of its own, then, in the HTML,
-- becomes a link to the chunk, as a name in the prose is.  The block's
-- line anchors are renamed from pandoc's cb1-1... to id-1..., so that no
-- two blocks on a page share them.
local function escape(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"))
end

local function code_with_links(c, target, id)
  local refs = {}
  local text = c.text:gsub("⟨([^\n]-) (%d+)%.(%d+)⟩",
    function(name, chapter, n)
      refs[#refs + 1] = string.format('<a class="chunk-ref" href="%s">' ..
        "⟨%s %s.%s⟩</a>", target("c" .. chapter .. "-" .. n),
        escape(name), chapter, n)
      return "CHUNKREF" .. #refs .. "X"
    end)
  if #refs == 0 then return nil end
  c.text = text
  local html = pandoc.write(pandoc.Pandoc({c}), "html")
  html = html:gsub('"(#?)cb1%-', '"%1' .. id .. "-")
             :gsub('id="cb1"', 'id="' .. id .. '"')
             :gsub("CHUNKREF(%d+)X", function(k) return refs[tonumber(k)] end)
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
