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

-- About what a line of the PDF's text holds, in characters, once the
-- columns' padding is taken off; and the longest cell that is kept on one
-- line when a table is wider than that.
local LINE, SHORT = 80, 30

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

function Table(t)
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
  local total, short, long = 0, 0, 0
  for j = 1, #t.colspecs do
    need[j] = need[j] or 1
    total = total + need[j]
    if need[j] <= SHORT then short = short + need[j]
    else long = long + need[j] end
  end
  -- Too much for a line: the short columns keep what they need, and the
  -- long ones (prose) share the rest.
  local scale_long = 1
  if total > LINE and long > 0 then
    scale_long = math.max(LINE - short, long / 2) / long
    total = short + long * scale_long
  end
  for j, spec in ipairs(t.colspecs) do
    local w = need[j] <= SHORT and need[j] or need[j] * scale_long
    t.colspecs[j] = {spec[1], w / total}
  end
  return t
end
