/* value-demo.c: chapter 1's program, the worked example's nodes. */
#include "value.h"

#include <stdio.h>
#include <string.h>

static const char *name_of(Value *v, Value **nodes,
                           const char **names, int n)
{
    for (int i = 0; i < n; i++)
        if (nodes[i] == v)
            return names[i];
    return "?";
}

static void print_node(Value *v, Value **nodes, const char **names, int n)
{
    printf("| `%s` | %g |", name_of(v, nodes, names, n), v->data);
    for (int i = 0; i < v->n_children; i++)
        printf("%s`%s`", i ? ", " : " ",
               name_of(v->children[i], nodes, names, n));
    printf(" |");
    for (int i = 0; i < v->n_children; i++)
        printf("%s%g", i ? ", " : " ", v->local_grads[i]);
    printf(" |\n");
}

int main(int argc, char **argv)
{
    int figures = argc == 2 && strcmp(argv[1], "--figures") == 0;
    if (argc > 1 && !figures) {
        fprintf(stderr, "usage: %s [--figures]\n", argv[0]);
        return 2;
    }
    Value *x = value(2.0);
    Value *y = value(3.0);
    Value *z = v_mul(x, y);
    Value *one = value(1.0);
    Value *loss = v_add(z, one);
    Value *nodes[] = {x, y, z, one, loss};
    const char *names[] = {"x", "y", "z", "one", "loss"};
    int n = (int)(sizeof nodes / sizeof nodes[0]);

    if (figures)
        printf("%%%% worked-table\n");
    printf("| node | data | children | local gradients |\n");
    printf("|:-----|-----:|:---------|:----------------|\n");
    for (int i = 0; i < n; i++)
        print_node(nodes[i], nodes, names, n);
    if (figures)
        printf("%%%% worked-count\n%zu\n", values_count());
    values_free();
    return 0;
}
