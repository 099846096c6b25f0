/* value.c: Value nodes and the operations that make them. */
#include "value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Nodes are handed out in order from blocks of BLOCK_NODES.  A block
   never moves, so a pointer to a node is good until it is released. */
enum { BLOCK_NODES = 4096 };

typedef struct Block Block;
struct Block {
    Block *below;             /* the block filled before this one */
    size_t used;              /* nodes handed out from this block */
    Value nodes[BLOCK_NODES];
};

static Block *top;     /* the block being filled */
static Block *spare;   /* released blocks, kept for reuse */
static size_t n_nodes; /* nodes alive, in all blocks */

static void out_of_memory(void)
{
    fputs("microgpt: out of memory\n", stderr);
    exit(1);
}
static Block *new_block(void)
{
    Block *b = spare;
    if (b)
        spare = b->below;
    else if (!(b = malloc(sizeof *b)))
        out_of_memory();
    b->below = top;
    b->used = 0;
    return b;
}

static Value *new_node(void)
{
    if (!top || top->used == BLOCK_NODES)
        top = new_block();
    Value *v = &top->nodes[top->used++];
    *v = (Value){0};
    n_nodes++;
    return v;
}

size_t values_mark(void)
{
    return n_nodes;
}

void values_release(size_t mark)
{
    while (n_nodes > mark) {
        size_t extra = n_nodes - mark;
        if (extra < top->used) {
            top->used -= extra;
            n_nodes = mark;
        } else {
            Block *b = top;
            n_nodes -= b->used;
            top = b->below;
            b->below = spare;
            spare = b;
        }
    }

}
static void free_walk(void); /* in "the graph" */

void values_free(void)
{
    values_release(0);
    while (spare) {
        Block *b = spare;
        spare = b->below;
        free(b);
    }
    free_walk();

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
Value *v_dot_term(Value *sum, Value *a, Value *b)
{
    Value *p = v_mul(a, b);
    return sum ? v_add(sum, p) : p;
}
static Value **order, **stack; /* the walk's list and its stack */
static size_t walk_cap;        /* room in each */
static unsigned walks;         /* walks so far: the current walk's number */

/* Gives each array room for at least n nodes. */
static void make_room(size_t n)
{
    size_t cap = walk_cap ? 2 * walk_cap : 1024;
    while (cap < n)
        cap *= 2;
    Value **o = realloc(order, cap * sizeof *o);
    if (o)
        order = o;
    Value **s = realloc(stack, cap * sizeof *s);
    if (s)
        stack = s;
    if (!o || !s)
        out_of_memory();
    walk_cap = cap;
}

static void free_walk(void)
{
    free(order);
    free(stack);
    order = stack = NULL;
    walk_cap = 0;
}
/* The first child of v that this walk has not reached, or NULL. */
static Value *unseen_child(const Value *v, unsigned walk)
{
    for (int i = 0; i < v->n_children; i++)
        if (v->children[i]->walk != walk)
            return v->children[i];
    return NULL;
}

Value **value_topo(Value *root, size_t *n)
{
    unsigned walk = ++walks;
    size_t n_order = 0, depth = 0;
    Value *v = root;
    if (walk_cap == 0)
        make_room(1);
    root->walk = walk;
    for (;;) {
        Value *next = unseen_child(v, walk);
        if (next) {                 /* down to a new node */
            size_t reached = n_order + depth + 2;
            if (reached > walk_cap)
                make_room(reached);
            next->walk = walk;
            stack[depth++] = v;
            v = next;
        } else {                    /* v is done: list it, go back up */
            order[n_order++] = v;
            if (depth == 0)
                break;
            v = stack[--depth];
        }
    }
    *n = n_order;
    return order;
}
void backward(Value *root)
{
    size_t n;
    Value **topo = value_topo(root, &n);
    root->grad = 1.0;
    for (size_t i = n; i-- > 0;) {
        Value *v = topo[i];
        for (int c = 0; c < v->n_children; c++)
            v->children[c]->grad += v->local_grads[c] * v->grad;
    }
}
size_t value_depth(Value *root)
{
    size_t n;
    Value **order = value_topo(root, &n);
    double *kept = malloc(n * sizeof *kept);
    if (!kept)
        out_of_memory();
    for (size_t i = 0; i < n; i++) {  /* children before parents */
        Value *v = order[i];
        kept[i] = v->grad;
        double below = 0;
        for (int c = 0; c < v->n_children; c++)
            if (v->children[c]->grad > below)
                below = v->children[c]->grad;
        v->grad = below + 1;
    }
    size_t depth = (size_t)root->grad;
    for (size_t i = 0; i < n; i++)
        order[i]->grad = kept[i];
    free(kept);
    return depth;
}
