-- book/figures.lua: puts the programs' real output into the prose.
--
-- The prose names a figure with a span, [worked-table]{.fig}.  The stage
-- programs print their figures (with --figures) as
--     %% name
--     Markdown text ...
-- and the build collects them all in one file, passed as the metadata
-- field "figures".  A span that is a paragraph of its own becomes the
-- figure's blocks (a table, say); a span inside a sentence becomes the
-- figure's text, which must then be a single line.  An unknown name, or a
-- name printed twice, stops the build.
--
-- A figure whose text is a Graphviz graph ("digraph ...") is drawn by dot
-- at build time: inline SVG in the HTML, a PDF (vector) picture in the
-- PDF, written into the directory named by the metadata "figures-out".
-- A figure whose text starts with the line "# gnuplot" is a gnuplot
-- script (its data inline) and is drawn the same way: SVG in the HTML,
-- PDF in the PDF.  The script sets no terminal; the filter does.
-- The span's caption attribute becomes the figure's caption.

local figures = {}

local function load(path)
  local f = io.open(path, "r")
  if not f then error("figures.lua: cannot open " .. path) end
  local name, lines = nil, {}
  local function flush()
    if name then
      if figures[name] then
        error("figures.lua: figure '" .. name .. "' printed twice")
      end
      figures[name] = table.concat(lines, "\n")
    end
  end
  for line in f:lines() do
    local n = line:match("^%%%% (%S+)%s*$")
    if n then
      flush(); name, lines = n, {}
    elseif name then
      table.insert(lines, line)
    end
  end
  flush()
  f:close()
end

local out_dir = "."

local function caption_of(span)
  local c = span.attributes.caption
  if not c then return {} end
  local blocks = pandoc.read(c, "markdown").blocks
  return blocks[1] and blocks[1].content or {}
end

-- The picture's program, as a command that reads text on its standard
-- input and writes a PDF to a file or SVG to its standard output.  A
-- graph's SVG ids start with the figure's name, so that two graphs on
-- one page do not both have a "node1".
local function draw(text, path, name)
  if text:match("^digraph") then
    if path then  -- on the page: labels of the body text's size, packed,
      -- and no margin (a PDF's is half an inch all round unless told)
      return pandoc.pipe("dot", {"-Tpdf", "-Nfontsize=10", "-Nmargin=0.04",
                                 "-Granksep=0.3", "-Gmargin=0", "-o", path},
                         text)
    end
    return pandoc.pipe("dot", {"-Tsvg", "-Gid=" .. name:gsub("-", "_")},
                       text)
  end
  -- pdfcairo draws a font of size s at 4/3 s points, then scales it by
  -- fontscale, 0.5 unless told otherwise: 9 at 0.75 is 9 points
  local terminal = path
    and ('set terminal pdfcairo size 5in,3in font "Helvetica,9" ' ..
         'fontscale 0.75 pointscale 0.4\n' ..
         'set output "' .. path .. '"\n')
    or 'set terminal svg size 720,420 font "Helvetica,12"\n'
  return pandoc.pipe("gnuplot", {}, terminal .. text)
end

-- gnuplot writes each point of a scatter as a <use> of its marker, some
-- hundred bytes a point: five thousand of them, the loss curve's, would
-- make half a chapter's page.  The points of the filled circle (point
-- type 7, gnuplot's "gpPt6": a disc of radius 1 outlined 0.222 wide, then
-- scaled) in the first scale and colour found become one path of
-- zero-length strokes with round caps: the same discs, in a sixth of the
-- bytes.
local function pack_points(svg)
  local use = "\t<use xlink:href='#gpPt6' transform='translate%(([%d.]+)," ..
              "([%d.]+)%) scale%(([%d.]+)%)' color='([^']+)'/>\n"
  local moves, style = {}, nil
  svg = svg:gsub(use, function(x, y, scale, color)
    if style and style.scale .. style.color ~= scale .. color then
      return nil  -- another kind of point: left as it is
    end
    style = style or { scale = scale, color = color }
    moves[#moves + 1] = "M" .. x .. "," .. y .. "h0"
    return #moves == 1 and "<!-- points -->" or ""
  end)
  if not style then return svg end
  local path = string.format("\t<path d='%s' stroke='%s' stroke-width=" ..
    "'%.3f' stroke-linecap='round' fill='none'/>\n", table.concat(moves),
    style.color, (2 + 0.222) * tonumber(style.scale))
  return (svg:gsub("<!%-%- points %-%->", function() return path end, 1))
end

local function graph(name, text, caption)
  if FORMAT:match("latex") then
    local path = out_dir .. "/" .. name .. ".pdf"
    draw(text, path)
    -- where it is written, and whole: see book/preamble.tex
    local captioned = pandoc.List({pandoc.RawInline("latex",
                                                    "\\figurecaption{")})
    captioned:extend(caption)
    captioned:insert(pandoc.RawInline("latex", "}"))
    return {
      pandoc.RawBlock("latex", "\\begin{center}\\begin{minipage}" ..
                               "{\\linewidth}\\centering"),
      pandoc.Plain { pandoc.Image({}, path) },
      pandoc.Plain(captioned),
      pandoc.RawBlock("latex", "\\end{minipage}\\end{center}"),
    }
  end
  local svg = pack_points(draw(text, nil, name))
  svg = svg:gsub("^.-<svg", "<svg")
  -- A graph shrinks with a narrow page only so far, to three quarters
  -- of its size, where its smallest labels can still be read; on a
  -- narrower page (a phone's) it scrolls sideways in its own box.
  svg = svg:gsub('^<svg%s+width="([%d.]+)(%a*)"', function(w, unit)
    unit = unit == "" and "px" or unit
    return string.format('<svg style="min-width: %.0f%s" width="%s%s"',
                         0.75 * tonumber(w), unit, w, unit)
  end, 1)
  return {
    pandoc.RawBlock("html", '<figure class="graph" id="fig-' .. name ..
                    '">\n' .. svg),
    pandoc.RawBlock("html", "<figcaption>"),
    pandoc.Plain(caption),
    pandoc.RawBlock("html", "</figcaption>\n</figure>"),
  }
end

local function figure(span)
  local name = pandoc.utils.stringify(span.content)
  local text = figures[name]
  if not text then error("figures.lua: no program printed figure '" ..
                         name .. "'") end
  if text:match("^digraph") or text:match("^# gnuplot\n") then
    return graph(name, text, caption_of(span))
  end
  return pandoc.read(text, "markdown").blocks
end

local function is_fig(el)
  return el.t == "Span" and el.classes:includes("fig")
end

function Pandoc(doc)
  local path = doc.meta.figures and pandoc.utils.stringify(doc.meta.figures)
  if path then load(path) end
  if doc.meta["figures-out"] then
    out_dir = pandoc.utils.stringify(doc.meta["figures-out"])
  end
  -- Two walks, because a walk visits the inlines of a paragraph before
  -- the paragraph: first the figures that stand alone, then the rest.
  doc = doc:walk {
    Para = function(p)
      if #p.content == 1 and is_fig(p.content[1]) then
        return figure(p.content[1])
      end
    end,
  }
  return doc:walk {
    Span = function(s)
      if not is_fig(s) then return nil end
      local blocks = figure(s)
      if #blocks ~= 1 or (blocks[1].t ~= "Para" and blocks[1].t ~= "Plain")
      then
        error("figures.lua: figure '" .. pandoc.utils.stringify(s.content)
              .. "' is not one line, so it cannot stand in a sentence")
      end
      return blocks[1].content
    end,
  }
end
