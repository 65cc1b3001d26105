// Returning freed heap memory to the operating system (see CSundialShims.h).
#include "CSundialShims.h"
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void sundial_release_free_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}
