#ifndef CZLIB_H
#define CZLIB_H
#include <zlib.h>

/* inflateInit2 is a macro; expose it as a function. */
static inline int czlib_inflate_init_gzip(z_stream *strm) {
    /* 15 window bits + 32: detect gzip or zlib header automatically. */
    return inflateInit2(strm, 15 + 32);
}
#endif
