/* value.h: a number that remembers where it came from. */
#ifndef VALUE_H
#define VALUE_H

#include <stddef.h>

typedef struct Value Value;

struct Value {
    double data;           /* the number itself */
    double grad;           /* d(loss)/d(this); backward() fills it */
    Value *children[2];    /* what this value was computed from */
    double local_grads[2]; /* d(this)/d(children[i]), at this point */
    int n_children;        /* 0 for a leaf, else 1 or 2 */
    unsigned walk;         /* the number of the last walk that reached it */
    unsigned n_terms;      /* a dot node's terms; 0 for any other node */
    unsigned terms_at;     /* where its factors start in the list */
};
Value *value(double data);  /* a new leaf */
void values_free(void);     /* free every value made so far */
size_t values_count(void);  /* how many values exist now */
size_t values_mark(void);          /* a mark: the values alive now */
void values_release(size_t mark);  /* free the values made after mark */
Value *v_add(Value *a, Value *b);  /* a + b */
Value *v_mul(Value *a, Value *b);  /* a * b */
Value *v_pow(Value *a, double k);  /* a^k, k a constant */
Value *v_log(Value *a);            /* natural logarithm */
Value *v_exp(Value *a);            /* e^a */
Value *v_relu(Value *a);           /* max(0, a) */
Value *v_neg(Value *a);            /* -a, as a * (-1) */
Value *v_sub(Value *a, Value *b);  /* a - b, as a + (-b) */
Value *v_div(Value *a, Value *b);  /* a / b, as a * b^-1 */
/* sum + a * b, or a * b if sum is NULL: one more term of a sum of
   products, which starts from NULL and runs left to right. */
Value *v_dot_term(Value *sum, Value *a, Value *b);
/* w[0] * x[0] + ... + w[n-1] * x[n-1] for n >= 1, as v_dot_term makes
   it: a row of n weights side by side against a vector. */
Value *v_dot_row(Value *w, Value **x, int n);
/* Turns dot nodes on (on != 0) or off, and says whether they were on.
   While they are on, v_dot_term and v_dot_row make a sum of products as
   a single dot node: the same value and, for the sums the model makes,
   the same gradients to the last bit as the chain.  The terms of one sum
   must be added one after another, with no other sum's in between. */
int values_dot_nodes(int on);
/* Every node reachable from root, each after its children (a depth-first
   post-order).  The array is the walk's own; the next walk reuses it. */
Value **value_topo(Value *root, size_t *n);

/* Sets root->grad to 1 and adds d(root)/d(v) into v->grad for every v
   that root depends on; the gradients below root must start at zero, or
   stale ones are passed down with the new. */
void backward(Value *root);
/* The number of nodes on the longest path from root to a leaf. */
size_t value_depth(Value *root);
/* The nodes v was computed from, in the order the walk visits them: a
   dot node's factors a1 b1 a2 b2 ..., any other node's children; and
   d(v)/d(value_child(v, i)). */
int value_n_children(const Value *v);
Value *value_child(const Value *v, int i);
double value_local_grad(const Value *v, int i);

#endif
