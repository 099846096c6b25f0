-- book/math.lua: for the HTML book, MathML that reads as the TeX does.
-- pandoc writes each formula itself, and some of its habits show in a
-- browser that follows MathML Core, as Chromium does:
--  * Every pair of brackets is marked stretchy, as if each were \left and
--    \right, and Chromium sets "L(x)" as "L ( x )".  In TeX only \left
--    and \right stretch, so a formula without them gets brackets that do
--    not.  And \Big's brackets, of a fixed size, are given that size
--    as a multiple, "1.8", where MathML Core reads only lengths; they
--    get it in em, and may stretch as far as that.
--  * \mathrm{relu} becomes a style around four one-letter identifiers,
--    which MathML Core ignores: the name comes out in italics.  A name of
--    several letters is one identifier, which is set upright.
--  * \hat is a combining circumflex, which stretches over its letter
--    as \widehat would, and hides under a square root's bar; the
--    circumflex of its own, U+02C6, does neither.
--  * \mathrel is dropped, so "y \mathrel{+}= x" is a plus and an equals
--    sign spaced apart, "y + = x"; the two become the one operator "+=".
--  * \log, \tanh and the other names of functions are operators with
--    no spacing of their own in MathML Core, so they get the default, a
--    thick space on each side ("1 +  tanh u"); they are given TeX's: a
--    thin space after, unless a bracket or a prime follows, and one
--    before, if what comes before is not an operator.
--  * A minus after an operator ("= -\log p") is spaced as a subtraction;
--    there it is a sign, as TeX sets it.
-- So each formula is written here, with those changes, and passed on as
-- raw HTML.

-- "<mi>r</mi><mi>e</mi>...", letters only, as the one name "relu"; nil
-- for anything else.
local function one_name(inner)
  local name = inner:gsub("<mi>([^<])</mi>", "%1")
  if name:find("[<>]") or name == "" then return nil end
  if #name == 1 then
    return '<mi mathvariant="normal">' .. name .. "</mi>"
  end
  return "<mi>" .. name .. "</mi>"
end

local function sign(before, op)
  if op == ")" or op == "]" or op == "|" then return nil end
  return before .. '<mo form="prefix">−</mo>'
end

-- The spacing of the operator "name" in html, the text after it at pos:
-- a thin space after, unless a bracket or a prime follows.
local function function_name(html, name, pos)
  if name == "mod" then return nil end
  local next = html:sub(pos, pos + 80)
  local tight = next:find('^<mo[^>]*form="prefix"') or
                next:find('^<mrow><mo[^>]*form="prefix"') or
                next:find("^<mi>′")
  return '<mo lspace="0" rspace="' .. (tight and "0" or "0.1667em") ..
         '">' .. name .. "</mo>"
end

local function space_before(tag)
  if tag == "</mo>" then return nil end
  return tag .. '<mo lspace="0.1667em"'
end

function Math(m)
  local html = pandoc.write(pandoc.Pandoc({pandoc.Plain{m}}), "html",
                            {html_math_method = "mathml"})
  if not m.text:find("\\left[^%a]") then
    html = html:gsub('stretchy="true"', 'stretchy="false"')
  end
  html = html:gsub('minsize="([%d.]+)" maxsize="([%d.]+)" stretchy="false"',
                   'minsize="%1em" maxsize="%2em" stretchy="true"')
  html = html:gsub('<mstyle mathvariant="normal">(.-)</mstyle>', one_name)
  if not m.text:find("\\wide") then
    html = html:gsub('<mo accent="true">\u{302}</mo>',
                     '<mo accent="true">\u{2c6}</mo>')
  end
  html = html:gsub("<mo>%+</mo><mo>=</mo>", "<mo>+=</mo>")
  html = html:gsub("(<mo[^>]*>([^<]*)</mo>)<mo>−</mo>", sign)
  html = html:gsub("<mo>(%a%a+)</mo>()", function(name, pos)
    return function_name(html, name, pos)
  end)
  html = html:gsub('(</m%a+>)<mo lspace="0"', space_before)
  return pandoc.RawInline("html", (html:gsub("%s+$", "")))
end

-- A browser may break a line between a formula and the text that
-- follows it with no space, and start a line with ", ..." or "'s" as no
-- typesetter would.  So an inline formula and the word right after it
-- (pandoc's Str, which holds no space) go in one span that book.css keeps
-- on one line.  A formula inside emphasis or a link is left as it is.
local function is_formula(el)
  return el and el.t == "RawInline" and el.format == "html" and
         el.text:find('^<math display="inline"')
end

function Inlines(inlines)
  local out = pandoc.List()
  local i = 1
  while i <= #inlines do
    local el, after = inlines[i], inlines[i + 1]
    if is_formula(el) and after and after.t == "Str" then
      out:insert(pandoc.Span({el, after}, pandoc.Attr("", {"nobr"})))
      i = i + 2
    else
      out:insert(el)
      i = i + 1
    end
  end
  return out
end
