/* gradcheck.c: see gradcheck.h. */
#include "gradcheck.h"

#include <math.h>

double relative_error(double a, double b)
{
    double scale = fmax(fmax(fabs(a), fabs(b)), 1e-3);
    return fabs(a - b) / scale;
}

static double central_difference(GradFn *f, Value **in, int i, void *ctx)
{
    size_t mark = values_mark();
    double x = in[i]->data, h = 1e-5 * fmax(1.0, fabs(x));
    double up = x + h, down = x - h;
    in[i]->data = up;
    double f_up = f(in, ctx)->data;
    in[i]->data = down;
    double f_down = f(in, ctx)->data;
    in[i]->data = x;
    values_release(mark);
    return (f_up - f_down) / (up - down);
}

double gradcheck(GradFn *f, Value **in, int n, void *ctx)
{
    size_t mark = values_mark();
    for (int i = 0; i < n; i++)
        in[i]->grad = 0.0;
    backward(f(in, ctx));
    values_release(mark);
    double worst = 0.0;
    for (int i = 0; i < n; i++) {
        double err = relative_error(in[i]->grad,
                                    central_difference(f, in, i, ctx));
        if (isnan(err) || err > worst)  /* NaN (a NaN gradient) is worst */
            worst = err;
    }
    return worst;
}
