/* numbers.h: numbers as the book prints them.  Each writes into buf,
   which has room for NUMBER_ROOM bytes, and returns it. */
#ifndef NUMBERS_H
#define NUMBERS_H

#include <stddef.h>

enum { NUMBER_ROOM = 32 };

const char *with_commas(size_t n, char *buf);  /* 63296 is "63,296" */
const char *shortest(double x, char *buf);     /* as Python's repr() */

#endif
