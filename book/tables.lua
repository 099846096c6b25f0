-- book/tables.lua: how wide a table's columns are.
--
-- A pipe table with a row longer than pandoc's source width (72 columns)
-- takes the whole line, each column as wide as the dashes under its head
-- say; the programs print those all alike (|--:|--:|), so every column got
-- the same share, and a column of long cells wrapped while a column of
-- short numbers stood half empty.  Here such a table's columns share the
-- line by what they hold instead: each as much as its longest cell, or,
-- in the head, its longest word, since a heading may wrap and a number
-- should not.  When that is more than a line, the columns of short cells
-- keep their room and the columns of prose share what is left.  Tables
-- whose rows fit in the source are left to their natural widths.

-- About what a line of the PDF's text holds, in characters, in a table
-- of n columns: 453pt of text, at about 5.3pt a letter of the 11pt type,
-- less each column's padding of 12pt.  And the longest cell that is kept
-- on one line when a table is wider than that.
local function line(n) return (453 - 12 * n) / 5.3 end
local SHORT = 30

local function length(s)
  return utf8.len(s) or #s
end

-- The room a cell asks for, in characters: its longest word, with one
-- to spare, since some letters are wide; or, where it must not wrap, all
-- of it with two to spare.
local function room(cell, words_only)
  local text = pandoc.utils.stringify(cell.contents)
  if not words_only then return length(text) + 2 end
  local most = 0
  for word in text:gmatch("%S+") do most = math.max(most, length(word)) end
  return most + 1
end

local function widths(t)
  local ruled = false
  for _, spec in ipairs(t.colspecs) do
    if spec[2] and spec[2] > 0 then ruled = true end
  end
  if not ruled then return nil end
  local need = {}
  local function measure(rows, words_only)
    for _, row in ipairs(rows) do
      for j, cell in ipairs(row.cells) do
        if cell.col_span > 1 then return false end  -- none in the book
        need[j] = math.max(need[j] or 1, room(cell, words_only))
      end
    end
    return true
  end
  if not measure(t.head.rows, true) then return nil end
  for _, body in ipairs(t.bodies) do
    if not measure(body.body, false) then return nil end
  end
  local short, long = 0, 0
  for j = 1, #t.colspecs do
    need[j] = need[j] or 1
    if need[j] <= SHORT then short = short + need[j]
    else long = long + need[j] end
  end
  -- Too much for a line: the short columns keep what they need, and the
  -- long ones (prose) share what is left, or at least half their need.
  local fit, scale = line(#t.colspecs), 1
  if short + long > fit and long > 0 then
    scale = math.max(fit - short, long / 2) / long
  end
  local total = short + long * scale
  for j, spec in ipairs(t.colspecs) do
    local w = need[j] <= SHORT and need[j] or need[j] * scale
    t.colspecs[j] = {spec[1], w / total}
  end
  return t
end

-- A body row whose first cell is empty goes on with the row above it
-- (the programs print a model's name once, on the first of its rows).
-- In the PDF no page may come between the two: a \noalign at the head of
-- the row puts a \nobreak between the rows, as \hline puts a rule.  A
-- table of a dozen rows or fewer is kept whole so.
local WHOLE = 12

local function keep_groups(t)
  for _, body in ipairs(t.bodies) do
    local whole = #body.body <= WHOLE
    for i, row in ipairs(body.body) do
      local first = row.cells[1]
      local nobreak = pandoc.RawInline("latex", "\\noalign{\\nobreak}")
      if i == 1 then
        -- the first row may follow the head
      elseif pandoc.utils.stringify(first.contents) == "" then
        first.contents = {pandoc.Plain{nobreak}}
      elseif whole and #first.contents == 1 and
             first.contents[1].t == "Plain" then
        first.contents[1].content:insert(1, nobreak)
      end
    end
  end
  return t
end

-- In the HTML book a table sits in a box of its own that scrolls
-- sideways when the table is wider than the page (on a phone, say), so
-- that the page itself never does; book.css keeps its numbers whole.
function Table(t)
  t = widths(t) or t
  if FORMAT:match("html") then
    return pandoc.Div(t, pandoc.Attr("", {"table"}))
  elseif FORMAT:match("latex") then
    return keep_groups(t)
  end
  return t
end
