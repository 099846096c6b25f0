-- book/latex.lua: how code chunks and programs' output look in the PDF.
-- A chunk's name bar is a small line kept with the code (the link to the
-- next definition pushed to the right margin); its cross-references are a
-- footnote-sized line below.
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
    -- a line or two, never parted by a page
    return wrap(d, "\\nopagebreak[4]\\noindent{\\footnotesize" ..
                   "\\interlinepenalty=10000 ", "\\par}\\medskip")
  elseif d.classes:includes("chunk") then
    -- a chunk begins where its name bar and first few lines fit
    return { pandoc.RawBlock("latex", "\\needroom{6}"), d }
  end
end

-- A code block's chunk names as links (book/chunkrefs.lua): each a
-- \chunklink (book/preamble.tex), its text escaped as pandoc escapes code.
local chunkrefs = dofile(PANDOC_SCRIPT_FILE:match("^(.-)[^/]*$") ..
                        "chunkrefs.lua")
local ESCAPES = { ["\\"] = "\\textbackslash{}", ["{"] = "\\{",
  ["}"] = "\\}", ["_"] = "\\_", ["'"] = "\\textquotesingle{}",
  ["&"] = "\\&", ["%"] = "\\%", ["#"] = "\\#", ["$"] = "\\$",
  ["^"] = "\\^{}", ["~"] = "\\textasciitilde{}" }

local function code_with_links(c)
  local latex = chunkrefs.write(c, "latex", function(name, chapter, n)
    local escaped = name:gsub("[\\{}_'&%%#$^~]", ESCAPES)
    return string.format("\\chunklink{%s}{%s}{⟨%s %s.%s⟩}", chapter, n,
                         escaped, chapter, n)
  end)
  return latex and pandoc.RawBlock("latex", latex) or nil
end

-- A code block without a language is a program's output or usage.  It is
-- set small, as code is; the text is 453pt wide, and a typewriter
-- character 0.52 of the type size, so a line of 86 characters fits at
-- 10pt, 96 at 9pt, 108 at 8pt.  A block with a longer line (the book's
-- run prints one of 100) is set smaller, since it cannot be folded without
-- changing what the program printed.
local SIZES = { {86, "\\small"}, {96, "\\footnotesize"},
                {108, "\\scriptsize"} }

function CodeBlock(c)
  if #c.classes > 0 then return code_with_links(c) end
  local widest = 0
  for line in (c.text .. "\n"):gmatch("(.-)\n") do
    widest = math.max(widest, utf8.len(line) or #line)
  end
  local size = "\\tiny"
  for _, s in ipairs(SIZES) do
    if widest <= s[1] then size = s[2]; break end
  end
  return { pandoc.RawBlock("latex", "{" .. size), c,
           pandoc.RawBlock("latex", "}") }
end

-- An unnumbered chapter (the preface) sets no running head of its own,
-- and its second page would be headed by the chapter before it, the
-- contents; it is given its own name.
function Header(h)
  if h.level == 1 and h.classes:includes("unnumbered") then
    local title = pandoc.utils.stringify(h.content)
    local mark = "{\\MakeUppercase{" .. title .. "}}"
    return { h, pandoc.RawBlock("latex", "\\markboth" .. mark .. mark) }
  end
end

-- A short piece of code with a space in it ("--count 4", "%% name") is
-- one word to the reader, and is not split at the end of a line.
function Code(c)
  if utf8.len(c.text) <= 12 and c.text:find(" ") then
    return { pandoc.RawInline("latex", "\\mbox{"), c,
             pandoc.RawInline("latex", "}") }
  end
end
