#ifndef CSYSTEM_H
#define CSYSTEM_H

/* Lowers the scheduling priority of the calling thread only (Linux: a thread is a task with its
   own nice value). Returns 0, or -1 with errno set. */
int csystem_nice_current_thread(int increment);

#endif
