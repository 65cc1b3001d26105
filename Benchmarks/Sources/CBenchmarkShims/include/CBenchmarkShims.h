#pragma once
// C helpers for the benchmark reports: what Glibc's Swift module does not import.
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Bytes allocated with malloc and not yet freed (glibc `mallinfo2`: arena bytes in use
/// plus separately mapped large blocks); 0 where the C library has no `mallinfo2`.
size_t benchmark_heap_bytes_in_use(void);

#ifdef __cplusplus
}
#endif
