// A fake CUDA driver (the subset of libcuda.so.1 segopt binds) that runs segopt_kernels.cu on the
// CPU, for tests on machines without a GPU. Built by FakeDriverBackendTest:
//
//   g++ -std=c++20 -O2 -shared -fPIC -U_FORTIFY_SOURCE -include cuda_emu.h
//       -DSEGOPT_KERNELS='"…/segopt_kernels.cu"' fake_libcuda.cpp -o libsegopt-fake-cuda.so
//
// It checks what the Java host passes: launch geometry against each kernel's __launch_bounds__,
// dynamic shared memory against the opt-in attribute, every copy and memset against the live
// allocations, parameters read with the PTX sizes (8 bytes for pointers and u64, 4 for u32).
// Device memory is host memory, filled with 0xA5 when allocated (as is shared memory before each
// block) so that forgotten initialization shows. One block runs at a time; its threads are fibers.
#include "cuda_emu.h"

#include <setjmp.h>
#include <ucontext.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include SEGOPT_KERNELS

alignas(16) unsigned char shared_raw[256 * 1024];

typedef unsigned long long u64;
typedef int CUresult;

// ---- fibers ---------------------------------------------------------------------------------------

namespace emu {
dim3 block_idx, block_dim, grid_dim;

struct Fiber {
    ucontext_t uc;
    jmp_buf jb;
    bool started = false;
    bool done = false;
    unsigned tid = 0;
    std::vector<char> stack;
};

struct Warp {
    unsigned arrived = 0;
    u64 generation = 0;
    u64 values[32];
    u64 result[2][32];
};

static std::vector<Fiber> fibers;
static std::vector<Warp> warps;
static unsigned current;
static jmp_buf scheduler;
static ucontext_t scheduler_uc;
static void (*block_body)(void**);
static void** block_params;
static unsigned block_arrived;
static u64 block_generation;
static std::string failure;

dim3 thread_idx() {
    dim3 d;
    d.x = fibers[current].tid;
    return d;
}

unsigned lane() { return fibers[current].tid & 31u; }

static void yield() {
    if (!_setjmp(fibers[current].jb)) _longjmp(scheduler, 1);
}

static void fail(const char* what) {
    if (failure.empty()) failure = what;
}

const u64* warp_exchange(unsigned mask, u64 v) {
    if (mask != 0xffffffffu) fail("warp collective with a partial mask");
    Warp& w = warps[fibers[current].tid / 32];
    const u64 g = w.generation;
    w.values[lane()] = v;
    if (++w.arrived == 32) {
        std::memcpy(w.result[g & 1], w.values, sizeof w.values);
        w.arrived = 0;
        w.generation++;
    } else {
        while (w.generation == g) {
            unsigned base = fibers[current].tid & ~31u;
            for (unsigned i = base; i < base + 32; i++) {
                if (fibers[i].done) {
                    fail("divergent warp: a lane finished while others wait at a collective");
                    return w.values;
                }
            }
            yield();
        }
    }
    return w.result[g & 1];
}

void sync_block() {
    const u64 g = block_generation;
    if (++block_arrived == block_dim.x) {
        block_arrived = 0;
        block_generation++;
        return;
    }
    while (block_generation == g) {
        for (const Fiber& f : fibers) {
            if (f.done) {
                fail("__syncthreads not reached by every thread of the block");
                return;
            }
        }
        yield();
    }
}

static void trampoline() {
    block_body(block_params);
    fibers[current].done = true;
    _longjmp(scheduler, 1);
}

// Runs one block of block_dim.x fibers to completion.
static void run_block(unsigned b) {
    block_idx.x = b;
    const unsigned threads = block_dim.x;
    if (fibers.size() < threads) fibers.resize(threads);
    warps.assign((threads + 31) / 32, Warp());
    block_arrived = 0;
    std::memset(shared_raw, 0xA5, sizeof shared_raw);
    for (unsigned i = 0; i < threads; i++) {
        Fiber& f = fibers[i];
        f.started = false;
        f.done = false;
        f.tid = i;
        if (f.stack.empty()) f.stack.resize(128 * 1024);
        getcontext(&f.uc);
        f.uc.uc_stack.ss_sp = f.stack.data();
        f.uc.uc_stack.ss_size = f.stack.size();
        f.uc.uc_link = nullptr;
        makecontext(&f.uc, trampoline, 0);
    }
    for (bool running = true; running;) {
        running = false;
        for (unsigned i = 0; i < threads; i++) {
            if (fibers[i].done) continue;
            running = true;
            current = i;
            if (!_setjmp(scheduler)) {
                if (!fibers[i].started) {
                    fibers[i].started = true;
                    swapcontext(&scheduler_uc, &fibers[i].uc);
                } else {
                    _longjmp(fibers[i].jb, 1);
                }
            }
        }
    }
}
}  // namespace emu

// ---- kernels ----------------------------------------------------------------------------------------

#define P(i, T) (*reinterpret_cast<T*>(p[i]))
typedef const unsigned char* Data;
typedef unsigned int u32;

struct KernelInfo {
    const char* name;
    void (*call)(void**);
    unsigned maxThreads;
    int maxDynamicShared = 48 * 1024;
};

static KernelInfo kernels[] = {
    {"segopt_votes_u8", [](void** p) { segopt_votes_u8(P(0, Data), P(1, u64), P(2, u32), P(3, u32), P(4, u64), P(5, u32), P(6, u32), P(7, u64*), P(8, u64*)); }, 1024},
    {"segopt_votes_u16", [](void** p) { segopt_votes_u16(P(0, Data), P(1, u64), P(2, u32), P(3, u32), P(4, u64), P(5, u32), P(6, u32), P(7, u64*), P(8, u64*)); }, 1024},
    {"segopt_votes_i32", [](void** p) { segopt_votes_i32(P(0, Data), P(1, u64), P(2, u32), P(3, u32), P(4, u64), P(5, u32), P(6, u32), P(7, u64*), P(8, u64*)); }, 1024},
    {"segopt_floats_f32", [](void** p) { segopt_floats_f32(P(0, Data), P(1, u64), P(2, u32), P(3, u32), P(4, u64*), P(5, u64*), P(6, u64*), P(7, u64*), P(8, u64*), P(9, u64*)); }, 1024},
    {"segopt_floats_f64", [](void** p) { segopt_floats_f64(P(0, Data), P(1, u64), P(2, u32), P(3, u32), P(4, u64*), P(5, u64*), P(6, u64*), P(7, u64*), P(8, u64*), P(9, u64*)); }, 1024},
    {"segopt_refine_f32", [](void** p) { segopt_refine_f32(P(0, Data), P(1, u64), P(2, u32), P(3, u32), P(4, const u32*), P(5, const u64*), P(6, u64*), P(7, u64*), P(8, u64*), P(9, const u64*), P(10, const u64*)); }, 256},
    {"segopt_refine_f64", [](void** p) { segopt_refine_f64(P(0, Data), P(1, u64), P(2, u32), P(3, u32), P(4, const u32*), P(5, const u64*), P(6, u64*), P(7, u64*), P(8, u64*), P(9, const u64*), P(10, const u64*)); }, 256},
    {"segopt_select", [](void** p) { segopt_select(P(0, Data), P(1, u64), P(2, u32), P(3, u32), P(4, u32), P(5, u64), P(6, u64), P(7, u32), P(8, u64*), P(9, u64*)); }, 256},
    {"segopt_min_key", [](void** p) { segopt_min_key(P(0, Data), P(1, u64), P(2, u32), P(3, u32), P(4, u32), P(5, u64), P(6, u64), P(7, u64*)); }, 256},
    {"segopt_sum_words", [](void** p) { segopt_sum_words(P(0, Data), P(1, u64), P(2, u64*)); }, 256},
};

// ---- driver API -------------------------------------------------------------------------------------

static std::map<u64, size_t> allocations;
static int driver_version = 13000;
static int max_isa = 90;  // PTX ISA 9.0, as major * 10 + minor
static long launch_count;
static int context_refs;
static const int SHARED_OPTIN = 232448;
static const int SHARED_PER_SM = 233472;

// True when [p, p + bytes) lies inside one live allocation.
static bool device_range(u64 p, size_t bytes) {
    auto it = allocations.upper_bound(p);
    if (it == allocations.begin()) return false;
    --it;
    return p >= it->first && p - it->first + bytes <= it->second;
}

extern "C" {

CUresult cuInit(unsigned flags) { return flags == 0 ? 0 : 1; }
CUresult cuDriverGetVersion(int* v) {
    *v = driver_version;
    return 0;
}
CUresult cuDeviceGetCount(int* n) {
    *n = 1;
    return 0;
}
CUresult cuDeviceGet(int* d, int ordinal) {
    if (ordinal != 0) return 101;  // CUDA_ERROR_INVALID_DEVICE
    *d = 0;
    return 0;
}
CUresult cuDeviceGetName(char* name, int len, int dev) {
    std::snprintf(name, (size_t)len, "segopt fake CUDA device %d (CPU emulation)", dev);
    return 0;
}
CUresult cuDeviceGetAttribute(int* v, int attribute, int dev) {
    switch (attribute) {
        case 16: *v = 2; return 0;   // multiprocessors
        case 75: *v = 9; return 0;   // compute capability major
        case 76: *v = 0; return 0;   // minor
        case 81: *v = SHARED_PER_SM; return 0;
        case 97: *v = SHARED_OPTIN; return 0;
        default: return 1;           // CUDA_ERROR_INVALID_VALUE
    }
}
CUresult cuDevicePrimaryCtxRetain(void** ctx, int dev) {
    context_refs++;
    *ctx = (void*)0xC0C0;
    return 0;
}
CUresult cuDevicePrimaryCtxRelease_v2(int dev) {
    context_refs--;
    return 0;
}
CUresult cuCtxSetCurrent(void* ctx) { return ctx == (void*)0xC0C0 ? 0 : 201; }  // CUDA_ERROR_INVALID_CONTEXT

CUresult cuModuleLoadData(void** module, const void* image) {
    const char* ptx = (const char*)image;
    const char* v = std::strstr(ptx, "\n.version ");
    if (v == nullptr || std::strstr(ptx, ".entry segopt_select") == nullptr) return 218;  // CUDA_ERROR_INVALID_PTX
    int major = 0, minor = 0;
    if (std::sscanf(v, "\n.version %d.%d", &major, &minor) != 2) return 218;
    if (major * 10 + minor > max_isa) return 222;  // CUDA_ERROR_UNSUPPORTED_PTX_VERSION
    *module = (void*)0x40D;
    return 0;
}
CUresult cuModuleUnload(void* module) { return module == (void*)0x40D ? 0 : 400; }
CUresult cuModuleGetFunction(void** f, void* module, const char* name) {
    for (KernelInfo& k : kernels) {
        if (std::strcmp(k.name, name) == 0) {
            *f = &k;
            return 0;
        }
    }
    return 500;  // CUDA_ERROR_NOT_FOUND
}
CUresult cuFuncSetAttribute(void* f, int attribute, int value) {
    if (attribute != 8 || value > SHARED_OPTIN) return 1;
    ((KernelInfo*)f)->maxDynamicShared = value;
    return 0;
}

CUresult cuMemAlloc_v2(u64* p, size_t bytes) {
    size_t size = (bytes + 255) & ~(size_t)255;
    void* m = std::aligned_alloc(256, size);
    if (m == nullptr) return 2;  // CUDA_ERROR_OUT_OF_MEMORY
    std::memset(m, 0xA5, size);
    *p = (u64)m;
    allocations[*p] = bytes;
    return 0;
}
CUresult cuMemFree_v2(u64 p) {
    auto it = allocations.find(p);
    if (it == allocations.end()) return 1;
    allocations.erase(it);
    std::free((void*)p);
    return 0;
}
CUresult cuMemGetInfo_v2(size_t* free, size_t* total) {
    size_t used = 0;
    for (auto& a : allocations) used += a.second;
    *total = (size_t)1 << 34;
    *free = *total - used;
    return 0;
}
CUresult cuMemcpyHtoD_v2(u64 dst, const void* src, size_t n) {
    if (!device_range(dst, n)) return 1;
    std::memcpy((void*)dst, src, n);
    return 0;
}
CUresult cuMemcpyDtoH_v2(void* dst, u64 src, size_t n) {
    if (!device_range(src, n)) return 1;
    std::memcpy(dst, (const void*)src, n);
    return 0;
}
CUresult cuMemcpyHtoDAsync_v2(u64 dst, const void* src, size_t n, void* stream) { return cuMemcpyHtoD_v2(dst, src, n); }
CUresult cuMemcpyDtoHAsync_v2(void* dst, u64 src, size_t n, void* stream) { return cuMemcpyDtoH_v2(dst, src, n); }
CUresult cuMemcpyDtoDAsync_v2(u64 dst, u64 src, size_t n, void* stream) {
    if (!device_range(dst, n) || !device_range(src, n)) return 1;
    std::memmove((void*)dst, (const void*)src, n);
    return 0;
}
CUresult cuMemsetD8Async(u64 dst, unsigned char value, size_t n, void* stream) {
    if (!device_range(dst, n)) return 1;
    std::memset((void*)dst, value, n);
    return 0;
}

CUresult cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shared, void* stream, void** params, void** extra) {
    KernelInfo* k = (KernelInfo*)f;
    if (gx == 0 || gy != 1 || gz != 1 || by != 1 || bz != 1 || extra != nullptr || params == nullptr) return 1;
    if (bx == 0 || bx % 32 != 0 || bx > k->maxThreads) return 701;  // CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES
    if ((int)shared > k->maxDynamicShared || shared > sizeof shared_raw) return 1;
    launch_count++;
    emu::grid_dim.x = gx;
    emu::block_dim.x = bx;
    emu::block_body = k->call;
    emu::block_params = params;
    emu::failure.clear();
    for (unsigned b = 0; b < gx; b++) {
        emu::run_block(b);
        if (!emu::failure.empty()) {
            std::fprintf(stderr, "fake CUDA: %s in %s\n", emu::failure.c_str(), k->name);
            return 719;  // CUDA_ERROR_LAUNCH_FAILED
        }
    }
    return 0;
}

CUresult cuStreamCreate(void** s, unsigned flags) {
    *s = new int(7);
    return 0;
}
CUresult cuStreamSynchronize(void* s) { return 0; }
CUresult cuStreamDestroy_v2(void* s) {
    delete (int*)s;
    return 0;
}

CUresult cuPointerGetAttribute(void* data, int attribute, u64 p) {
    auto it = allocations.upper_bound(p);
    if (it == allocations.begin()) return 1;
    --it;
    if (p - it->first >= it->second) return 1;
    if (attribute == 1) *(void**)data = (void*)0xC0C0;  // the (primary) context
    else if (attribute == 11) *(u64*)data = it->first;
    else if (attribute == 12) *(size_t*)data = it->second;
    else return 1;
    return 0;
}

CUresult cuGetErrorName(CUresult e, const char** s) {
    switch (e) {
        case 0: *s = "CUDA_SUCCESS"; return 0;
        case 1: *s = "CUDA_ERROR_INVALID_VALUE"; return 0;
        case 2: *s = "CUDA_ERROR_OUT_OF_MEMORY"; return 0;
        case 218: *s = "CUDA_ERROR_INVALID_PTX"; return 0;
        case 222: *s = "CUDA_ERROR_UNSUPPORTED_PTX_VERSION"; return 0;
        case 500: *s = "CUDA_ERROR_NOT_FOUND"; return 0;
        case 701: *s = "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES"; return 0;
        case 719: *s = "CUDA_ERROR_LAUNCH_FAILED"; return 0;
        default: *s = nullptr; return 1;
    }
}

// ---- test hooks --------------------------------------------------------------------------------------

long fake_live_allocations() { return (long)allocations.size(); }
long fake_launches() { return launch_count; }
int fake_context_refs() { return context_refs; }
// Pretends to be a driver of `version` (1000 * major + 10 * minor) accepting PTX ISA up to isa (major * 10 + minor).
void fake_set_driver(int version, int isa) {
    driver_version = version;
    max_isa = isa;
}

}  // extern "C"
