/* checkpoint.h: a training run saved to a file and read back. */
#ifndef CHECKPOINT_H
#define CHECKPOINT_H

#include "train.h"

enum { CHECKPOINT_VERSION = 1, CHECKPOINT_ERROR_ROOM = 600 };

/* Saves r to path, through a temporary file renamed into place, so
   that path is at every moment either its old self or the whole new
   checkpoint.  Returns 1, or 0 with one line in
   error[CHECKPOINT_ERROR_ROOM]. */
int checkpoint_save(const Run *r, const char *path, char *error);

/* The run saved at path, or NULL with one line saying what is wrong
   with the file in error[CHECKPOINT_ERROR_ROOM]. */
Run *checkpoint_load(const char *path, char *error);

/* Whether a checkpoint may be saved at path: path is missing or holds
   a checkpoint (to be replaced), and its directory can be written.
   Returns 1, or 0 with the reason in error[CHECKPOINT_ERROR_ROOM]. */
int checkpoint_can_save(const char *path, char *error);

#endif
