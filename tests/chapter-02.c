/* tests/chapter-02.c: the exercises of chapter 2, the graph and
 * backward().  Expected gradients are worked out by hand with the chain
 * rule; the rest are checked against central differences (gradcheck). */
#define _XOPEN_SOURCE 700 /* popen, open_memstream */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "dot.h"
#include "gradcheck.h"
#include "value.h"
#include "build-topo.h"

static void setup(void) { cr_assert_eq(values_count(), 0); }
static void teardown(void) { values_free(); }
TestSuite(backward, .init = setup, .fini = teardown);
TestSuite(gradcheck, .init = setup, .fini = teardown);
TestSuite(storage, .init = setup, .fini = teardown);
TestSuite(pictures, .init = setup, .fini = teardown);

/* x = 2, y = 3, z = x*y, loss = z + 1. */
typedef struct { Value *x, *y, *z, *one, *loss; } Worked;
static Worked worked(void)
{
    Worked w;
    w.x = value(2);
    w.y = value(3);
    w.z = v_mul(w.x, w.y);
    w.one = value(1);
    w.loss = v_add(w.z, w.one);
    return w;
}

Test(backward, worked_example_gradients)
{
    Worked w = worked();
    backward(w.loss);
    cr_assert_eq(w.loss->grad, 1.0); /* dL/dL */
    cr_assert_eq(w.z->grad, 1.0);    /* local 1 times 1 */
    cr_assert_eq(w.one->grad, 1.0);
    cr_assert_eq(w.x->grad, 3.0);    /* dz/dx = y = 3, times 1 */
    cr_assert_eq(w.y->grad, 2.0);    /* dz/dy = x = 2, times 1 */
}

Test(backward, a_lone_leaf_as_the_first_walk)
{
    /* The walk's arrays are made on the first walk, or the first after
     * values_free; a leaf has no child to push, so listing it must not
     * wait for a push to make room.  d(x)/d(x) = 1. */
    values_free();
    Value *x = value(4);
    backward(x);
    cr_assert_eq(x->grad, 1.0);
    size_t n;
    Value **topo = value_topo(x, &n);
    cr_assert_eq(n, 1);
    cr_assert_eq(topo[0], x);
}

Test(backward, topological_order_is_depth_first_post_order)
{
    /* From loss: z first, whose children x and y are listed before it,
     * then the constant, then loss itself. */
    Worked w = worked();
    size_t n;
    Value **topo = value_topo(w.loss, &n);
    Value *want[] = {w.x, w.y, w.z, w.one, w.loss};
    cr_assert_eq(n, 5);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(topo[i], want[i], "position %zu", i);
}

Test(backward, a_node_used_twice_gets_both_shares)
{
    Value *x = value(3);
    Value *sq = v_mul(x, x); /* d(x*x)/dx = x + x = 6 */
    backward(sq);
    cr_assert_eq(x->grad, 6.0);
    size_t n;
    value_topo(sq, &n);
    cr_assert_eq(n, 2, "x is listed once");

    /* A diamond: u = x*y, v = u + x, so dv/dx = y + 1 and dv/dy = x. */
    Value *a = value(2), *b = value(5);
    Value *v = v_add(v_mul(a, b), a);
    backward(v);
    cr_assert_eq(a->grad, 6.0);
    cr_assert_eq(b->grad, 2.0);
}

Test(backward, gradients_accumulate_until_zeroed)
{
    Worked w = worked();
    backward(w.loss);
    backward(w.loss);
    /* The second call sets loss to 1 and adds 1 into z and the constant,
     * which now hold 2.  Only then does z pass its gradient down, so x
     * gets 3 more times z's 2: x = 3 + 6 = 9, y = 2 + 2*2 = 6.  Not
     * double the right answer: stale gradients compound. */
    cr_assert_eq(w.loss->grad, 1.0, "the root is set, not added to");
    cr_assert_eq(w.z->grad, 2.0);
    cr_assert_eq(w.one->grad, 2.0);
    cr_assert_eq(w.x->grad, 9.0);
    cr_assert_eq(w.y->grad, 6.0);
    Value *all[] = {w.x, w.y, w.z, w.one, w.loss};
    for (int i = 0; i < 5; i++)
        all[i]->grad = 0.0;
    backward(w.loss);
    cr_assert_eq(w.x->grad, 3.0, "from zero, one call's worth again");
    cr_assert_eq(w.y->grad, 2.0);
}

Test(backward, neuron_gradients)
{
    /* out = relu(b + w1 x1 + w2 x2 + w3 x3) = relu(3.35), open:
     * d/dw_i = x_i, d/dx_i = w_i, d/db = 1. */
    double xs[] = {1, -2, 3}, ws[] = {0.5, -1, 0.25};
    Value *x[3], *w[3], *b = value(0.1), *sum = b;
    for (int i = 0; i < 3; i++) {
        x[i] = value(xs[i]);
        w[i] = value(ws[i]);
        sum = v_add(sum, v_mul(w[i], x[i]));
    }
    Value *out = v_relu(sum);
    backward(out);
    cr_assert_float_eq(out->data, 3.35, 1e-15);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(w[i]->grad, xs[i]);
        cr_assert_eq(x[i]->grad, ws[i]);
    }
    cr_assert_eq(b->grad, 1.0);
}

/* A chain of a million additions: the longest path has a million nodes,
 * which a recursive walk could not survive on an ordinary stack. */
Test(backward, a_million_node_chain_on_the_default_stack)
{
    enum { N = 1000000 };
    Value *x = value(0.5), *c = value(1);
    Value *v = x;
    for (int i = 0; i < N; i++)
        v = v_add(v, c);
    size_t n;
    value_topo(v, &n);
    cr_assert_eq(n, (size_t)N + 2, "the chain, x and c");
    backward(v);
    cr_assert_eq(x->grad, 1.0);          /* a product of ones */
    cr_assert_eq(c->grad, (double)N);    /* one share per addition */
    cr_assert_eq(v->data, 0.5 + N);
}

/* Node k of a random graph: an operation on one or two nodes made
 * before it, the first a recent one, the second any; sometimes the same
 * one twice. */
static Value *random_node(Value **made, int k)
{
    Value *a = made[k - 1 - rand() % 4];
    Value *b = made[rand() % k];
    switch (rand() % 5) {
    case 0: return v_add(a, b);
    case 1: return v_mul(a, b);
    case 2: return v_mul(a, a);
    case 3: return v_relu(a);
    default: return v_add(b, a);
    }
}

Test(backward, a_chain_one_past_the_first_room)
{
    /* The walk's arrays start with room for 1024 nodes, this process's
     * first walk; a chain of 1025 is one more, all of it on the stack
     * before the first is listed.  (Under AddressSanitizer, room made
     * too late is a write past the end.) */
    Value *x = value(2), *v = x;
    for (int i = 0; i < 1024; i++)
        v = v_relu(v);
    size_t n;
    Value **order = value_topo(v, &n);
    cr_assert_eq(n, 1025);
    cr_assert(order[0] == x && order[1024] == v);
    backward(v);
    cr_assert_eq(x->grad, 1.0);
    values_free();
}

Test(backward, the_walk_lists_what_the_recursive_walk_lists)
{
    enum { N = 3000, GRAPHS = 20 };
    Value **made = malloc(N * sizeof *made);
    Value **want = malloc(N * sizeof *want);
    srand(2024);
    size_t shared = 0; /* nodes with three parents or more */
    for (int g = 0; g < GRAPHS; g++) {
        size_t mark = values_mark();
        for (int k = 0; k < 8; k++)
            made[k] = value(k % 3 - 1);
        for (int k = 8; k < N; k++)
            made[k] = random_node(made, k);
        size_t n_want = 0, n;
        build_topo(made[N - 1], want, &n_want);
        Value **got = value_topo(made[N - 1], &n);
        cr_assert_eq(n, n_want, "graph %d: %zu nodes, want %zu", g, n,
                     n_want);
        for (size_t i = 0; i < n; i++)
            cr_assert_eq(got[i], want[i], "graph %d, place %zu", g, i);
        for (size_t i = 0; i < n; i++) /* count parents in grad */
            want[i]->grad = 0;
        for (size_t i = 0; i < n; i++)
            for (int c = 0; c < want[i]->n_children; c++)
                want[i]->children[c]->grad++;
        for (size_t i = 0; i < n; i++)
            shared += want[i]->grad >= 3;
        values_release(mark);
    }
    cr_assert_gt(shared, 1000, "the graphs share nodes widely");
    free(want);
    free(made);
}

/* ---- gradcheck ---------------------------------------------------- */

/* ctx points at the operation to check. */
typedef Value *Op2(Value *, Value *);
static Value *apply2(Value **in, void *ctx)
{
    return (*(Op2 **)ctx)(in[0], in[1]);
}

typedef Value *Op1(Value *);
static Value *apply1(Value **in, void *ctx)
{
    return (*(Op1 **)ctx)(in[0]);
}

static double powk; /* the exponent for apply_pow */
static Value *apply_pow(Value **in, void *ctx)
{
    (void)ctx;
    return v_pow(in[0], powk);
}

static void check2(Op2 *op, double a, double b)
{
    Value *in[2] = {value(a), value(b)};
    double err = gradcheck(apply2, in, 2, &op);
    cr_assert_lt(err, 1e-6, "at (%g, %g): relative error %g", a, b, err);
}

static void check1(Op1 *op, double a)
{
    Value *in[1] = {value(a)};
    double err = gradcheck(apply1, in, 1, &op);
    cr_assert_lt(err, 1e-6, "at %g: relative error %g", a, err);
}

Test(gradcheck, binary_operations_at_several_points)
{
    /* Not b = 0.01: the central difference's own error for a / b is
     * (h / b)^2 relative, 1e-6 there, the bar itself (chapter 2). */
    double pts[][2] = {{2, 3}, {-1.5, 0.25}, {0.7, -4}, {120, 0.1}};
    Op2 *ops[] = {v_add, v_mul, v_sub, v_div};
    for (size_t o = 0; o < 4; o++)
        for (size_t i = 0; i < 4; i++)
            check2(ops[o], pts[i][0], pts[i][1]);
}

Test(gradcheck, unary_operations_at_several_points)
{
    double pts[] = {0.3, 1, 2.5, -1.7, 9};
    for (size_t i = 0; i < 5; i++) {
        check1(v_exp, pts[i]);
        check1(v_neg, pts[i]);
        check1(v_relu, pts[i]); /* no point within h of the kink at 0 */
        if (pts[i] > 0)
            check1(v_log, pts[i]);
    }
}

Test(gradcheck, powers_at_several_points)
{
    double ks[] = {2, 3, -1, -0.5, 0.5};
    double pts[] = {0.4, 1.3, 7};
    for (size_t k = 0; k < 5; k++)
        for (size_t i = 0; i < 3; i++) {
            powk = ks[k];
            Value *in[1] = {value(pts[i])};
            double err = gradcheck(apply_pow, in, 1, NULL);
            cr_assert_lt(err, 1e-6, "%g^%g: %g", pts[i], ks[k], err);
        }
}

/* Something with every operation in it, and inputs used twice:
 * log(exp(a*b) + relu(c)^2) / (a - c). */
static Value *mixed(Value **in, void *ctx)
{
    (void)ctx;
    Value *a = in[0], *b = in[1], *c = in[2];
    Value *top = v_log(v_add(v_exp(v_mul(a, b)), v_pow(v_relu(c), 2)));
    return v_div(top, v_sub(a, c));
}

Test(gradcheck, an_expression_using_everything)
{
    double pts[][3] = {{0.5, 1.5, 2}, {-1, 0.3, -2}, {2, -0.7, 0.4}};
    for (int i = 0; i < 3; i++) {
        Value *in[3] = {value(pts[i][0]), value(pts[i][1]),
                        value(pts[i][2])};
        double err = gradcheck(mixed, in, 3, NULL);
        cr_assert_lt(err, 1e-6, "point %d: %g", i, err);
        for (int j = 0; j < 3; j++)
            cr_assert_eq(in[j]->data, pts[i][j], "data restored");
    }
    cr_assert_eq(values_count(), 9, "gradcheck keeps no nodes");
}

/* A product whose recorded local gradient is off by 1%: the check must
 * see it, or it checks nothing. */
static Value *wrong_mul(Value **in, void *ctx)
{
    (void)ctx;
    Value *v = v_mul(in[0], in[1]);
    v->local_grads[0] *= 1.01;
    return v;
}

Test(gradcheck, catches_a_wrong_local_gradient)
{
    Value *in[2] = {value(2), value(3)};
    double err = gradcheck(wrong_mul, in, 2, NULL);
    cr_assert_float_eq(err, 0.01 / 1.01, 1e-9,
                       "relative to the larger, 3.03 vs 3: %g", err);
}

/* A product whose local gradient is not a number: the check must not
 * call that agreement (fmax would drop the NaN). */
static Value *nan_mul(Value **in, void *ctx)
{
    (void)ctx;
    Value *v = v_mul(in[0], in[1]);
    v->local_grads[0] = NAN;  /* the first input: later ones are fine */
    return v;
}

Test(gradcheck, a_nan_gradient_is_the_worst_error)
{
    Value *in[2] = {value(2), value(3)};
    double err = gradcheck(nan_mul, in, 2, NULL);
    cr_assert(isnan(err), "got %g", err);
}

static Value *square(Value **in, void *ctx)
{
    (void)ctx;
    return v_mul(in[0], in[0]);
}

static Value *plus_zero(Value **in, void *ctx)
{
    (void)ctx;
    return v_add(in[0], value(0));
}

Test(gradcheck, the_step_and_the_division_are_the_ones_taken)
{
    /* x * x at 1e8, with the step scaled to 1e-5 |x| = 1000: the two
     * squares, 1e16 +- 2e11 + 1e6, are even numbers below 2^54, so
     * exact, and their difference over 2000 is 2e8, the gradient: error
     * 0.  (A step of 1e-5 would be lost in rounding 1e8 + h.) */
    Value *in[1] = {value(1e8)};
    cr_assert_eq(gradcheck(square, in, 1, NULL), 0.0);
    /* x + 0 at 0.1: f(up) - f(down) is up - down, exactly, so dividing
     * by the step actually taken, up - down, gives 1 to the bit; 2h,
     * which up - down is not after rounding, would not. */
    in[0] = value(0.1);
    cr_assert_eq(gradcheck(plus_zero, in, 1, NULL), 0.0);
    /* The inputs' gradients are cleared first: a stale 5 in x's is not
     * added to backward()'s 2x. */
    in[0] = value(3);
    in[0]->grad = 5;
    cr_assert_eq(gradcheck(square, in, 1, NULL), 0.0);
    cr_assert_eq(in[0]->grad, 6.0);
}

Test(gradcheck, relative_error_has_a_floor)
{
    cr_assert_float_eq(relative_error(2.0, 1.0), 0.5, 1e-15);
    cr_assert_float_eq(relative_error(-4.0, -3.0), 0.25, 1e-15);
    cr_assert_float_eq(relative_error(1e-11, 0.0), 1e-8, 1e-20);
    cr_assert_eq(relative_error(0.0, 0.0), 0.0);
}

/* ---- storage -------------------------------------------------------- */

Test(storage, release_keeps_parameters_and_their_gradients)
{
    Value *p[2] = {value(0.5), value(-1.5)};
    size_t mark = values_mark();
    cr_assert_eq(mark, 2);
    /* loss = p0 * p1 + p0: dloss/dp0 = p1 + 1 = -0.5, dloss/dp1 = p0. */
    Value *loss = v_add(v_mul(p[0], p[1]), p[0]);
    backward(loss);
    for (int i = 0; i < 20000; i++) /* spill over several blocks */
        v_exp(value(i));
    values_release(mark);
    cr_assert_eq(values_count(), 2);
    cr_assert_eq(p[0]->data, 0.5);
    cr_assert_eq(p[1]->data, -1.5);
    cr_assert_eq(p[0]->grad, -0.5);
    cr_assert_eq(p[1]->grad, 0.5);
}

Test(storage, a_walk_reaches_nodes_made_outside_the_arena)
{
    /* 5000 leaves in an array of our own, summed by 4999 arena nodes:
     * the walk meets 9999 nodes, more than values_count() knows of.
     * Each leaf's gradient is 1. */
    enum { N = 5000 };
    Value *own = calloc(N, sizeof *own);
    for (int i = 0; i < N; i++)
        own[i].data = i;
    Value *sum = &own[0];
    for (int i = 1; i < N; i++)
        sum = v_add(sum, &own[i]);
    size_t n;
    value_topo(sum, &n);
    cr_assert_eq(n, 2 * N - 1);
    cr_assert_eq(values_count(), N - 1);
    backward(sum);
    for (int i = 0; i < N; i++)
        cr_assert_eq(own[i].grad, 1.0, "leaf %d", i);
    cr_assert_eq(sum->data, N * (N - 1) / 2.0);
    free(own);
}

Test(storage, a_second_step_reuses_the_released_nodes)
{
    Value *p = value(2), *first = NULL;
    size_t mark = values_mark();
    for (int step = 0; step < 3; step++) {
        Value *sq = v_mul(p, p);
        if (step == 0)
            first = sq;
        cr_assert_eq(sq, first, "step %d: the same node again", step);
        p->grad = 0;
        backward(sq);
        cr_assert_eq(p->grad, 4.0);
        values_release(mark);
        cr_assert_eq(values_count(), 1);
    }
    Value *fresh = value(7); /* where the step's first node was */
    cr_assert_eq(fresh, first);
    cr_assert_eq(fresh->data, 7.0);
    cr_assert_eq(fresh->grad, 0.0, "a reused node starts clean");
    cr_assert_eq(fresh->n_children, 0);
}

Test(storage, release_to_a_mark_inside_a_block)
{
    for (int i = 0; i < 5000; i++)
        value(i);
    size_t mark = values_mark();
    Value *keep = value(-1);
    for (int i = 0; i < 10000; i++)
        value(i);
    values_release(mark + 1);
    cr_assert_eq(values_count(), 5001);
    cr_assert_eq(keep->data, -1.0);
    values_release(3);
    cr_assert_eq(values_count(), 3);
    values_release(10); /* a mark above the top changes nothing */
    cr_assert_eq(values_count(), 3);
}

Test(storage, a_node_is_fifty_six_bytes_on_a_64_bit_machine)
{
    /* 8 (data) + 8 (grad) + 16 (children) + 16 (local gradients)
     * + 4 (count) + 4 (walk) = 56, with no padding anywhere.  Chapter 7
     * adds two 4-byte fields for its dot nodes: 64. */
    if (sizeof(void *) == 8)
        cr_assert_eq(sizeof(Value), MICROGPT_STAGE < 7 ? 56 : 64);
}

/* ---- pictures and the program -------------------------------------- */

Test(pictures, the_worked_example_in_dot)
{
    Worked w = worked();
    backward(w.loss);
    Value *nodes[] = {w.x, w.y, w.z, w.one, w.loss};
    const char *names[] = {"x", "y", "z", "one", "loss"};
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    value_dot(f, w.loss, nodes, names, 5);
    fclose(f);
    /* Nodes in the order [x, y, z, one, loss]; an edge from each child
     * to its parent, labelled with the local gradient. */
    const char *want =
        "digraph value {\n  rankdir=LR;\n"
        "  node [shape=record, fontname=\"Helvetica\"];\n"
        "  edge [fontname=\"Helvetica\", fontsize=10];\n"
        "  n0 [label=\"x | data 2 | grad 3\"];\n"
        "  n1 [label=\"y | data 3 | grad 2\"];\n"
        "  n2 [label=\"z | data 6 | grad 1\"];\n"
        "  n3 [label=\"one | data 1 | grad 1\"];\n"
        "  n4 [label=\"loss | data 7 | grad 1\"];\n"
        "  n0 -> n2 [label=\"3\"];\n"
        "  n1 -> n2 [label=\"2\"];\n"
        "  n2 -> n4 [label=\"1\"];\n"
        "  n3 -> n4 [label=\"1\"];\n"
        "}\n";
    cr_assert_str_eq(buf, want);
    free(buf);
}

Test(pictures, unnamed_nodes_and_gradients_of_many_digits)
{
    /* p = a * b with a = 1.0625, b = 3 (exact in binary): p = 3.1875,
     * dp/da = b = 3, dp/db = a = 1.0625.  Only p is named; the others
     * get just data and grad.  Every number is printed with %g's six
     * significant digits, so 1.0625 and 3.1875 come out whole. */
    Value *a = value(1.0625), *b = value(3);
    Value *p = v_mul(a, b);
    backward(p);
    Value *nodes[] = {p};
    const char *names[] = {"p"};
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    value_dot(f, p, nodes, names, 1);
    fclose(f);
    const char *want =
        "digraph value {\n  rankdir=LR;\n"
        "  node [shape=record, fontname=\"Helvetica\"];\n"
        "  edge [fontname=\"Helvetica\", fontsize=10];\n"
        "  n0 [label=\"data 1.0625 | grad 3\"];\n"
        "  n1 [label=\"data 3 | grad 1.0625\"];\n"
        "  n2 [label=\"p | data 3.1875 | grad 1\"];\n"
        "  n0 -> n2 [label=\"3\"];\n"
        "  n1 -> n2 [label=\"1.0625\"];\n"
        "}\n";
    cr_assert_str_eq(buf, want);
    free(buf);
}

static char *run(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    static char out[1 << 16];
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    *status = pclose(p);
    return out;
}

Test(pictures, program_prints_the_gradients_and_sizes)
{
    int status;
    char *out = run(STAGE_DIR "/graph-demo --figures", &status);
    cr_assert_eq(status, 0);
    const char *table =
        "%% worked-grads\n"
        "| node | data | grad |\n|:-----|-----:|-----:|\n"
        "| `x` | 2 | 3 |\n| `y` | 3 | 2 |\n| `z` | 6 | 1 |\n"
        "| `one` | 1 | 1 |\n| `loss` | 7 | 1 |\n";
    cr_assert_eq(strncmp(out, table, strlen(table)), 0, "got:\n%s", out);
    char want[64];
    snprintf(want, sizeof want, "%%%% node-size\n%zu\n", sizeof(Value));
    cr_assert_not_null(strstr(out, want));
    cr_assert_not_null(strstr(out, "%% worked-nodes-here\n5\n"));
    snprintf(want, sizeof want, "%%%% worked-bytes\n%zu\n",
             5 * sizeof(Value));
    cr_assert_not_null(strstr(out, want));
    /* 7 leaves, 3 products, 3 sums and the relu. */
    cr_assert_not_null(strstr(out, "%% neuron-nodes\n14\n"));
    cr_assert_not_null(strstr(out, "%% neuron-graph\ndigraph value {"));
}

Test(pictures, program_writes_the_dot_file_or_says_why_not)
{
    char path[] = "/tmp/graph-demo-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    char cmd[256];
    snprintf(cmd, sizeof cmd, STAGE_DIR "/graph-demo --dot %s", path);
    int status;
    run(cmd, &status);
    cr_assert_eq(status, 0);
    FILE *f = fopen(path, "r");
    char first[32] = "";
    cr_assert_not_null(fgets(first, sizeof first, f));
    fclose(f);
    cr_assert_str_eq(first, "digraph value {\n");
    run(cmd, &status);  /* a graph from an earlier run is replaced */
    cr_assert_eq(status, 0);

    /* Any other file is kept, byte for byte, even one whose first word
     * is "digraph". */
    f = fopen(path, "w");
    fputs("digraphs are pairs of letters\n", f);
    fclose(f);
    strcat(cmd, " 2>&1");
    char *err = run(cmd, &status);
    char want[128], kept[64] = "";
    snprintf(want, sizeof want, "graph-demo: %s exists and is not a graph; "
             "not replacing it\n", path);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    cr_assert_str_eq(err, want);
    f = fopen(path, "r");
    cr_assert_not_null(fgets(kept, sizeof kept, f));
    fclose(f);
    remove(path);
    cr_assert_str_eq(kept, "digraphs are pairs of letters\n");

    /* A pipe is written, not read first: reading it would wait for
     * ever, here for the program itself, which the timeout would end. */
    cr_assert_str_eq(run("timeout 20 " STAGE_DIR "/graph-demo --dot "
                         "/dev/stdout | grep -c '^digraph value {'",
                         &status), "1\n");

    err = run(STAGE_DIR "/graph-demo --dot /nonexistent/dir/g.dot 2>&1",
              &status);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    cr_assert_str_eq(err, "graph-demo: cannot write /nonexistent/dir/g.dot: "
                          "No such file or directory\n");

    /* A device that opens but takes no bytes: the error comes when the
     * file is closed, and it says why. */
    err = run(STAGE_DIR "/graph-demo --dot /dev/full 2>&1 >/dev/null",
              &status);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    cr_assert_str_eq(err, "graph-demo: error writing /dev/full: No space "
                          "left on device\n");
}
