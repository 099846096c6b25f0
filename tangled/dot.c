/* dot.c: see dot.h. */
#include "dot.h"

/* The name of v, names[i] where nodes[i] is v, or NULL. */
static const char *name_of(Value *v, Value **nodes, const char **names,
                           int n)
{
    for (int i = 0; i < n; i++)
        if (nodes[i] == v)
            return names[i];
    return NULL;
}

/* An edge from each child to its parent, a dot node's factors among the
   children, in the order topo[0..n-1], labelled with the local
   gradient. */
static void write_edges(FILE *out, Value **topo, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < value_n_children(topo[i]); c++) {
            size_t j = 0;
            while (topo[j] != value_child(topo[i], c))
                j++;
            fprintf(out, "  n%zu -> n%zu [label=\"%g\"];\n", j, i,
                    value_local_grad(topo[i], c));
        }
}

void value_dot(FILE *out, Value *root, Value **nodes,
               const char **names, int n_names)
{
    size_t n;
    Value **topo = value_topo(root, &n);
    fprintf(out, "digraph value {\n  rankdir=LR;\n"
                 "  node [shape=record, fontname=\"Helvetica\"];\n"
                 "  edge [fontname=\"Helvetica\", fontsize=10];\n");
    for (size_t i = 0; i < n; i++) {
        const char *name = name_of(topo[i], nodes, names, n_names);
        fprintf(out, "  n%zu [label=\"%s%sdata %g | grad %g\"];\n", i,
                name ? name : "", name ? " | " : "", topo[i]->data,
                topo[i]->grad);
    }
    write_edges(out, topo, n);
    fprintf(out, "}\n");
}
