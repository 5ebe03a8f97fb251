#include "CScan.h"

#include <string.h>

_Atomic int cscan_small_string_layout = 0;

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* AVX2 versions of the two loops that read every byte of every line (`cscan_line`,
   `cscan_strip_ansi`), chosen at load time on x86-64 CPUs that have it: 32 bytes a step. */
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define CSCAN_AVX2 1
#include <immintrin.h>
static int cscan_has_avx2;
__attribute__((constructor)) static void cscan_detect(void) {
    __builtin_cpu_init();
    cscan_has_avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
}
#endif

#if defined(__SSE2__)

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

/* cscan_line byte by byte, from `i`. */
static long line_bytes(const uint8_t *b, long i, long n, unsigned *flags) {
    unsigned f = 0;
    for (; i < n; i++) {
        uint8_t c = b[i];
        if (c == '\n') break;
        if (c >= 0x80 || c == 0) f |= CSCAN_LINE_NOT_ASCII;
        if (c == 0x1B) f |= CSCAN_LINE_ESCAPE;
    }
    *flags |= f;
    return i < n ? i : -1;
}

#if defined(__SSE2__)
/* The flags of one vector's lanes selected by `lanes`. */
static inline unsigned line_flags16(__m128i v, unsigned lanes) {
    unsigned bad = (unsigned)_mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, _mm_setzero_si128())));
    unsigned esc = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x1B)));
    return ((bad & lanes) ? CSCAN_LINE_NOT_ASCII : 0) | ((esc & lanes) ? CSCAN_LINE_ESCAPE : 0);
}

static long line_sse2(const uint8_t *b, long n, unsigned *flags) {
    const __m128i nl = _mm_set1_epi8('\n');
    const __m128i esc = _mm_set1_epi8(0x1B);
    const __m128i zero = _mm_setzero_si128();
    __m128i bad = zero;
    __m128i escs = zero;
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl));
        if (m != 0) {
            unsigned f = line_flags16(v, (1u << __builtin_ctz(m)) - 1);
            if (_mm_movemask_epi8(bad)) f |= CSCAN_LINE_NOT_ASCII;
            if (_mm_movemask_epi8(escs)) f |= CSCAN_LINE_ESCAPE;
            *flags |= f;
            return i + __builtin_ctz(m);
        }
        bad = _mm_or_si128(bad, _mm_or_si128(v, _mm_cmpeq_epi8(v, zero)));
        escs = _mm_or_si128(escs, _mm_cmpeq_epi8(v, esc));
    }
    unsigned f = 0;
    if (_mm_movemask_epi8(bad)) f |= CSCAN_LINE_NOT_ASCII;
    if (_mm_movemask_epi8(escs)) f |= CSCAN_LINE_ESCAPE;
    if (i < n && n >= 16) {
        /* The last 16 bytes, the lanes not seen yet. */
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + n - 16));
        unsigned unseen = (0xFFFFu << (16 - (n - i))) & 0xFFFFu;
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl)) & unseen;
        if (m != 0) {
            *flags |= f | line_flags16(v, unseen & ((1u << __builtin_ctz(m)) - 1));
            return n - 16 + __builtin_ctz(m);
        }
        *flags |= f | line_flags16(v, unseen);
        return -1;
    }
    *flags |= f;
    return line_bytes(b, i, n, flags);
}
#endif

#if CSCAN_AVX2
__attribute__((target("avx2"))) static long line_avx2(const uint8_t *b, long n, unsigned *flags) {
    const __m256i nl = _mm256_set1_epi8('\n');
    const __m256i esc = _mm256_set1_epi8(0x1B);
    const __m256i zero = _mm256_setzero_si256();
    __m256i bad = zero;
    __m256i escs = zero;
    long i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(b + i));
        unsigned m = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, nl));
        if (m != 0) {
            unsigned lanes = (1u << __builtin_ctz(m)) - 1;
            unsigned f = 0;
            if (((unsigned)_mm256_movemask_epi8(_mm256_or_si256(v, _mm256_cmpeq_epi8(v, zero))) & lanes) || _mm256_movemask_epi8(bad))
                f |= CSCAN_LINE_NOT_ASCII;
            if (((unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, esc)) & lanes) || _mm256_movemask_epi8(escs))
                f |= CSCAN_LINE_ESCAPE;
            *flags |= f;
            return i + __builtin_ctz(m);
        }
        bad = _mm256_or_si256(bad, _mm256_or_si256(v, _mm256_cmpeq_epi8(v, zero)));
        escs = _mm256_or_si256(escs, _mm256_cmpeq_epi8(v, esc));
    }
    if (_mm256_movemask_epi8(bad)) *flags |= CSCAN_LINE_NOT_ASCII;
    if (_mm256_movemask_epi8(escs)) *flags |= CSCAN_LINE_ESCAPE;
    if (i >= n) return -1;
    /* Fewer than 32 bytes left. */
    long k = line_sse2(b + i, n - i, flags);
    return k < 0 ? -1 : i + k;
}
#endif

long cscan_line_baseline(const uint8_t *b, long n, unsigned *flags) {
#if defined(__SSE2__)
    return line_sse2(b, n, flags);
#else
    return line_bytes(b, 0, n, flags);
#endif
}

long cscan_line(const uint8_t *b, long n, unsigned *flags) {
#if CSCAN_AVX2
    if (cscan_has_avx2) return line_avx2(b, n, flags);
#endif
    return cscan_line_baseline(b, n, flags);
}

static inline int is_space(uint8_t c) { return c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D; }

/* Two bytes as a little-endian number (`": "` is 0x203A). */
static inline uint16_t load16(const uint8_t *p) {
    uint16_t v;
    memcpy(&v, p, 2);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = (uint16_t)((v >> 8) | (v << 8));
#endif
    return v;
}

static inline uint8_t byte_at(const uint8_t *b, long count, long i) { return i < count ? b[i] : 0; }

/* The first '"' at or after `from`, or -1. */
static inline long find_quote(const uint8_t *b, long count, long from) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    for (; from + 16 <= count; from += 16) {
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(b + from)), quote));
        if (m != 0) return from + __builtin_ctz(m);
    }
#endif
    for (; from < count; from++) {
        if (b[from] == '"') return from;
    }
    return -1;
}

/* The closing quote of the string opened at `open`, or -1. */
static inline long string_end(const uint8_t *b, long count, long open) {
    long from = open + 1;
    for (;;) {
        long q = find_quote(b, count, from);
        if (q < 0) return -1;
        /* b[open] is a quote, so a run of backslashes stops there at the latest. */
        if (b[q - 1] != '\\') return q;
        long k = q - 1;
        long slashes = 0;
        while (b[k] == '\\') {
            slashes++;
            k--;
        }
        if ((slashes & 1) == 0) return q;
        from = q + 1;
    }
}

static inline int is_delimiter(uint8_t c) { return c == ',' || c == '}' || c == ']' || c == 0x20 || c == 0x09; }

/* The end of a scalar (number or literal) starting at `i`: the next delimiter, or the end. */
static inline long scalar_end(const uint8_t *b, long count, long i) {
#if defined(__SSE2__)
    for (; i + 16 <= count; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
        __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')), _mm_cmpeq_epi8(v, _mm_set1_epi8('}'))),
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(']')), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x20))),
                         _mm_cmpeq_epi8(v, _mm_set1_epi8(0x09))));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m != 0) return i + __builtin_ctz(m);
    }
#endif
    while (i < count && !is_delimiter(b[i])) i++;
    return i;
}

long cscan_json_members(const uint8_t *b, long count, long start, cscan_member *out, long capacity, long *end) {
    if (start < 0 || start >= count || b[start] != '{') return -1;
    long i = start + 1;
    while (i < count && is_space(b[i])) i++;
    if (i < count && b[i] == '}') {
        *end = i + 1;
        return 0;
    }
    long n = 0;
    for (;;) {
        if (i < count && b[i] != '"') {
            while (i < count && is_space(b[i])) i++;
        }
        if (i >= count || b[i] != '"') return -1;
        long key_close = string_end(b, count, i);
        if (key_close < 0) return -1;
        long key_start = i + 1;
        i = key_close + 1;
        /* Python's `": "` before a value in one compare; any other spacing skipped (the same
           result: the shortcut is taken only where no more spacing follows). */
        if (i + 3 <= count && load16(b + i) == 0x203A && !is_space(b[i + 2])) {
            i += 2;
        } else {
            while (i < count && is_space(b[i])) i++;
            if (i >= count || b[i] != ':') return -1;
            i++;
            while (i < count && is_space(b[i])) i++;
        }
        if (i >= count) return -1;
        long value_start = i;
        uint8_t c = b[i];
        if (c == '"') {
            long close = string_end(b, count, i);
            if (close < 0) return -1;
            i = close + 1;
        } else if (c == '{' || c == '[') {
            return -1;
        } else {
            i = scalar_end(b, count, i);
            if (i == value_start) return -1;
        }
        if (n == capacity) return -1;
        out[n].key_start = key_start;
        out[n].key_end = key_close;
        out[n].value_start = value_start;
        out[n].value_end = i;
        n++;
        /* `", "` before the next key likewise. */
        if (i + 3 <= count && load16(b + i) == 0x202C && b[i + 2] == '"') {
            i += 2;
            continue;
        }
        while (i < count && is_space(b[i])) i++;
        if (i >= count) return -1;
        if (b[i] == ',') {
            i++;
            continue;
        }
        if (b[i] != '}') return -1;
        *end = i + 1;
        return n;
    }
}

/* Past the ANSI sequence at b[i] (an ESC): CSI up to its final byte, OSC up to BEL or ST, any
   other ESC with the byte after it. */
static inline long skip_escape(const uint8_t *b, long n, long i) {
    uint8_t next = byte_at(b, n, i + 1);
    if (next == '[') {
        long j = i + 2;
        while (j < n && !(b[j] >= 0x40 && b[j] <= 0x7E)) j++;
        return j + 1;
    }
    if (next == ']') {
        long j = i + 2;
        while (j < n && b[j] != 0x07 && !(b[j] == 0x1B && byte_at(b, n, j + 1) == '\\')) j++;
        return j < n && b[j] == 0x07 ? j + 1 : j + 2;
    }
    return i + 2;
}

#if CSCAN_AVX2
/* `cscan_strip_ansi` with the text between sequences copied 32 bytes at a time (a store may run
   past the text copied: `out` has room, and the next copy overwrites it). */
__attribute__((target("avx2"))) static long strip_ansi_avx2(const uint8_t *b, long n, uint8_t *out) {
    const __m256i esc = _mm256_set1_epi8(0x1B);
    long i = 0;
    long o = 0;
    while (i < n) {
        for (;;) {
            if (i + 32 > n) {
                while (i < n && b[i] != 0x1B) out[o++] = b[i++];
                break;
            }
            __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(b + i));
            _mm256_storeu_si256((__m256i *)(void *)(out + o), v);
            unsigned m = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, esc));
            if (m != 0) {
                long k = __builtin_ctz(m);
                i += k;
                o += k;
                break;
            }
            i += 32;
            o += 32;
        }
        if (i >= n) break;
        i = skip_escape(b, n, i);
    }
    return o;
}
#endif

long cscan_strip_ansi_baseline(const uint8_t *b, long n, uint8_t *out) {
    long i = 0;
    long o = 0;
    while (i < n) {
#if defined(__SSE2__)
        /* Text up to the next ESC, 16 bytes at a time (a store may run past the text copied:
           `out` has room, and the next copy overwrites it). */
        for (;;) {
            if (i + 16 > n) {
                while (i < n && b[i] != 0x1B) out[o++] = b[i++];
                break;
            }
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
            _mm_storeu_si128((__m128i *)(void *)(out + o), v);
            unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x1B)));
            if (m != 0) {
                long k = __builtin_ctz(m);
                i += k;
                o += k;
                break;
            }
            i += 16;
            o += 16;
        }
#else
        while (i < n && b[i] != 0x1B) out[o++] = b[i++];
#endif
        if (i >= n) break;
        i = skip_escape(b, n, i);
    }
    return o;
}

long cscan_strip_ansi(const uint8_t *b, long n, uint8_t *out) {
#if CSCAN_AVX2
    if (cscan_has_avx2) return strip_ansi_avx2(b, n, out);
#endif
    return cscan_strip_ansi_baseline(b, n, out);
}
