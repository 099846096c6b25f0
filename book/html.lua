-- book/html.lua: how programs' output looks in the HTML book.
-- A code block without a language is a program's output or usage, set at
-- the size of the chunks' code, of which about 88 characters fit the
-- page's column.  A block with a longer line (the book's run prints one
-- of 100) is marked "wide", and book.css sets it smaller, so that it too
-- fits a desktop's page without scrolling; as in the PDF (book/latex.lua)
-- what the program printed is never folded.
local FITS = 88

function CodeBlock(c)
  if #c.classes > 0 then return nil end
  for line in (c.text .. "\n"):gmatch("(.-)\n") do
    if (utf8.len(line) or #line) > FITS then
      c.classes:insert("wide")
      return c
    end
  end
end
