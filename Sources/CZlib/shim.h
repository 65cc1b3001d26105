#pragma once
#include <zlib.h>

// zlib's init functions are macros over *_ that pass the version and struct size;
// Swift does not import function-like macros, so these wrap them.
static inline int sundial_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
static inline int sundial_deflateInit2(z_streamp stream, int level, int windowBits) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
