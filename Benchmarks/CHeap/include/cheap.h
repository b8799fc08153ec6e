#ifndef CHEAP_H
#define CHEAP_H
#include <stddef.h>

/// Bytes of heap in use, as glibc's allocator counts them (mallinfo2's uordblks); 0 elsewhere.
size_t cheap_heap_in_use(void);

#endif
