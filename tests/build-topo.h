/* tests/build-topo.h: the Python original's build_topo, recursive, as
 * the definition that value_topo's walk must match (chapters 2 and 3):
 * a node is listed after its children, each child visited in order
 * unless seen before.  Seen is marked in grad, which must be zero in
 * every node the walk can reach. */
#ifndef TESTS_BUILD_TOPO_H
#define TESTS_BUILD_TOPO_H

#include <stddef.h>
#include <stdlib.h>

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

/* Fails the test unless value_topo(root) lists the nodes below root, place
 * for place, as build(root) does; returns how many there are.  room is
 * how many nodes the graph may have.  (Criterion must be included
 * first.) */
typedef void BuildTopo(Value *v, Value **out, size_t *n);

static inline size_t expect_walk(Value *root, size_t room, BuildTopo *build)
{
    Value **want = malloc(room * sizeof *want);
    size_t n_want = 0, n;
    build(root, want, &n_want);
    for (size_t i = 0; i < n_want; i++)
        want[i]->grad = 0;
    Value **got = value_topo(root, &n);
    cr_assert_eq(n, n_want);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(got[i], want[i], "place %zu of %zu", i, n);
    free(want);
    return n;
}

#endif
