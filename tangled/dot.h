/* dot.h: a Value graph as Graphviz dot. */
#ifndef DOT_H
#define DOT_H

#include <stdio.h>

#include "value.h"

/* Writes the graph below root.  names[i] labels nodes[i]; other nodes
   are drawn unnamed. */
void value_dot(FILE *out, Value *root, Value **nodes,
               const char **names, int n_names);

#endif
