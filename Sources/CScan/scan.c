#include "CScan.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>

/* High bit of each lane: the byte is >= 0x80 or it is NUL. */
static inline __m128i flags16(const uint8_t *p) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    return _mm_or_si128(v, _mm_cmpeq_epi8(v, _mm_setzero_si128()));
}
#endif

int cscan_is_ascii_without_nul(const uint8_t *b, long n) {
    long i = 0;
#if defined(__SSE2__)
    for (; i + 64 <= n; i += 64) {
        __m128i f = _mm_or_si128(_mm_or_si128(flags16(b + i), flags16(b + i + 16)),
                                 _mm_or_si128(flags16(b + i + 32), flags16(b + i + 48)));
        if (_mm_movemask_epi8(f) != 0) return 0;
    }
    for (; i + 16 <= n; i += 16) {
        if (_mm_movemask_epi8(flags16(b + i)) != 0) return 0;
    }
    /* The last bytes: the final 16 again (overlapping what was checked), when there are 16. */
    if (i < n && n >= 16) return _mm_movemask_epi8(flags16(b + n - 16)) == 0;
#else
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, b + i, 8);
        uint64_t zero = (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
        if (((w & 0x8080808080808080ULL) | zero) != 0) return 0;
    }
#endif
    for (; i < n; i++) {
        if (b[i] >= 0x80 || b[i] == 0) return 0;
    }
    return 1;
}
