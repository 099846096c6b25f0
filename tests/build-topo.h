/* tests/build-topo.h: the Python original's build_topo, recursive, as
 * the definition that value_topo's walk must match (chapters 2 and 3):
 * a node is listed after its children, each child visited in order
 * unless seen before.  Seen is marked in grad, which must be zero in
 * every node the walk can reach. */
#ifndef TESTS_BUILD_TOPO_H
#define TESTS_BUILD_TOPO_H

#include <stddef.h>

#include "value.h"

static inline void build_topo(Value *v, Value **out, size_t *n)
{
    if (v->grad != 0)
        return;
    v->grad = 1;
    for (int i = 0; i < v->n_children; i++)
        build_topo(v->children[i], out, n);
    out[(*n)++] = v;
}

#endif
