/* checkpoint.h: a training run saved to a file and read back. */
#ifndef CHECKPOINT_H
#define CHECKPOINT_H

#include <stdio.h>

#include "train.h"

enum {
    CHECKPOINT_VERSION = 1,
    CHECKPOINT_ERROR_ROOM = 2 * 4096 + 400  /* two paths as long as Linux
                                               allows, and why */
};
/* The largest size of a parameter that a checkpoint may hold. */
#define CHECKPOINT_MAX_PARAM 1e30

/* Saves r to path, through a temporary file renamed into place, so
   that path is at every moment either its old self or the whole new
   checkpoint.  Returns CHECKPOINT_SAVED, or else one line in
   error[CHECKPOINT_ERROR_ROOM] and CHECKPOINT_KEPT if the checkpoint is
   in the temporary file (at path, something came that it may not
   replace, or the rename failed), 0 if it is nowhere. */
enum { CHECKPOINT_SAVED = 1, CHECKPOINT_KEPT = 2 };
int checkpoint_save(const Run *r, const char *path, char *error);

/* The run saved at path, or NULL with one line saying what is wrong
   with the file in error[CHECKPOINT_ERROR_ROOM]. */
Run *checkpoint_load(const char *path, char *error);

/* Whether a checkpoint may be saved at path: nothing is there, or a
   checkpoint (to be replaced) that is neither a symbolic link nor
   write-protected, and its directory can be written.  Returns 1, or 0
   with the reason in error[CHECKPOINT_ERROR_ROOM]. */
int checkpoint_can_save(const char *path, char *error);

/* Opens what is at path, to see whether it may be replaced: 1 with *f
   NULL if nothing is there, 1 with *f open to read if a regular file
   is (or a symbolic link to one); 0, with the reason in
   error[CHECKPOINT_ERROR_ROOM], if something is there that cannot be
   opened or is no regular file (a named pipe, a device, a directory, a
   symbolic link that leads nowhere), or is write-protected. */
int open_to_replace(const char *path, FILE **f, char *error);

/* The name of the file a save to path goes through (path + ".tmp"),
   allocated; NULL if memory runs out. */
char *checkpoint_temporary_name(const char *path);

#endif
