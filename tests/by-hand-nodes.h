/* tests/by-hand-nodes.h: how many nodes the autograd engine's graph has,
 * counted by hand from chapter 3's code (without chapter 7's dot nodes,
 * which are off unless a caller turns them on).  Chapter 3's tests hold
 * the engine to these counts; chapter 7's table of one step states
 * them. */
#ifndef TESTS_BY_HAND_NODES_H
#define TESTS_BY_HAND_NODES_H

#include <stddef.h>

#include "model.h"

/* Nodes made by one call of gpt(), counted by hand from the code:
 *   rmsnorm(n):   n products, n-1 sums, * n^-1 (leaf, pow, product),
 *                 + 1e-5 (leaf, sum), ^-0.5, n products: 3n + 5
 *   linear(o, i): o dot products of i products and i-1 sums: o(2i - 1)
 *   softmax(n):   n (leaf, sum, exp), n-1 sums, n (pow, product): 6n - 1
 *   attention, n positions, per head of width d: n scores (a dot of d,
 *                 then leaf, pow, product) n(2d + 2); softmax(n); d
 *                 weighted sums of n products, n-1 sums: d(2n - 1)
 *   a layer:      rmsnorm(C), 4 linear(C, C), attention, C residual sums,
 *                 rmsnorm(C), linear(4C, C), 4C relus, linear(C, 4C), C
 *   gpt:          C embedding sums, rmsnorm(C), the layers, linear(V, C) */
static inline size_t by_hand_gpt(const Config *c, int t)
{
    size_t C = c->n_embd, V = c->vocab_size, H = c->n_head, d = C / H;
    size_t n = t + 1;
    size_t rms = 3 * C + 5, lin = C * (2 * C - 1);
    size_t attn = H * (n * (2 * d + 2) + (6 * n - 1) + d * (2 * n - 1));
    size_t layer = rms + 4 * lin + attn + C + rms + 4 * C * (2 * C - 1)
                 + 4 * C + C * (8 * C - 1) + C;
    return C + rms + c->n_layer * layer + V * (2 * C - 1);
}

/* The loss adds, per position, softmax(V) and -log p (log, leaf, product),
 * then n-1 sums and the mean (leaf, product). */
static inline size_t by_hand_loss(const Config *c, int n)
{
    size_t nodes = 0, V = c->vocab_size;
    for (int t = 0; t < n; t++)
        nodes += by_hand_gpt(c, t) + (6 * V - 1) + 3;
    return nodes + (n - 1) + 2;
}

#endif
