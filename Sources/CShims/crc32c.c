// CRC32C with run-time selection of the hardware instruction.
//
// The hardware paths are compiled with a per-function target attribute, so the
// package needs no global -msse4.2 flag (which would need unsafeFlags) and the
// binary still runs on CPUs without the instruction.
#include "CSundialShims.h"
#include <string.h>

extern const uint32_t sundial_crc32c_table[8][256];

static uint32_t crc32c_portable_raw(uint32_t crc, const uint8_t *p, size_t n) {
    while (n > 0 && ((uintptr_t)p & 7) != 0) {
        crc = sundial_crc32c_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
        n--;
    }
    while (n >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        word = __builtin_bswap64(word);
#endif
        uint32_t lo = (uint32_t)word ^ crc;
        uint32_t hi = (uint32_t)(word >> 32);
        crc = sundial_crc32c_table[7][lo & 0xff] ^ sundial_crc32c_table[6][(lo >> 8) & 0xff] ^
              sundial_crc32c_table[5][(lo >> 16) & 0xff] ^ sundial_crc32c_table[4][lo >> 24] ^
              sundial_crc32c_table[3][hi & 0xff] ^ sundial_crc32c_table[2][(hi >> 8) & 0xff] ^
              sundial_crc32c_table[1][(hi >> 16) & 0xff] ^ sundial_crc32c_table[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n > 0) {
        crc = sundial_crc32c_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
        n--;
    }
    return crc;
}

uint32_t sundial_crc32c_portable(uint32_t crc, const void *data, size_t length) {
    return ~crc32c_portable_raw(~crc, (const uint8_t *)data, length);
}

#if defined(__x86_64__)
#include <nmmintrin.h>

__attribute__((target("sse4.2")))
static uint32_t crc32c_hw_raw(uint32_t crc, const uint8_t *p, size_t n) {
    uint64_t c = crc;
    while (n > 0 && ((uintptr_t)p & 7) != 0) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        n--;
    }
    while (n >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        c = _mm_crc32_u64(c, word);
        p += 8;
        n -= 8;
    }
    while (n > 0) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        n--;
    }
    return (uint32_t)c;
}

static int hw_available(void) {
    static int cached = -1;
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        __builtin_cpu_init();
        value = __builtin_cpu_supports("sse4.2") ? 1 : 0;
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value;
}
#elif defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_CRC32
#define HWCAP_CRC32 (1 << 7)
#endif

__attribute__((target("crc")))
static uint32_t crc32c_hw_raw(uint32_t crc, const uint8_t *p, size_t n) {
    while (n > 0 && ((uintptr_t)p & 7) != 0) {
        crc = __builtin_arm_crc32cb(crc, *p++);
        n--;
    }
    while (n >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        crc = __builtin_arm_crc32cd(crc, word);
        p += 8;
        n -= 8;
    }
    while (n > 0) {
        crc = __builtin_arm_crc32cb(crc, *p++);
        n--;
    }
    return crc;
}

static int hw_available(void) {
    static int cached = -1;
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        value = (getauxval(AT_HWCAP) & HWCAP_CRC32) ? 1 : 0;
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value;
}
#else
static uint32_t crc32c_hw_raw(uint32_t crc, const uint8_t *p, size_t n) {
    return crc32c_portable_raw(crc, p, n);
}
static int hw_available(void) { return 0; }
#endif

int sundial_crc32c_is_hardware_accelerated(void) { return hw_available(); }

uint32_t sundial_crc32c(uint32_t crc, const void *data, size_t length) {
    if (hw_available()) {
        return ~crc32c_hw_raw(~crc, (const uint8_t *)data, length);
    }
    return ~crc32c_portable_raw(~crc, (const uint8_t *)data, length);
}
