// CUDA device built-ins for compiling segopt_kernels.cu as host C++ (g++ -std=c++20 -include cuda_emu.h).
//
// Used only by the fake driver (fake_libcuda.cpp) that tests run the Java host code against on
// machines without a GPU: every CUDA thread of a block is a fiber on one OS thread, switched
// cooperatively at warp collectives and __syncthreads, so the kernels' own source is exercised
// (indices, warp-uniform paths, shared-memory carries, tails, tile bounds) with CUDA's semantics
// for full-warp collectives. Atomics need no locking: fibers switch only at collectives.
#pragma once

#include <cstdint>
#include <cstring>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __shared__
#define __align__(n) __attribute__((aligned(n)))
#define __restrict__ __restrict

struct dim3 {
    unsigned x = 1, y = 1, z = 1;
};

struct alignas(16) uint4 {
    unsigned x, y, z, w;
};

namespace emu {
dim3 thread_idx();
extern dim3 block_idx, block_dim, grid_dim;
// Every lane of the calling thread's warp contributes v; returns the 32 contributions (lane order).
const unsigned long long* warp_exchange(unsigned mask, unsigned long long v);
void sync_block();
unsigned lane();
}  // namespace emu

#define threadIdx (::emu::thread_idx())
#define blockIdx (::emu::block_idx)
#define blockDim (::emu::block_dim)
#define gridDim (::emu::grid_dim)

inline unsigned __shfl_sync(unsigned mask, unsigned v, int src) {
    return (unsigned)emu::warp_exchange(mask, v)[src & 31];
}
inline unsigned long long __shfl_sync(unsigned mask, unsigned long long v, int src) {
    return emu::warp_exchange(mask, v)[src & 31];
}
inline unsigned long long __shfl_xor_sync(unsigned mask, unsigned long long v, int laneMask) {
    return emu::warp_exchange(mask, v)[(emu::lane() ^ (unsigned)laneMask) & 31];
}
inline unsigned __ballot_sync(unsigned mask, int p) {
    const unsigned long long* all = emu::warp_exchange(mask, p != 0);
    unsigned bits = 0;
    for (int i = 0; i < 32; i++) bits |= (all[i] != 0 ? 1u : 0u) << i;
    return bits;
}
inline int __all_sync(unsigned mask, int p) { return __ballot_sync(mask, p) == 0xffffffffu; }
inline void __syncthreads() { emu::sync_block(); }
inline int __popc(unsigned x) { return __builtin_popcount(x); }

// Byte s_i (i = 0..3) of the result is byte (selector nibble i & 7) of the 8 bytes {y:x}.
inline unsigned __byte_perm(unsigned x, unsigned y, unsigned s) {
    unsigned long long both = ((unsigned long long)y << 32) | x;
    unsigned r = 0;
    for (int i = 0; i < 4; i++) {
        unsigned sel = (s >> (4 * i)) & 7u;
        r |= (unsigned)((both >> (8 * sel)) & 0xFFu) << (8 * i);
    }
    return r;
}

template <typename T>
inline T __ldg(const T* p) {
    return *p;
}

inline unsigned atomicAdd(unsigned* a, unsigned v) {
    unsigned old = *a;
    *a = old + v;
    return old;
}
inline unsigned long long atomicAdd(unsigned long long* a, unsigned long long v) {
    unsigned long long old = *a;
    *a = old + v;
    return old;
}
inline unsigned long long atomicMin(unsigned long long* a, unsigned long long v) {
    unsigned long long old = *a;
    if (v < old) *a = v;
    return old;
}
inline unsigned long long atomicMax(unsigned long long* a, unsigned long long v) {
    unsigned long long old = *a;
    if (v > old) *a = v;
    return old;
}
inline unsigned long long min(unsigned long long a, unsigned long long b) { return a < b ? a : b; }
inline unsigned long long max(unsigned long long a, unsigned long long b) { return a > b ? a : b; }
