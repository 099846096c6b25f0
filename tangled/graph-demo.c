/* graph-demo.c: chapter 2's program, the worked example backwards. */
#define _POSIX_C_SOURCE 200809L  /* stat */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dot.h"
#include "value.h"

static Value *neuron(Value **x, Value **w, Value *b, int n)
{
    Value *sum = b;
    for (int i = 0; i < n; i++)
        sum = v_add(sum, v_mul(w[i], x[i]));
    return v_relu(sum);
}
/* Whether the file at path, if there is one, may be replaced: anything
   but a regular file (a pipe, a terminal), or a regular file that is
   empty or begins as value_dot's graphs do; if not, says so. */
static int may_replace(const char *path)
{
    static const char start[] = "digraph value {\n";
    char head[sizeof start - 1];
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
        return 1;
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(head, 1, sizeof head, f) : 0;
    if (f)
        fclose(f);
    if (n == sizeof head && memcmp(head, start, n) == 0)
        return 1;
    fprintf(stderr, "graph-demo: %s exists and is not a graph; not "
            "replacing it\n", path);
    return 0;
}
static void print_grads(Value **nodes, const char **names, int n)
{
    printf("| node | data | grad |\n|:-----|-----:|-----:|\n");
    for (int i = 0; i < n; i++)
        printf("| `%s` | %g | %g |\n", names[i], nodes[i]->data,
               nodes[i]->grad);
}
static void print_figures(Value *loss, Value **nodes, const char **names,
                          int n)
{
    printf("%%%% worked-graph\n");
    value_dot(stdout, loss, nodes, names, n);
    printf("%%%% node-size\n%zu\n", sizeof(Value));
    printf("%%%% worked-nodes-here\n%zu\n", values_count());
    printf("%%%% worked-bytes\n%zu\n", values_count() * sizeof(Value));

    size_t before = values_count();
    Value *x[3] = {value(1.0), value(-2.0), value(3.0)};
    Value *w[3] = {value(0.5), value(-1.0), value(0.25)};
    Value *b = value(0.1);
    Value *out = neuron(x, w, b, 3);
    printf("%%%% neuron-nodes\n%zu\n", values_count() - before);
    backward(out);
    Value *named[] = {x[0], x[1], x[2], w[0], w[1], w[2], b, out};
    const char *labels[] = {"x1", "x2", "x3", "w1", "w2", "w3", "b", "out"};
    printf("%%%% neuron-graph\n");
    value_dot(stdout, out, named, labels, 8);
}

int main(int argc, char **argv)
{
    int figures = argc == 2 && strcmp(argv[1], "--figures") == 0;
    const char *dot = argc == 3 && strcmp(argv[1], "--dot") == 0
                          ? argv[2] : NULL;
    if (argc > 1 && !figures && !dot) {
        fprintf(stderr, "usage: %s [--figures | --dot FILE]\n", argv[0]);
        return 2;
    }
    FILE *dot_file = NULL;
    if (dot && !may_replace(dot))
        return 1;
    if (dot && !(dot_file = fopen(dot, "w"))) {
        fprintf(stderr, "graph-demo: cannot write %s: %s\n", dot,
                strerror(errno));
        return 1;
    }
    Value *x = value(2.0);
    Value *y = value(3.0);
    Value *z = v_mul(x, y);
    Value *one = value(1.0);
    Value *loss = v_add(z, one);
    Value *nodes[] = {x, y, z, one, loss};
    const char *names[] = {"x", "y", "z", "one", "loss"};
    backward(loss);

    if (figures)
        printf("%%%% worked-grads\n");
    print_grads(nodes, names, 5);
    if (figures)
        print_figures(loss, nodes, names, 5);
    if (dot_file) {
        value_dot(dot_file, loss, nodes, names, 5);
        if (fclose(dot_file) != 0) {
            fprintf(stderr, "graph-demo: error writing %s: %s\n", dot,
                    strerror(errno));
            values_free();
            return 1;
        }
        printf("wrote %s; draw it with: dot -Tsvg %s > graph.svg\n", dot, dot);
    }
    values_free();
    return 0;
}
