#define _GNU_SOURCE
#include "CSystem.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int csystem_nice_current_thread(int increment) {
#ifdef SYS_gettid
    pid_t tid = (pid_t)syscall(SYS_gettid);
    errno = 0;
    int current = getpriority(PRIO_PROCESS, (id_t)tid);
    if (current == -1 && errno != 0) return -1;
    return setpriority(PRIO_PROCESS, (id_t)tid, current + increment);
#else
    (void)increment;
    return -1;
#endif
}
