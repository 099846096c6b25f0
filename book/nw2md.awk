# book/nw2md.awk: the book's noweb back end.
#
# Reads the markup stream of all chapters at once
#     /usr/lib/noweb/markup chapters/*.nw | gawk -f book/nw2md.awk -v out=DIR
# and writes, for each chapter NN-slug.nw,
#     DIR/NN-slug.md    the chapter as pandoc Markdown
#     DIR/NN-slug.yaml  its navigation: previous and next page
# and DIR/contents.md, the list of chapters for the index page.
#
# Every code chunk becomes a fenced C block inside a div whose id is the
# chunk's number (chunk 3 of chapter 1 is "c1-3").  Above the block: the
# chunk's name and number, and links to the previous and next definitions
# of the same name.  Below it: the chunks that use it and the chunks it
# uses.  Links are written as "#c1-3"; book/links.lua makes them point
# across pages in the HTML book.

function fail(msg) {
    print "nw2md: " msg > "/dev/stderr"
    failed = 1
    exit 1
}

function label(k) { return cchap[k] "." cidx[k] }
function anchor(k) { return "c" cchap[k] "-" cidx[k] }
function link(k) { return "[" label(k) "](#" anchor(k) ")" }
# A chunk's name as Markdown text: its punctuation escaped, so that
# pandoc neither curls its quotes nor reads its stars as emphasis, and
# the name reads as it does in the code.
function md_name(k,    s) {
    s = cname[k]
    gsub(/[][\\`*_{}()#+.!'"<>|~^$&:;,=?@%\/-]/, "\\\\&", s)
    return s
}
function name_link(k) {
    return "[⟨" md_name(k) "⟩ " label(k) "](#" anchor(k) ")"
}
function first_def(name) {
    if (!(name in ndefs)) fail("chunk <<" name ">> is used but never defined")
    return def[name, 1]
}

# ---- reading the markup -------------------------------------------------

/^@file / {
    file = substr($0, 7)
    nfiles++
    fname[nfiles] = file
    base = file; sub(/.*\//, "", base); sub(/\.nw$/, "", base)
    fbase[nfiles] = base
    fchap[nfiles] = (base ~ /^[0-9]+-/) ? base + 0 : 0
    nitems[nfiles] = 0
    nchunks_here = 0
    line = 1
    next
}

/^@begin docs/ { mode = "docs"; buf = ""; cur = ""; next }

/^@begin code/ {
    mode = "code"
    k = ++nchunks
    cfile[k] = nfiles
    cchap[k] = fchap[nfiles]
    cidx[k] = ++nchunks_here
    cline[k] = line
    ncode[k] = 0
    skip_nl = 1        # the newline that ends the <<name>>= line
    cur = ""
    next
}

/^@defn / {
    name = substr($0, 7)
    # A definition named "NAME (replacing)" replaces the earlier ones
    # (tools/replace.awk does it when tangling); here it keeps the name.
    if (name ~ / \(replacing\)$/) {
        sub(/ \(replacing\)$/, "", name)
        replacing[k] = 1
    }
    cname[k] = name
    ndefs[name]++
    def[name, ndefs[name]] = k
    defpos[k] = ndefs[name]
    next
}

/^@text / {
    t = substr($0, 7)
    if (mode == "docs" && quoting) qbuf = qbuf t
    else cur = cur t
    next
}

/^@quote/ { quoting = 1; qbuf = ""; next }
/^@endquote/ {
    quoting = 0
    fence = (qbuf ~ /`/) ? "`` " : "`"
    cur = cur fence qbuf (fence == "`" ? "`" : " ``")
    next
}

/^@use / {
    u = substr($0, 6)
    cur = cur "\001" u "\002"
    if (!((k, u) in uses)) {
        uses[k, u] = 1
        nuses[k]++
        usename[k, nuses[k]] = u
    }
    if (!((u, k) in usedby)) {
        usedby[u, k] = 1
        nusers[u]++
        user[u, nusers[u]] = k
    }
    next
}

/^@nl/ {
    if (mode == "code") {
        if (skip_nl) skip_nl = 0
        else {
            plain = cur; gsub(/[\001\002]/, "", plain)
            if (length(plain) > 79)
                fail(fname[nfiles] ":" line ": code line longer than 79 " \
                     "columns (the PDF would cut it)")
            code[k, ++ncode[k]] = cur
        }
    } else if (mode == "docs") {
        buf = buf cur "\n"
        if (!(nfiles in ftitle) && cur ~ /^# /) {
            tt = substr(cur, 3); sub(/[ \t]*\{.*\}[ \t]*$/, "", tt)
            ftitle[nfiles] = tt
        }
    }
    cur = ""
    line++
    next
}

/^@end docs/ {
    buf = buf cur
    item[nfiles, ++nitems[nfiles]] = "D" buf
    mode = ""
    next
}

/^@end code/ {
    if (cur != "") code[k, ++ncode[k]] = cur
    item[nfiles, ++nitems[nfiles]] = "C" k
    mode = ""
    next
}

# Everything else in the stream (@index, @xref, @language ...) we ignore.

# ---- writing Markdown ---------------------------------------------------

function code_line(s,    r, i, parts, n, seg, nm) {
    # Chunk uses are framed by \001 and \002; show them as <name 1.3>.
    n = split(s, parts, "\001")
    r = parts[1]
    for (i = 2; i <= n; i++) {
        seg = parts[i]
        nm = substr(seg, 1, index(seg, "\002") - 1)
        r = r "⟨" nm " " label(first_def(nm)) "⟩" \
            substr(seg, index(seg, "\002") + 1)
    }
    return r
}

# A replacing definition lists what it replaces; a replaced one says where
# it is replaced.
function replaced_note(k,    name, n, i, j, s) {
    name = cname[k]; n = defpos[k]; s = ""
    if (k in replacing) {
        for (i = n - 1; i >= 1 && !(def[name, i] in replacing); i--) ;
        if (i < 1) i = 1
        for (j = i; j < n; j++) s = s (s == "" ? "" : ", ") link(def[name, j])
        return "\n::: chunk-replaces\nReplaces " s " from here on.\n:::\n"
    }
    for (i = n + 1; i <= ndefs[name]; i++)
        if (def[name, i] in replacing)
            return "\n::: chunk-replaces\nReplaced by " \
                   link(def[name, i]) " from chapter " \
                   cchap[def[name, i]] " on.\n:::\n"
    return ""
}

function chunk_md(k,    s, i, n, name, empty, nxt, prv, uses_s, used_s) {
    name = cname[k]
    n = defpos[k]
    s = "\n::: {#" anchor(k) " .chunk}\n"
    s = s "::: chunk-head\n"
    # the name and its sign as one, joined by a no-break space: on a
    # narrow page the name may wrap, but the sign stays by its number
    s = s "[[⟨" md_name(k) "⟩ " label(k) "]{.chunk-name}\\ "
    s = s "[" (n == 1 || (k in replacing) ? "≡" : "+≡") "]{.chunk-op}"
    s = s "]{.chunk-title}"
    if (n > 1) {
        prv = def[name, n - 1]
        s = s " [[← " label(prv) "](#" anchor(prv) ")]{.chunk-prev}"
    }
    if (n < ndefs[name]) {
        nxt = def[name, n + 1]
        s = s " [[" label(nxt) " →](#" anchor(nxt) ")]{.chunk-next}"
    }
    s = s "\n:::\n"
    s = s replaced_note(k)

    empty = 1
    for (i = 1; i <= ncode[k]; i++) if (code[k, i] ~ /[^ \t]/) empty = 0
    if (empty) {
        s = s "\n*Empty here"
        if (n < ndefs[name]) s = s "; filled in " link(def[name, n + 1])
        s = s ".*\n"
    } else {
        s = s "\n~~~~~~~~ {.c}\n"
        for (i = 1; i <= ncode[k]; i++) s = s code_line(code[k, i]) "\n"
        s = s "~~~~~~~~\n"
    }

    used_s = ""
    for (i = 1; i <= nusers[name]; i++)
        used_s = used_s (i > 1 ? ", " : "") name_link(user[name, i])
    uses_s = ""
    for (i = 1; i <= nuses[k]; i++)
        uses_s = uses_s (i > 1 ? ", " : "") \
                 name_link(first_def(usename[k, i]))
    s = s "\n::: chunk-foot\n"
    if (used_s != "") s = s "Used in " used_s "."
    else s = s "Root chunk: tangled into the file `" name "`."
    if (uses_s != "") s = s " Uses " uses_s "."
    s = s "\n:::\n:::\n\n"
    return s
}

function yaml_str(s) { gsub(/"/, "\\\"", s); return "\"" s "\"" }

END {
    if (failed) exit 1
    if (out == "") fail("usage: gawk -f nw2md.awk -v out=DIR")
    contents = out "/contents.md"
    printf "" > contents
    for (f = 1; f <= nfiles; f++) {
        if (!(f in ftitle)) fail(fname[f] ": no '# Title' line")
        md = out "/" fbase[f] ".md"
        printf "" > md
        for (i = 1; i <= nitems[f]; i++) {
            it = item[f, i]
            if (substr(it, 1, 1) == "D") printf "%s", substr(it, 2) > md
            else printf "%s", chunk_md(substr(it, 2) + 0) > md
        }
        close(md)

        y = out "/" fbase[f] ".yaml"
        printf "pagetitle: %s\n", yaml_str(ftitle[f]) > y
        if (fchap[f]) printf "chapter: %d\n", fchap[f] > y
        if (f > 1) {
            printf "prev: %s\n", yaml_str(fbase[f-1] ".html") > y
            printf "prev-title: %s\n", yaml_str(ftitle[f-1]) > y
        }
        if (f < nfiles) {
            printf "next: %s\n", yaml_str(fbase[f+1] ".html") > y
            printf "next-title: %s\n", yaml_str(ftitle[f+1]) > y
        }
        close(y)

        num = fchap[f] ? "Chapter " fchap[f] " — " : ""
        printf "- [%s%s](%s.html)\n", num, ftitle[f], fbase[f] > contents
    }
    close(contents)
}
