/* numbers.c: numbers as the book prints them; see numbers.h. */
#include "numbers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *with_commas(size_t n, char *buf)
{
    if (n < 1000)
        sprintf(buf, "%zu", n);
    else {
        with_commas(n / 1000, buf);
        sprintf(buf + strlen(buf), ",%03zu", n % 1000);
    }
    return buf;
}

const char *shortest(double x, char *buf)
{
    for (int digits = 1; digits <= 17; digits++) {
        sprintf(buf, "%.*g", digits, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    return buf;
}
