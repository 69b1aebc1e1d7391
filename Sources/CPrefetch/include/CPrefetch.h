#ifndef CPREFETCH_H
#define CPREFETCH_H

/// A hint that `address` will be read soon. Swift has no prefetch intrinsic;
/// as a `static inline` C function this compiles to one instruction inside the
/// Swift loop that calls it (the tree learner's gather of a leaf's bins).
static inline void cprefetch_read(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
