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
/* An empty block above the top one, a spare if there is one; exits if
   memory runs out. */
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

/* A new node, every field zero, from the top block. */
static Value *new_node(void)
{
    if (!top || top->used == BLOCK_NODES)
        top = new_block();
    Value *v = &top->nodes[top->used++];
    *v = (Value){0};
    n_nodes++;
    return v;
}
static Value **terms;              /* a1 b1 a2 b2 ... of every dot node */
static size_t terms_used, terms_room;
static struct { size_t node, at; } *dots;  /* each dot node, in order */
static size_t n_dots, dots_room;
static int *resume;                /* the walk's, below */
static size_t resume_room;

/* list, with room for *room things of the given size, made to hold at
   least n; exits if memory runs out. */
static void *grow(void *list, size_t *room, size_t n, size_t size)
{
    if (n <= *room)
        return list;
    size_t cap = *room ? 2 * *room : 1024;
    while (cap < n)
        cap *= 2;
    void *bigger = realloc(list, cap * size);
    if (!bigger)
        out_of_memory();
    *room = cap;
    return bigger;
}
/* Gives back the terms of the dot nodes made after mark. */
static void release_extras(size_t mark)
{
    while (n_dots > 0 && dots[n_dots - 1].node >= mark)
        terms_used = dots[--n_dots].at;
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
    release_extras(mark);
}
static void free_walk(void); /* in "the graph" */
/* Gives back the terms, the dot nodes' list, and the walk's places. */
static void free_extras(void)
{
    free(terms);
    free(dots);
    free(resume);
    terms = NULL;
    dots = NULL;
    resume = NULL;
    terms_used = terms_room = n_dots = dots_room = resume_room = 0;
}

void values_free(void)
{
    values_release(0);
    while (spare) {
        Block *b = spare;
        spare = b->below;
        free(b);
    }
    free_walk();
    free_extras();
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

/* A node holding data, made from a, with da = d(data)/da. */
static Value *unary(double data, Value *a, double da)
{
    Value *v = value(data);
    v->n_children = 1;
    v->children[0] = a;
    v->local_grads[0] = da;
    return v;
}

/* A node holding data, made from a and b, with da and db the local
   gradients d(data)/da and d(data)/db. */
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
static int dot_nodes;  /* whether sums of products make dot nodes */

int values_dot_nodes(int on)
{
    int was = dot_nodes;
    dot_nodes = on != 0;
    return was;
}

/* A dot node with no terms yet. */
static Value *dot_node(void)
{
    if (terms_used > (unsigned)-1)  /* terms_at would not hold it */
        out_of_memory();
    Value *d = value(0.0);
    dots = grow(dots, &dots_room, n_dots + 1, sizeof *dots);
    dots[n_dots].node = n_nodes - 1;  /* d's place among the nodes */
    dots[n_dots++].at = terms_used;
    d->terms_at = (unsigned)terms_used;
    return d;
}

/* Room for two more factors at the end of the list, which must end with
   d's factors. */
static void room_for_a_term(const Value *d)
{
    if (d->terms_at + 2 * (size_t)d->n_terms != terms_used) {
        fputs("v_dot_term: another sum's terms came between\n", stderr);
        abort();
    }
    terms = grow(terms, &terms_room, terms_used + 2, sizeof *terms);
}

static Value *chain_term(Value *sum, Value *a, Value *b)
{
    Value *p = v_mul(a, b);
    return sum ? v_add(sum, p) : p;
}
Value *v_dot_term(Value *sum, Value *a, Value *b)
{
    if (sum ? sum->n_terms == 0 : !dot_nodes)
        return chain_term(sum, a, b);
    Value *d = sum ? sum : dot_node();
    if (d->terms_at + 2 * (size_t)d->n_terms != terms_used
        || terms_used + 2 > terms_room)
        room_for_a_term(d);
    terms[terms_used++] = a;
    terms[terms_used++] = b;
    double p = a->data * b->data;
    d->data = d->n_terms++ ? d->data + p : p;
    return d;
}
Value *v_dot_row(Value *w, Value **x, int n)
{
    if (!dot_nodes) {
        Value *sum = NULL;
        for (int j = 0; j < n; j++)
            sum = v_dot_term(sum, &w[j], x[j]);
        return sum;
    }
    Value *d = dot_node();
    terms = grow(terms, &terms_room, terms_used + 2 * (size_t)n,
                 sizeof *terms);
    Value **factor = terms + terms_used;
    double sum = 0;
    for (int j = 0; j < n; j++) {
        factor[2 * j] = &w[j];
        factor[2 * j + 1] = x[j];
        double p = w[j].data * x[j]->data;
        sum = j ? sum + p : p;
    }
    terms_used += 2 * (size_t)n;
    d->n_terms = (unsigned)n;
    d->data = sum;
    return d;
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
int value_n_children(const Value *v)
{
    return v->n_terms ? 2 * (int)v->n_terms : v->n_children;
}

Value *value_child(const Value *v, int i)
{
    return v->n_terms ? terms[v->terms_at + i] : v->children[i];
}

double value_local_grad(const Value *v, int i)
{
    if (!v->n_terms)
        return v->local_grads[i];
    return terms[v->terms_at + (i ^ 1)]->data;  /* the other factor */
}

Value **value_topo(Value *root, size_t *n)
{
    unsigned walk = ++walks;
    size_t n_order = 0, depth = 0;
    Value *v = root;
    int next = 0;                    /* v's first child not yet looked at */
    if (walk_cap == 0)
        make_room(1);
    root->walk = walk;
    for (;;) {
        int k = value_n_children(v);
        while (next < k && value_child(v, next)->walk == walk)
            next++;
        if (next < k) {              /* down to a new node */
            size_t reached = n_order + depth + 2;
            if (reached > walk_cap)
                make_room(reached);
            Value *child = value_child(v, next);
            child->walk = walk;
            if (value_n_children(child) == 0) {  /* a leaf: down and up */
                order[n_order++] = child;
                continue;
            }
            resume = grow(resume, &resume_room, depth + 1, sizeof *resume);
            resume[depth] = next + 1;
            stack[depth++] = v;
            v = child;
            next = 0;
        } else {                     /* v is done: list it, go back up */
            order[n_order++] = v;
            if (depth == 0)
                break;
            v = stack[--depth];
            next = resume[depth];
        }
    }
    *n = n_order;
    return order;
}
/* Adds v's gradient, times each child's local gradient, into the
   child's gradient; a dot node's children are its factors. */
static void pass_down(Value *v)
{
    for (int c = 0; c < v->n_children; c++)
        v->children[c]->grad += v->local_grads[c] * v->grad;
    for (unsigned t = v->n_terms; t-- > 0;) {
        Value *a = terms[v->terms_at + 2 * t];
        Value *b = terms[v->terms_at + 2 * t + 1];
        double g = v->grad;      /* no factor is v itself */
        a->grad += b->data * g;
        b->grad += a->data * g;
    }
}

void backward(Value *root)
{
    size_t n;
    Value **topo = value_topo(root, &n);
    root->grad = 1.0;
    for (size_t i = n; i-- > 0;)
        pass_down(topo[i]);
}
/* The largest depth among v's children, each held in its grad, a dot
   node's factors among them; 0 for a leaf. */
static double deepest_child(const Value *v)
{
    double below = 0;
    for (int c = 0; c < value_n_children(v); c++)
        if (value_child(v, c)->grad > below)
            below = value_child(v, c)->grad;
    return below;
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
        v->grad = deepest_child(v) + 1;
    }
    size_t depth = (size_t)root->grad;
    for (size_t i = 0; i < n; i++)
        order[i]->grad = kept[i];
    free(kept);
    return depth;
}
