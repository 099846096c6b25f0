# tools/replace.awk: a noweb filter (notangle -filter) that lets a later
# chapter replace a chunk instead of appending to it.  A definition named
#     <<value.c: where nodes live (replacing)>>=
# discards every earlier definition of <<value.c: where nodes live>>, and
# becomes the first of the new ones; definitions after it append as usual.
# Chapter 1 alone still tangles to its own code, since the replacement is
# not yet in the stream.
{ line[++n] = $0 }
/^@begin code/ { start = n }
/^@defn / {
    name = substr($0, 7)
    if (name ~ / \(replacing\)$/) {
        sub(/ \(replacing\)$/, "", name)
        line[n] = "@defn " name
        for (i = 1; i <= nchunks; i++)
            if (cname[i] == name) dropped[cfrom[i]] = cto[i]
    }
    cur = name
}
/^@end code/ {
    nchunks++; cname[nchunks] = cur; cfrom[nchunks] = start; cto[nchunks] = n
}
END {
    for (i = 1; i <= n; i++) {
        if (i in dropped) { i = dropped[i]; continue }
        print line[i]
    }
}
