/* value.c: Value nodes and the operations that make them. */
#include "value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static Value **all_nodes;    /* every node made so far */
static size_t n_nodes, cap_nodes;

static void out_of_memory(void)
{
    fputs("microgpt: out of memory\n", stderr);
    exit(1);
}

static Value *new_node(void)
{
    if (n_nodes == cap_nodes) {
        size_t cap = cap_nodes ? 2 * cap_nodes : 1024;
        Value **grown = realloc(all_nodes, cap * sizeof *grown);
        if (!grown)
            out_of_memory();
        all_nodes = grown;
        cap_nodes = cap;
    }
    Value *v = calloc(1, sizeof *v);
    if (!v)
        out_of_memory();
    all_nodes[n_nodes++] = v;
    return v;
}
void values_free(void)
{
    for (size_t i = 0; i < n_nodes; i++)
        free(all_nodes[i]);
    free(all_nodes);
    all_nodes = NULL;
    n_nodes = cap_nodes = 0;
}

size_t values_count(void)
{
    return n_nodes;
}
Value *value(double data)
{
    Value *v = new_node();
    v->data = data;
    return v;
}

static Value *unary(double data, Value *a, double da)
{
    Value *v = value(data);
    v->n_children = 1;
    v->children[0] = a;
    v->local_grads[0] = da;
    return v;
}

static Value *binary(double data, Value *a, double da, Value *b, double db)
{
    Value *v = unary(data, a, da);
    v->n_children = 2;
    v->children[1] = b;
    v->local_grads[1] = db;
    return v;
}
Value *v_add(Value *a, Value *b)
{
    return binary(a->data + b->data, a, 1.0, b, 1.0);
}

Value *v_mul(Value *a, Value *b)
{
    return binary(a->data * b->data, a, b->data, b, a->data);
}
Value *v_pow(Value *a, double k)
{
    return unary(pow(a->data, k), a, k * pow(a->data, k - 1));
}

Value *v_log(Value *a)
{
    return unary(log(a->data), a, 1.0 / a->data);
}

Value *v_exp(Value *a)
{
    double e = exp(a->data);
    return unary(e, a, e);
}
Value *v_relu(Value *a)
{
    return unary(a->data > 0 ? a->data : 0.0, a, a->data > 0 ? 1.0 : 0.0);
}
Value *v_neg(Value *a)
{
    return v_mul(a, value(-1.0));
}

Value *v_sub(Value *a, Value *b)
{
    return v_add(a, v_neg(b));
}

Value *v_div(Value *a, Value *b)
{
    return v_mul(a, v_pow(b, -1.0));
}
