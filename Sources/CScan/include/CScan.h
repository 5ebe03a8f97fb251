#ifndef CSCAN_H
#define CSCAN_H

#include <stdint.h>

/* Whether every one of the `count` bytes at `bytes` is ASCII other than NUL: the check every
   line gets before it is parsed. 64 bytes per step with SSE2 (x86-64), 8 with plain words
   elsewhere. */
int cscan_is_ascii_without_nul(const uint8_t *bytes, long count);

#endif
