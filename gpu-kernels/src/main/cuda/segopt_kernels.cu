// segopt CUDA kernels: the passes of org.segopt.engine.PassBackend on a device.
//
// Every accumulator is an integer updated with integer atomics, so results do not depend on the
// order threads run in and equal the CPU kernels' (org.segopt.engine.ScalarKernels) bit for bit.
//
// Keys (see PassBackend): a voxel's vote count (votes, or the sum of R rater masks); for floats
// the IEEE bit pattern read as unsigned, with -0.0 read as key 0. float16 and bfloat16 histograms
// are the u16 vote histogram of their bit patterns (the engine sends them so); only selection
// and min_key read them as floats (T_H16). Byte-swapped (non-native order)
// input is swapped on load (swap != 0).
//
// Histograms are privatized per block in shared memory when the host passes sharedBins > 0 (it
// checks that they fit): 32-bit shared counters whose wrap-arounds are detected by the thread
// that causes them and carried into the 64-bit global totals, so no per-block limit applies.
// Otherwise every update is a 64-bit global atomic. A warp whose voxels all share one key (the
// background and interior of a real volume) adds them with one update.
//
// Loads are coalesced: consecutive lanes read consecutive 16-byte vectors (when the data and
// mask stride are 16-byte aligned) or consecutive elements; all loops are grid-stride loops over
// warps, so warp-collective operations see a whole warp.
//
// The PTX resource org/segopt/gpu/segopt_kernels.ptx is generated from this file with exactly
//   nvcc -ptx -arch=compute_75 -o gpu-kernels/src/main/resources/org/segopt/gpu/segopt_kernels.ptx gpu-kernels/src/main/cuda/segopt_kernels.cu
// (CUDA 13 dropped compute_70; compute_75 = Turing and newer). The build regenerates it into
// target/ when nvcc is present and PtxResourceTest fails when the committed copy is stale.
// Kernel names and parameter lists must match org.segopt.gpu.Kernel (checked by a test).

typedef unsigned long long u64;
typedef long long i64;
typedef unsigned int u32;

#define FULL 0xffffffffu
#define TILE 4096u           /* org.segopt.engine.BlockRanges.BLOCK */
#define DIGITS 65536u        /* PassBackend.DIGITS */
#define MAX_REFINED 8        /* LevelTable.MAX_REFINED_PER_PASS */
#define F32_MAX 0x3F800000u
#define F64_MAX 0x3FF0000000000000ull

enum { T_U8 = 0, T_U16 = 1, T_I32 = 2, T_F32 = 3, T_F64 = 4, T_I16 = 5, T_H16 = 6 };  // T_H16: float16 or bfloat16
#define HALF_NEGATIVE_ZERO 0x8000u

extern __shared__ __align__(16) unsigned char shared_raw[];

// ---- element access ---------------------------------------------------------------------------

__device__ __forceinline__ u32 bswap16(u32 v) { return ((v & 0xFFu) << 8) | ((v >> 8) & 0xFFu); }
__device__ __forceinline__ u32 bswap32(u32 v) { return __byte_perm(v, 0, 0x0123); }
__device__ __forceinline__ u64 bswap64(u64 v) {
    return ((u64)bswap32((u32)v) << 32) | (u64)bswap32((u32)(v >> 32));
}

template <int TYPE> struct Elem;
template <> struct Elem<T_U8> {
    typedef unsigned char S;
    static const int E = 16;
    __device__ static __forceinline__ u32 value(S s, int) { return s; }
};
template <> struct Elem<T_U16> {
    typedef unsigned short S;
    static const int E = 8;
    __device__ static __forceinline__ u32 value(S s, int swap) { return swap ? bswap16(s) : (u32)s; }
};
template <> struct Elem<T_I32> {
    typedef u32 S;  // read as unsigned: a negative count becomes huge and fails "<= max"
    static const int E = 4;
    __device__ static __forceinline__ u32 value(S s, int swap) { return swap ? bswap32(s) : s; }
};
template <> struct Elem<T_F32> {
    typedef u32 S;
    static const int E = 4;
    typedef u32 K;
    __device__ static __forceinline__ K key(S s, int swap) {
        u32 b = swap ? bswap32(s) : s;
        return b == 0x80000000u ? 0u : b;
    }
    __device__ static __forceinline__ bool valid(K k) { return k <= F32_MAX; }
    __device__ static __forceinline__ u32 bin(K k) { return k >> 16; }
    __device__ static __forceinline__ u32 high(K) { return 0; }
    __device__ static __forceinline__ u32 low(K k) { return k & 0xFFFFu; }
};
template <> struct Elem<T_F64> {
    typedef u64 S;
    static const int E = 2;
    typedef u64 K;
    __device__ static __forceinline__ K key(S s, int swap) {
        u64 b = swap ? bswap64(s) : s;
        return b == 0x8000000000000000ull ? 0ull : b;
    }
    __device__ static __forceinline__ bool valid(K k) { return k <= F64_MAX; }
    __device__ static __forceinline__ u32 bin(K k) { return (u32)(k >> 48); }
    __device__ static __forceinline__ u32 high(K k) { return (u32)((k & 0xFFFFFFFFFFFFull) >> 24); }
    __device__ static __forceinline__ u32 low(K k) { return (u32)(k & 0xFFFFFFull); }
};

// Loads vector v (elements v*E .. v*E+E-1): one 16-byte load when E elements make 16 bytes.
template <typename S, int E>
__device__ __forceinline__ void load_vec(const S* __restrict__ p, u64 v, S (&out)[E]) {
    if constexpr (E * sizeof(S) == 16) {
        uint4 r = __ldg(reinterpret_cast<const uint4*>(p) + v);
        memcpy(out, &r, 16);  // not a cast: reading a uint4 through S* would break strict aliasing
    } else {
#pragma unroll
        for (int j = 0; j < E; j++) out[j] = p[v * E + j];
    }
}

// The keys of this lane's E voxels of vector v (0 for lanes past the end, which must still take
// part in the warp's shuffles and votes).
template <int TYPE, int E>
__device__ __forceinline__ void warp_keys(const typename Elem<TYPE>::S* __restrict__ p, u64 v, bool in, int swap,
                                          typename Elem<TYPE>::K (&k)[E]) {
    if (in) {
        typename Elem<TYPE>::S s[E];
        load_vec<typename Elem<TYPE>::S, E>(p, v, s);
#pragma unroll
        for (int j = 0; j < E; j++) k[j] = Elem<TYPE>::key(s[j], swap);
    } else {
#pragma unroll
        for (int j = 0; j < E; j++) k[j] = 0;
    }
}

__device__ __forceinline__ bool aligned16(const void* p, u64 stride) {
    return (((u64)p | stride) & 15ull) == 0;
}

// ---- warp-uniform grid-stride loop helpers ----------------------------------------------------

__device__ __forceinline__ u64 global_warp() { return ((u64)blockIdx.x * blockDim.x + threadIdx.x) >> 5; }
__device__ __forceinline__ u64 warp_count() { return ((u64)gridDim.x * blockDim.x) >> 5; }
__device__ __forceinline__ u64 global_thread() { return (u64)blockIdx.x * blockDim.x + threadIdx.x; }
__device__ __forceinline__ u32 lane_id() { return threadIdx.x & 31u; }

__device__ __forceinline__ u64 warp_min(u64 x) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) x = min(x, __shfl_xor_sync(FULL, x, o));
    return x;
}
__device__ __forceinline__ u64 warp_max(u64 x) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) x = max(x, __shfl_xor_sync(FULL, x, o));
    return x;
}
__device__ __forceinline__ u64 warp_sum(u64 x) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) x += __shfl_xor_sync(FULL, x, o);
    return x;
}

// ---- privatized counters ----------------------------------------------------------------------

// Adds v (< 2^32) to a 32-bit shared counter; the one thread whose add wraps it carries 2^32 into
// the 64-bit global total.
__device__ __forceinline__ void add_shared(u32* s, u64* g, u32 i, u32 v) {
    u32 old = atomicAdd(s + i, v);
    if (old + v < old) atomicAdd(g + i, 1ull << 32);
}

__device__ void zero_shared(u32* s, u32 words) {
    for (u32 i = threadIdx.x; i < words; i += blockDim.x) s[i] = 0;
    __syncthreads();
}

__device__ void flush_shared(const u32* s, u64* g, u32 bins) {
    for (u32 i = threadIdx.x; i < bins; i += blockDim.x) {
        u32 v = s[i];
        if (v != 0) atomicAdd(g + i, (u64)v);
    }
}

struct Table {
    u32* s;  // shared counters, or null: global atomics only
    u64* g;
    __device__ __forceinline__ void add(u32 i, u32 v) {
        if (v == 0) return;
        if (s != nullptr) add_shared(s, g, i, v);
        else atomicAdd(g + i, (u64)v);
    }
};

// ---- vote histograms --------------------------------------------------------------------------

// Vote counts of vector v: votes (masks == 0) or the sum of `masks` rater masks, each 0 or 1.
template <int TYPE, int E>
__device__ __forceinline__ void read_votes(const unsigned char* __restrict__ data, u64 v, int swap, u32 masks,
                                           u64 stride, u32 max, u32 (&c)[E], bool (&ok)[E]) {
    typedef typename Elem<TYPE>::S S;
    S s[E];
    if (masks == 0) {
        load_vec<S, E>(reinterpret_cast<const S*>(data), v, s);
#pragma unroll
        for (int j = 0; j < E; j++) {
            c[j] = Elem<TYPE>::value(s[j], swap);
            ok[j] = c[j] <= max;
        }
        return;
    }
#pragma unroll
    for (int j = 0; j < E; j++) {
        c[j] = 0;
        ok[j] = true;
    }
    for (u32 r = 0; r < masks; r++) {
        load_vec<S, E>(reinterpret_cast<const S*>(data + r * stride), v, s);
#pragma unroll
        for (int j = 0; j < E; j++) {
            u32 x = Elem<TYPE>::value(s[j], swap);
            ok[j] = ok[j] && x <= 1u;
            c[j] += x <= 1u ? x : 0u;
        }
    }
}

template <int TYPE, int E>
__device__ void votes_body(const unsigned char* __restrict__ data, u64 n, int swap, u32 masks, u64 stride, u32 max,
                           Table hist, u64* firstBad) {
    const u64 nvec = n / E;
    const u32 lane = lane_id();
    const u64 step = warp_count() * 32;
    for (u64 base = global_warp() * 32; base < nvec; base += step) {
        const u64 v = base + lane;
        const bool in = v < nvec;
        u32 c[E];
        bool ok[E];
        if (in) {
            read_votes<TYPE, E>(data, v, swap, masks, stride, max, c, ok);
        } else {
#pragma unroll
            for (int j = 0; j < E; j++) {
                c[j] = 0;
                ok[j] = true;
            }
        }
        const u32 c0 = __shfl_sync(FULL, c[0], 0);  // lane 0 is always in range
        bool same = true;
#pragma unroll
        for (int j = 0; j < E; j++) same = same && ok[j] && c[j] == c0;
        const u32 inMask = __ballot_sync(FULL, in);
        if (__all_sync(FULL, same || !in)) {
            if (lane == 0) hist.add(c0, (u32)__popc(inMask) * E);
        } else if (in) {
#pragma unroll
            for (int j = 0; j < E; j++) {
                if (ok[j]) hist.add(c[j], 1);
                else atomicMin(firstBad, v * E + j);
            }
        }
    }
    // The last n % E voxels, one per thread.
    const u64 i = nvec * E + global_thread();
    if (E > 1 && i < n) {
        u32 c[1];
        bool ok[1];
        read_votes<TYPE, 1>(data, i, swap, masks, stride, max, c, ok);
        if (ok[0]) hist.add(c[0], 1);
        else atomicMin(firstBad, i);
    }
}

// Vote histogram: hist[c] += #voxels with c votes; firstBad = min index of an invalid voxel
// (a count above max, a negative int32, a mask value other than 0 and 1). masks == 0: votes;
// masks = R: R rater masks, mask r at data + r * stride. sharedBins > 0: privatize max + 1 bins.
template <int TYPE>
__device__ void votes_kernel(const unsigned char* data, u64 n, u32 swap, u32 masks, u64 stride, u32 max,
                             u32 sharedBins, u64* hist, u64* firstBad) {
    u32* s = sharedBins != 0 ? reinterpret_cast<u32*>(shared_raw) : nullptr;
    if (s != nullptr) zero_shared(s, sharedBins);
    Table t{s, hist};
    if (aligned16(data, masks != 0 ? stride : 0)) {
        votes_body<TYPE, Elem<TYPE>::E>(data, n, (int)swap, masks, stride, max, t, firstBad);
    } else {
        votes_body<TYPE, 1>(data, n, (int)swap, masks, stride, max, t, firstBad);
    }
    if (s != nullptr) {
        __syncthreads();
        flush_shared(s, hist, sharedBins);
    }
}

extern "C" __global__ void __launch_bounds__(1024)
segopt_votes_u8(const unsigned char* data, u64 n, u32 swap, u32 masks, u64 stride, u32 max, u32 sharedBins,
                u64* hist, u64* firstBad) {
    votes_kernel<T_U8>(data, n, swap, masks, stride, max, sharedBins, hist, firstBad);
}

extern "C" __global__ void __launch_bounds__(1024)
segopt_votes_u16(const unsigned char* data, u64 n, u32 swap, u32 masks, u64 stride, u32 max, u32 sharedBins,
                 u64* hist, u64* firstBad) {
    votes_kernel<T_U16>(data, n, swap, masks, stride, max, sharedBins, hist, firstBad);
}

extern "C" __global__ void __launch_bounds__(1024)
segopt_votes_i32(const unsigned char* data, u64 n, u32 swap, u32 masks, u64 stride, u32 max, u32 sharedBins,
                 u64* hist, u64* firstBad) {
    votes_kernel<T_I32>(data, n, swap, masks, stride, max, sharedBins, hist, firstBad);
}

// ---- top-level float histograms ---------------------------------------------------------------

template <int TYPE>
__device__ __forceinline__ void add_float(Table& cnt, Table& hi, Table& lo, typename Elem<TYPE>::K k, u32 weight) {
    const u32 b = Elem<TYPE>::bin(k);
    cnt.add(b, weight);
    hi.add(b, Elem<TYPE>::high(k) * weight);  // < 2^32: weight <= 128 (f32, high = 0) or 64 (f64, < 2^24)
    lo.add(b, Elem<TYPE>::low(k) * weight);
}

template <int TYPE, int E>
__device__ void floats_body(const unsigned char* __restrict__ data, u64 n, int swap, Table cnt, Table hi, Table lo,
                            u64* firstBad, u64* rangeLo, u64* rangeHi) {
    typedef typename Elem<TYPE>::S S;
    typedef typename Elem<TYPE>::K K;
    const S* p = reinterpret_cast<const S*>(data);
    const u64 nvec = n / E;
    const u32 lane = lane_id();
    const u64 step = warp_count() * 32;
    for (u64 base = global_warp() * 32; base < nvec; base += step) {
        const u64 v = base + lane;
        const bool in = v < nvec;
        K k[E];
        warp_keys<TYPE, E>(p, v, in, swap, k);
        const K k0 = __shfl_sync(FULL, k[0], 0);
        bool same = true;
        u64 mn = ~0ull, mx = 0;
#pragma unroll
        for (int j = 0; j < E; j++) {
            same = same && k[j] == k0;
            if (in && Elem<TYPE>::valid(k[j])) {
                mn = min(mn, (u64)k[j]);
                mx = max(mx, (u64)k[j]);
            }
        }
        const u32 inMask = __ballot_sync(FULL, in);
        if (__all_sync(FULL, same || !in) && Elem<TYPE>::valid(k0)) {
            if (lane == 0) {
                const u32 w = (u32)__popc(inMask) * E;
                add_float<TYPE>(cnt, hi, lo, k0, w);
            }
        } else if (in) {
#pragma unroll
            for (int j = 0; j < E; j++) {
                if (Elem<TYPE>::valid(k[j])) add_float<TYPE>(cnt, hi, lo, k[j], 1);
                else atomicMin(firstBad, v * E + j);
            }
        }
        if (rangeLo != nullptr) {
            // A warp's 32 * E voxels lie in one tile (32 * E divides TILE).
            mn = warp_min(mn);
            mx = warp_max(mx);
            if (lane == 0 && mn <= mx) {
                const u64 tile = base * E / TILE;
                atomicMin(rangeLo + tile, mn);
                atomicMax(rangeHi + tile, mx);
            }
        }
    }
    const u64 i = nvec * E + global_thread();
    if (E > 1 && i < n) {
        const K k = Elem<TYPE>::key(p[i], swap);
        if (Elem<TYPE>::valid(k)) {
            add_float<TYPE>(cnt, hi, lo, k, 1);
            if (rangeLo != nullptr) {
                atomicMin(rangeLo + i / TILE, (u64)k);
                atomicMax(rangeHi + i / TILE, (u64)k);
            }
        } else {
            atomicMin(firstBad, i);
        }
    }
}

// Top-level float histogram: per bin (top 16 key bits) the count and the sum of the remaining key
// bits split as rest >> 24 (sumHigh; always 0 for float32) and rest & 0xFFFFFF (sumLow); firstBad =
// min index of a value outside [0, 1] (NaN included). rangeLo/rangeHi (may be null): per TILE
// voxels the least and greatest key, for skipping tiles in refinement. sharedBins > 0: privatize
// that many bins in dynamic shared memory: 4 * sharedBins bytes per table, 2 tables for float32
// (counts, sumLow), 3 for float64 (counts, sumLow, sumHigh).
template <int TYPE>
__device__ void floats_kernel(const unsigned char* data, u64 n, u32 swap, u32 sharedBins, u64* counts, u64* sumHigh,
                              u64* sumLow, u64* firstBad, u64* rangeLo, u64* rangeHi) {
    const u32 tables = TYPE == T_F32 ? 2 : 3;
    u32* s = sharedBins != 0 ? reinterpret_cast<u32*>(shared_raw) : nullptr;
    if (s != nullptr) zero_shared(s, tables * sharedBins);
    Table cnt{s, counts};
    Table lo{s != nullptr ? s + sharedBins : nullptr, sumLow};
    Table hi{s != nullptr && tables == 3 ? s + 2 * sharedBins : nullptr, sumHigh};
    if (aligned16(data, 0)) {
        floats_body<TYPE, Elem<TYPE>::E>(data, n, (int)swap, cnt, hi, lo, firstBad, rangeLo, rangeHi);
    } else {
        floats_body<TYPE, 1>(data, n, (int)swap, cnt, hi, lo, firstBad, rangeLo, rangeHi);
    }
    if (s != nullptr) {
        __syncthreads();
        flush_shared(s, counts, sharedBins);
        flush_shared(s + sharedBins, sumLow, sharedBins);
        if (tables == 3) flush_shared(s + 2 * sharedBins, sumHigh, sharedBins);
    }
}

extern "C" __global__ void __launch_bounds__(1024)
segopt_floats_f32(const unsigned char* data, u64 n, u32 swap, u32 sharedBins, u64* counts, u64* sumHigh,
                  u64* sumLow, u64* firstBad, u64* rangeLo, u64* rangeHi) {
    floats_kernel<T_F32>(data, n, swap, sharedBins, counts, sumHigh, sumLow, firstBad, rangeLo, rangeHi);
}

extern "C" __global__ void __launch_bounds__(1024)
segopt_floats_f64(const unsigned char* data, u64 n, u32 swap, u32 sharedBins, u64* counts, u64* sumHigh,
                  u64* sumLow, u64* firstBad, u64* rangeLo, u64* rangeHi) {
    floats_kernel<T_F64>(data, n, swap, sharedBins, counts, sumHigh, sumLow, firstBad, rangeLo, rangeHi);
}

// ---- refinement -------------------------------------------------------------------------------

struct Refined {
    u32 k;
    u32 shift[MAX_REFINED];
    u64 prefix[MAX_REFINED];
};

__device__ __forceinline__ bool may_hold(const Refined& r, u64 lo, u64 hi) {
    for (u32 j = 0; j < r.k; j++) {
        const u64 first = r.prefix[j] << r.shift[j];
        const u64 last = first + ((1ull << r.shift[j]) - 1);
        if (lo <= last && hi >= first) return true;
    }
    return false;
}

// Counts `weight` voxels with key k in the table of the refined bin holding k, if any.
__device__ __forceinline__ void refine_key(const Refined& r, u64 k, u32 weight, u64* counts, u64* sumHigh,
                                           u64* sumLow) {
    for (u32 j = 0; j < r.k; j++) {
        const u32 shift = r.shift[j];
        if ((k >> shift) == r.prefix[j]) {
            const u32 below = shift - 16;
            const u64 idx = (u64)j * DIGITS + ((k >> below) & 0xFFFFull);
            const u64 rest = below == 0 ? 0 : (k & ((1ull << below) - 1));
            atomicAdd(counts + idx, (u64)weight);
            if (rest != 0) {
                atomicAdd(sumHigh + idx, (rest >> 24) * weight);
                atomicAdd(sumLow + idx, (rest & 0xFFFFFFull) * weight);
            }
            return;
        }
    }
}

template <int TYPE, int E>
__device__ void refine_body(const unsigned char* __restrict__ data, u64 n, int swap, const Refined& r, u64* counts,
                            u64* sumHigh, u64* sumLow, const u64* rangeLo, const u64* rangeHi) {
    typedef typename Elem<TYPE>::S S;
    typedef typename Elem<TYPE>::K K;
    const S* p = reinterpret_cast<const S*>(data);
    const u64 nvec = n / E;
    const u32 lane = lane_id();
    const u64 step = warp_count() * 32;
    for (u64 base = global_warp() * 32; base < nvec; base += step) {
        if (rangeLo != nullptr) {
            const u64 tile = base * E / TILE;  // the same for the whole warp
            if (!may_hold(r, rangeLo[tile], rangeHi[tile])) continue;
        }
        const u64 v = base + lane;
        const bool in = v < nvec;
        K k[E];
        warp_keys<TYPE, E>(p, v, in, swap, k);
        const K k0 = __shfl_sync(FULL, k[0], 0);
        bool same = true;
#pragma unroll
        for (int j = 0; j < E; j++) same = same && k[j] == k0;
        const u32 inMask = __ballot_sync(FULL, in);
        if (__all_sync(FULL, same || !in)) {
            if (lane == 0) refine_key(r, (u64)k0, (u32)__popc(inMask) * E, counts, sumHigh, sumLow);
        } else if (in) {
#pragma unroll
            for (int j = 0; j < E; j++) refine_key(r, (u64)k[j], 1, counts, sumHigh, sumLow);
        }
    }
    const u64 i = nvec * E + global_thread();
    if (E > 1 && i < n) refine_key(r, (u64)Elem<TYPE>::key(p[i], swap), 1, counts, sumHigh, sumLow);
}

// Refinement of k <= 8 float bins: a voxel with key >> shifts[j] == prefixes[j] is counted in table j
// (offset j * 65536) at digit (key >> (shifts[j] - 16)) & 0xFFFF, with the key bits below that
// digit summed as in the top-level pass. Values were validated by that pass. rangeLo/rangeHi
// (null: read everything) are the tile bounds it recorded over this same data.
template <int TYPE>
__device__ void refine_kernel(const unsigned char* data, u64 n, u32 swap, u32 k, const u32* shifts,
                              const u64* prefixes, u64* counts, u64* sumHigh, u64* sumLow, const u64* rangeLo,
                              const u64* rangeHi) {
    Refined r;
    r.k = k < MAX_REFINED ? k : MAX_REFINED;
#pragma unroll
    for (int j = 0; j < MAX_REFINED; j++) {
        r.shift[j] = j < (int)r.k ? shifts[j] : 16u;
        r.prefix[j] = j < (int)r.k ? prefixes[j] : ~0ull;
    }
    if (aligned16(data, 0)) {
        refine_body<TYPE, Elem<TYPE>::E>(data, n, (int)swap, r, counts, sumHigh, sumLow, rangeLo, rangeHi);
    } else {
        refine_body<TYPE, 1>(data, n, (int)swap, r, counts, sumHigh, sumLow, rangeLo, rangeHi);
    }
}

extern "C" __global__ void __launch_bounds__(256)
segopt_refine_f32(const unsigned char* data, u64 n, u32 swap, u32 k, const u32* shifts, const u64* prefixes,
                  u64* counts, u64* sumHigh, u64* sumLow, const u64* rangeLo, const u64* rangeHi) {
    refine_kernel<T_F32>(data, n, swap, k, shifts, prefixes, counts, sumHigh, sumLow, rangeLo, rangeHi);
}

extern "C" __global__ void __launch_bounds__(256)
segopt_refine_f64(const unsigned char* data, u64 n, u32 swap, u32 k, const u32* shifts, const u64* prefixes,
                  u64* counts, u64* sumHigh, u64* sumLow, const u64* rangeLo, const u64* rangeHi) {
    refine_kernel<T_F64>(data, n, swap, k, shifts, prefixes, counts, sumHigh, sumLow, rangeLo, rangeHi);
}

// ---- keys of any encoding (selection, minimum) --------------------------------------------------

// An integer element as Java reads it (org.segopt.engine.KeyReader): unsigned u8/u16, signed i16/i32.
__device__ __forceinline__ i64 int_at(const unsigned char* __restrict__ d, u32 type, int swap, u64 i) {
    switch (type) {
        case T_U8:
            return d[i];
        case T_U16:
        case T_I16: {
            u32 x = reinterpret_cast<const unsigned short*>(d)[i];
            x = swap ? bswap16(x) : x;
            return type == T_I16 ? (i64)(short)x : (i64)x;
        }
        default: {
            u32 x = reinterpret_cast<const u32*>(d)[i];
            return (i64)(int)(swap ? bswap32(x) : x);
        }
    }
}

// The key of voxel i as a signed 64-bit integer, exactly as the CPU's KeyReader computes it (also
// for values the encoding forbids, which selection may meet when no analysis validated them).
__device__ __forceinline__ i64 key_at(const unsigned char* __restrict__ d, u32 type, int swap, u32 masks, u64 stride,
                                      u64 i) {
    if (masks != 0) {
        i64 c = 0;
        for (u32 r = 0; r < masks; r++) c += int_at(d + r * stride, type, swap, i);
        return c;
    }
    if (type == T_F32) {
        u32 b = reinterpret_cast<const u32*>(d)[i];
        if (swap) b = bswap32(b);
        return b == 0x80000000u ? 0 : (i64)b;
    }
    if (type == T_H16) {
        u32 b = reinterpret_cast<const unsigned short*>(d)[i];
        if (swap) b = bswap16(b);
        return b == HALF_NEGATIVE_ZERO ? 0 : (i64)b;
    }
    if (type == T_F64) {
        u64 b = reinterpret_cast<const u64*>(d)[i];
        if (swap) b = bswap64(b);
        return b == 0x8000000000000000ull ? 0 : (i64)b;
    }
    return int_at(d, type, swap, i);
}

// Selection into 64-bit mask words (bit b of word w is voxel 64w + b; bits at and beyond n are 0):
// words: key > level, or key >= level when inclusive; eqWords (may be null): key == level. The
// host takes the first `quota` voxels of eqWords (lowest index first) for the Theorem 4 ties.
extern "C" __global__ void __launch_bounds__(256)
segopt_select(const unsigned char* data, u64 n, u32 type, u32 swap, u32 masks, u64 stride, u64 level,
              u32 inclusive, u64* words, u64* eqWords) {
    const i64 lv = (i64)level;
    const u64 nwords = (n + 63) / 64;
    const u32 lane = lane_id();
    for (u64 w = global_warp(); w < nwords; w += warp_count()) {
        const u64 i0 = w * 64 + lane;
        const u64 i1 = i0 + 32;
        const bool in0 = i0 < n;
        const bool in1 = i1 < n;
        const i64 k0 = in0 ? key_at(data, type, (int)swap, masks, stride, i0) : 0;
        const i64 k1 = in1 ? key_at(data, type, (int)swap, masks, stride, i1) : 0;
        const u32 s0 = __ballot_sync(FULL, in0 && (k0 > lv || (inclusive != 0 && k0 == lv)));
        const u32 s1 = __ballot_sync(FULL, in1 && (k1 > lv || (inclusive != 0 && k1 == lv)));
        if (eqWords != nullptr) {
            const u32 e0 = __ballot_sync(FULL, in0 && k0 == lv);
            const u32 e1 = __ballot_sync(FULL, in1 && k1 == lv);
            if (lane == 0) eqWords[w] = (u64)e0 | ((u64)e1 << 32);
        }
        if (lane == 0) words[w] = (u64)s0 | ((u64)s1 << 32);
    }
}

// *out = min(*out, least key >= floor) over all voxels (keys of validated data are >= 0).
extern "C" __global__ void __launch_bounds__(256)
segopt_min_key(const unsigned char* data, u64 n, u32 type, u32 swap, u32 masks, u64 stride, u64 floor, u64* out) {
    const i64 f = (i64)floor;
    u64 best = ~0ull;
    const u64 nthreads = (u64)gridDim.x * blockDim.x;
    // Every lane runs the same number of iterations, so the warp reduction below sees all of them.
    for (u64 base = global_thread() & ~31ull; base < n; base += nthreads) {
        const u64 i = base + lane_id();
        if (i < n) {
            const i64 k = key_at(data, type, (int)swap, masks, stride, i);
            if (k >= f && (u64)k < best) best = (u64)k;
        }
    }
    best = warp_min(best);
    if (lane_id() == 0 && best != ~0ull) atomicMin(out, best);
}

// *out += the sum of the `words` 64-bit little-endian words at data (wrapping, like Java's long):
// the device side of readPass.
extern "C" __global__ void __launch_bounds__(256)
segopt_sum_words(const unsigned char* data, u64 words, u64* out) {
    u64 sum = 0;
    const u64 nthreads = (u64)gridDim.x * blockDim.x;
    if (((u64)data & 7ull) == 0) {
        const u64* p = reinterpret_cast<const u64*>(data);
        for (u64 i = global_thread(); i < words; i += nthreads) sum += __ldg(p + i);
    } else {
        for (u64 i = global_thread(); i < words; i += nthreads) {
            u64 w = 0;
            for (int b = 7; b >= 0; b--) w = (w << 8) | data[i * 8 + b];
            sum += w;
        }
    }
    sum = warp_sum(sum);
    if (lane_id() == 0 && sum != 0) atomicAdd(out, sum);
}
