#ifndef CSCAN_H
#define CSCAN_H

#include <stdint.h>
#include <stdatomic.h>

/* Whether every one of the `count` bytes at `bytes` is ASCII other than NUL: the check every
   line gets before it is parsed. 64 bytes per step with SSE2 (x86-64), 8 with plain words
   elsewhere. */
int cscan_is_ascii_without_nul(const uint8_t *bytes, long count);

/* What `cscan_line` found in a line's bytes. */
#define CSCAN_LINE_NOT_ASCII 1u /* a byte >= 0x80 or a NUL */
#define CSCAN_LINE_ESCAPE 2u    /* an ESC (0x1B): ANSI sequences to strip */

/* The index of the first '\n' of the `count` bytes at `bytes`, or -1; ORs into `*flags` what the
   bytes before it (all of them, without one) hold: CSCAN_LINE_NOT_ASCII, CSCAN_LINE_ESCAPE. One
   pass for the three questions every line asks, 32 bytes per step with AVX2 (chosen at load
   time), 16 with SSE2. */
long cscan_line(const uint8_t *bytes, long count, unsigned *flags);

/* `cscan_line` without AVX2 (SSE2, or bytes), whatever the CPU: for tests. */
long cscan_line_baseline(const uint8_t *bytes, long count, unsigned *flags);

/* Copies `bytes` to `out` without its ANSI sequences: CSI (ESC '[' up to a final byte 0x40-0x7E),
   OSC (ESC ']' up to BEL or ESC '\\') and any other ESC with the byte after it. Returns the length
   written. `out` must hold `count + 32` bytes (text is copied 16 or 32 bytes at a time). */
long cscan_strip_ansi(const uint8_t *bytes, long count, uint8_t *out);

/* `cscan_strip_ansi` without AVX2, whatever the CPU: for tests. */
long cscan_strip_ansi_baseline(const uint8_t *bytes, long count, uint8_t *out);

/* One top-level member of a JSON object: its key's bytes (between the quotes) and its value's
   bytes (a string value with its quotes), as offsets into the scanned buffer. */
typedef struct {
    int64_t key_start;
    int64_t key_end;
    int64_t value_start;
    int64_t value_end;
} cscan_member;

/* Walks the members of the flat JSON object at bytes[start] (a '{') with exactly the grammar of
   the Swift walker `JSONLineParser.walk`: whitespace (space, tab, LF, CR) around ':' and ','; a
   string ends at the first quote not escaped by an odd run of backslashes; a scalar runs to the
   next ',', '}', ']', space or tab.

   Returns the number of members written to `out` and sets `*end` just past the closing '}'.
   Returns -1, with nothing decided, when a value is an object or an array, when there are more
   than `capacity` members, or when the object is malformed: the Swift walker then decides. */
long cscan_json_members(const uint8_t *bytes, long count, long start, cscan_member *out, long capacity, long *end);

/* Whether the Swift runtime lays small strings out as `SmallASCII` writes them: 0 not yet
   checked, 1 yes, 2 no. Kept here, not in a Swift global, because every id a parser reads asks
   it: a relaxed atomic load is one plain load, where a Swift `static let` costs a `swift_once`
   call each time. */
extern _Atomic int cscan_small_string_layout;

static inline int cscan_small_string_layout_get(void) {
    return atomic_load_explicit(&cscan_small_string_layout, memory_order_relaxed);
}

static inline void cscan_small_string_layout_set(int value) {
    atomic_store_explicit(&cscan_small_string_layout, value, memory_order_relaxed);
}

#endif
