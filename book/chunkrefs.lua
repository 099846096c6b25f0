-- book/chunkrefs.lua: the names of chunks in a chunk's code, made links,
-- for book/links.lua (the HTML) and book/latex.lua (the PDF).
--
-- A chunk's code names the chunks it uses, a line "⟨name N.M⟩" each.
-- pandoc would highlight such a line as C, and a code block can hold no
-- link, so a block that names chunks is written here: each name is first
-- put out of the highlighter's way as a word of its own, and once pandoc
-- has written the block, the word becomes the link that link(name,
-- chapter, number) returns, in the format's own text.
local M = {}

-- The code block c written in format with its chunk names made links, or
-- nil if it names no chunk.
function M.write(c, format, link)
  local refs = {}
  local text = c.text:gsub("⟨([^\n]-) (%d+)%.(%d+)⟩",
    function(name, chapter, n)
      refs[#refs + 1] = link(name, chapter, n)
      return "CHUNKREF" .. #refs .. "X"
    end)
  if #refs == 0 then return nil end
  local out = pandoc.write(pandoc.Pandoc({pandoc.CodeBlock(text, c.attr)}),
                           format)
  return (out:gsub("CHUNKREF(%d+)X", function(k) return refs[tonumber(k)] end))
end

return M
