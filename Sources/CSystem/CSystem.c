#define _GNU_SOURCE
#include "CSystem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <string.h>
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

int csystem_grow_pipe(int fd, int bytes) {
#ifdef F_SETPIPE_SZ
    int size = fcntl(fd, F_SETPIPE_SZ, bytes);
    if (size >= 0) return size;
    /* Unprivileged processes are capped by /proc/sys/fs/pipe-max-size. */
    FILE *f = fopen("/proc/sys/fs/pipe-max-size", "r");
    int max = 0;
    if (f) {
        if (fscanf(f, "%d", &max) != 1) max = 0;
        fclose(f);
    }
    return max > 0 ? fcntl(fd, F_SETPIPE_SZ, max) : -1;
#else
    (void)fd;
    (void)bytes;
    return -1;
#endif
}

const void *csystem_memrchr(const void *bytes, int c, size_t count) {
    return memrchr(bytes, c, count);
}
