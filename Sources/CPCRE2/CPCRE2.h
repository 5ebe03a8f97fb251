#ifndef CPCRE2_H
#define CPCRE2_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <string.h>

static inline size_t cpcre2_unset(void) { return PCRE2_UNSET; }
static inline size_t cpcre2_zero_terminated(void) { return PCRE2_ZERO_TERMINATED; }

/* memmem is a GNU extension that Glibc's Swift overlay does not surface. */
extern void *memmem(const void *haystack, size_t haystacklen, const void *needle, size_t needlelen);
static inline const void *cpcre2_memmem(const void *h, size_t hl, const void *n, size_t nl) {
    return memmem(h, hl, n, nl);
}

#endif
