-- book/contents.lua: the index page's contents list each chapter's
-- sections under it, each a link to its place on the chapter's page.  The
-- sections are the second-level headings of the chapter's Markdown
-- (metadata field "md": the directory), read by pandoc as the chapter's
-- page is, so that their ids are the ones that page has.
local md_dir

local function sections(page)
  local f = io.open(md_dir .. "/" .. page:gsub("%.html$", ".md"), "r")
  if not f then error("contents.lua: no Markdown for " .. page) end
  local doc = pandoc.read(f:read("a"), "markdown")
  f:close()
  local items = pandoc.List()
  for _, b in ipairs(doc.blocks) do
    if b.t == "Header" and b.level == 2 then
      local link = pandoc.Link(b.content, page .. "#" .. b.identifier)
      items:insert({ pandoc.Plain { link } })
    end
  end
  return items
end

function Pandoc(doc)
  md_dir = pandoc.utils.stringify(doc.meta.md)
  return doc:walk {
    BulletList = function(list)
      for _, item in ipairs(list.content) do
        local link = item[1].content[1]
        if link and link.t == "Link" and link.target:match("^%d%d%-") then
          local under = sections(link.target)
          if #under > 0 then item:insert(pandoc.BulletList(under)) end
        end
      end
      return pandoc.Div({list}, pandoc.Attr("", {"contents"}))
    end,
  }
end
