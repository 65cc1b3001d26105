#pragma once
// Small C helpers for the storage engine's hot paths that Swift cannot express
// portably (CPU-specific instructions selected at run time).
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Extends a CRC32C (Castagnoli) over `length` bytes at `data`.
/// `crc` is the running value as returned by a previous call (0 to start); the
/// result is finalized (pre- and post-inverted), so
/// `sundial_crc32c(0, "123456789", 9) == 0xE3069283`.
/// Uses SSE4.2 (x86-64) or the ARMv8 CRC instructions when the CPU has them.
uint32_t sundial_crc32c(uint32_t crc, const void *data, size_t length);

/// The portable slicing-by-8 implementation, exposed so tests can compare both paths.
uint32_t sundial_crc32c_portable(uint32_t crc, const void *data, size_t length);

/// 1 when the hardware path is in use on this CPU, 0 otherwise.
int sundial_crc32c_is_hardware_accelerated(void);

#ifdef __cplusplus
}
#endif

#ifdef __cplusplus
extern "C" {
#endif

/// Returns freed heap memory to the operating system where the C library can
/// (glibc's malloc_trim); a no-op elsewhere.
void sundial_release_free_memory(void);

#ifdef __cplusplus
}
#endif
