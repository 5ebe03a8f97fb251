#ifndef CSYSTEM_H
#define CSYSTEM_H

#include <stddef.h>

/* Lowers the scheduling priority of the calling thread only (Linux: a thread is a task with its
   own nice value). Returns 0, or -1 with errno set. */
int csystem_nice_current_thread(int increment);

/* Grows a pipe's kernel buffer (Linux F_SETPIPE_SZ) to `bytes` or the largest allowed; fewer
   context switches between a writer and this reader. Returns the new size, or -1. */
int csystem_grow_pipe(int fd, int bytes);

/* The last `c` among the `count` bytes at `bytes`, or NULL (glibc's memrchr). */
const void *csystem_memrchr(const void *bytes, int c, size_t count);

#endif
