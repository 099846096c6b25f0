/* numbers.h: numbers as the book prints them.  Each writes into buf,
   which has room for NUMBER_ROOM bytes, and returns it. */
#ifndef NUMBERS_H
#define NUMBERS_H

#include <stddef.h>

enum { NUMBER_ROOM = 32 };

const char *with_commas(size_t n, char *buf);  /* 63296 is "63,296" */
/* The shortest %g form with the same double: 0.1 is "0.1", 1.0 is
   "1", 100000.0 is "1e+05" (Python's repr() writes the last two as
   "1.0" and "100000.0"; the two agree on the numbers the book prints). */
const char *shortest(double x, char *buf);

#endif
