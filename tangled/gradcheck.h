/* gradcheck.h: gradients from backward() against central differences. */
#ifndef GRADCHECK_H
#define GRADCHECK_H

#include "value.h"

/* A function of n inputs, built from Values.  Called many times; each
   call must compute afresh from inputs[i]->data. */
typedef Value *GradFn(Value **inputs, void *ctx);

/* The largest relative error, over the n inputs, between backward()'s
   gradient of f and its central difference, at the inputs' data: NaN
   if for any input either is not finite.  The inputs must have been
   made before the call; their data is restored, their grad holds
   backward()'s gradient, and nothing else is kept. */
double gradcheck(GradFn *f, Value **inputs, int n, void *ctx);

/* |a - b| relative to the larger of |a|, |b| and 1e-3. */
double relative_error(double a, double b);

#endif
