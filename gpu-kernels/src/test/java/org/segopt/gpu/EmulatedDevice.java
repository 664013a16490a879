package org.segopt.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link Device} emulated on the CPU, so that {@link CudaBackend}'s host side (buffers, copies,
 * argument lists, table offsets, tie handling, validation, device-resident input) is tested on
 * machines without a GPU. Each kernel is re-implemented from the contract in
 * {@code segopt_kernels.cu}, one voxel at a time; every pointer a kernel or copy touches is checked
 * against the allocations, so a buffer sized too small fails here. The CUDA kernels themselves are
 * checked on a GPU by {@link GpuBackendTest}.
 */
final class EmulatedDevice implements Device {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final int DEFAULT_SHARED = 48 * 1024;
    private static final long TILE = 4096;

    private record Allocation(long start, long size, Arena arena, MemorySegment memory) {
    }

    private final int sharedPerBlock;
    private final TreeMap<Long, Allocation> allocations = new TreeMap<>();
    private final Map<Kernel, Integer> sharedAllowed = new EnumMap<>(Kernel.class);
    private long next = 0x7f00_0000_0000L;
    private boolean closed;
    long launches;

    /** An emulated device whose blocks may use up to {@code sharedPerBlock} bytes of shared memory. */
    EmulatedDevice(int sharedPerBlock) {
        this.sharedPerBlock = sharedPerBlock;
    }

    @Override
    public String name() {
        return "emulated device";
    }

    @Override
    public int computeCapability() {
        return 90;
    }

    @Override
    public int multiprocessors() {
        return 4;
    }

    @Override
    public int sharedMemoryPerBlock() {
        return sharedPerBlock;
    }

    @Override
    public int sharedMemoryPerMultiprocessor() {
        return sharedPerBlock + 1024;
    }

    @Override
    public long stream() {
        return 0x5eL;
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("the emulated device is closed");
        }
    }

    @Override
    public long allocate(long bytes) {
        open();
        Arena a = Arena.ofShared();
        MemorySegment m = a.allocate(Math.max(1, bytes), 256);
        m.fill((byte) 0xA5); // device memory is not zeroed: make forgotten initialization visible
        long p = next;
        next += (Math.max(1, bytes) + 0xFFFF) & ~0xFFFFL;
        next += 0x10000; // a gap, so an overrun does not land in the next allocation
        allocations.put(p, new Allocation(p, Math.max(1, bytes), a, m));
        return p;
    }

    @Override
    public void free(long pointer) {
        open();
        Allocation a = allocations.remove(pointer);
        if (a == null) {
            throw new IllegalArgumentException("free of 0x" + Long.toHexString(pointer) + ": not an allocation");
        }
        a.arena().close();
    }

    @Override
    public long liveAllocations() {
        return allocations.size();
    }

    /** The device memory [pointer, pointer + bytes), which must lie inside one allocation. */
    MemorySegment memory(long pointer, long bytes) {
        var e = allocations.floorEntry(pointer);
        if (e == null || pointer - e.getKey() + bytes > e.getValue().size() || bytes < 0) {
            throw new IllegalStateException("device access of " + bytes + " bytes at 0x" + Long.toHexString(pointer)
                    + " is outside every allocation");
        }
        return e.getValue().memory().asSlice(pointer - e.getKey(), bytes);
    }

    @Override
    public void upload(long dst, MemorySegment src, long bytes, long stream) {
        open();
        memory(dst, bytes).copyFrom(src.asSlice(0, bytes));
    }

    @Override
    public void download(MemorySegment dst, long src, long bytes, long stream) {
        open();
        MemorySegment.copy(memory(src, bytes), 0, dst, 0, bytes);
    }

    @Override
    public void copy(long dst, long src, long bytes, long stream) {
        open();
        memory(dst, bytes).copyFrom(memory(src, bytes));
    }

    @Override
    public void fill(long dst, int value, long bytes, long stream) {
        open();
        memory(dst, bytes).fill((byte) value);
    }

    @Override
    public void allowSharedMemory(Kernel kernel, int bytes) {
        if (bytes > sharedPerBlock) {
            throw new CudaException("cuFuncSetAttribute", 1, "CUDA_ERROR_INVALID_VALUE");
        }
        sharedAllowed.put(kernel, bytes);
    }

    @Override
    public void synchronize(long stream) {
        open();
    }

    @Override
    public long[] allocationOf(long pointer) {
        var e = allocations.floorEntry(pointer);
        if (e == null || pointer >= e.getKey() + e.getValue().size()) {
            return null;
        }
        return new long[] {e.getKey(), e.getValue().size()};
    }

    @Override
    public long[] memoryInfo() {
        long used = allocations.values().stream().mapToLong(Allocation::size).sum();
        return new long[] {(1L << 34) - used, 1L << 34};
    }

    @Override
    public void close() {
        for (Allocation a : allocations.values()) {
            a.arena().close();
        }
        allocations.clear();
        closed = true;
    }

    // ---- kernels -----------------------------------------------------------------------------------

    @Override
    public void launch(Kernel kernel, int grid, int block, int sharedBytes, long stream, long... a) {
        open();
        if (a.length != kernel.params.size()) {
            throw new IllegalArgumentException(kernel.symbol + " takes " + kernel.params.size() + " arguments, got " + a.length);
        }
        if (grid < 1 || block != kernel.threads()) {
            throw new IllegalArgumentException(kernel.symbol + ": grid " + grid + ", block " + block);
        }
        int allowed = Math.max(DEFAULT_SHARED, sharedAllowed.getOrDefault(kernel, 0));
        if (sharedBytes < 0 || sharedBytes > Math.min(allowed, sharedPerBlock)) {
            throw new IllegalArgumentException(kernel.symbol + ": " + sharedBytes + " bytes of shared memory, "
                    + Math.min(allowed, sharedPerBlock) + " allowed");
        }
        for (int i = 0; i < a.length; i++) {
            if (kernel.params.get(i) == Kernel.Width.B32 && (a[i] >>> 32) != 0) {
                throw new IllegalArgumentException(kernel.symbol + ": " + kernel.paramNames.get(i) + " = " + a[i]
                        + " does not fit 32 bits");
            }
        }
        launches++;
        switch (kernel) {
            case VOTES_U8 -> votes(Kernel.T_U8, sharedBytes, a);
            case VOTES_U16 -> votes(Kernel.T_U16, sharedBytes, a);
            case VOTES_I32 -> votes(Kernel.T_I32, sharedBytes, a);
            case FLOATS_F32 -> floats(true, sharedBytes, a);
            case FLOATS_F64 -> floats(false, sharedBytes, a);
            case REFINE_F32 -> refine(true, a);
            case REFINE_F64 -> refine(false, a);
            case SELECT -> select(a);
            case MIN_KEY -> minKey(a);
            case SUM_WORDS -> sumWords(a);
        }
    }

    private static int size(int type) {
        return switch (type) {
            case Kernel.T_U8 -> 1;
            case Kernel.T_U16, Kernel.T_I16, Kernel.T_H16 -> 2;
            case Kernel.T_I32, Kernel.T_F32 -> 4;
            default -> 8;
        };
    }

    /** The bytes a kernel may read: n elements of each of max(1, masks) arrays {@code stride} apart. */
    private MemorySegment input(long data, long n, int type, long masks, long stride) {
        long bytes = n * size(type);
        return memory(data, masks > 1 ? (masks - 1) * stride + bytes : bytes);
    }

    /** An integer element as the kernels read it for validation: unsigned 32 bits. */
    private static long unsigned(MemorySegment d, int type, boolean swap, long offset, long i) {
        return switch (type) {
            case Kernel.T_U8 -> Byte.toUnsignedLong(d.get(ValueLayout.JAVA_BYTE, offset + i));
            case Kernel.T_U16, Kernel.T_I16, Kernel.T_H16 -> {
                short s = d.get(U16, offset + 2 * i);
                yield Short.toUnsignedLong(swap ? Short.reverseBytes(s) : s);
            }
            default -> {
                int x = d.get(U32, offset + 4 * i);
                yield Integer.toUnsignedLong(swap ? Integer.reverseBytes(x) : x);
            }
        };
    }

    private static void atomicMin(MemorySegment m, long voxel) {
        if (Long.compareUnsigned(voxel, m.get(U64, 0)) < 0) {
            m.set(U64, 0, voxel);
        }
    }

    private static void add(MemorySegment table, long index, long value) {
        table.set(U64, 8 * index, table.get(U64, 8 * index) + value);
    }

    // (data, n, swap, masks, stride, max, sharedBins, hist, firstBad)
    private void votes(int type, int sharedBytes, long[] a) {
        long n = a[1];
        boolean swap = a[2] != 0;
        long masks = a[3];
        long stride = a[4];
        long max = a[5];
        long sharedBins = a[6];
        if (sharedBins != 0 && (sharedBins != max + 1 || sharedBytes != sharedBins * 4)) {
            throw new IllegalArgumentException("votes: " + sharedBins + " shared bins, " + sharedBytes + " bytes, max " + max);
        }
        MemorySegment d = input(a[0], n, type, masks, stride);
        MemorySegment hist = memory(a[7], (max + 1) * 8);
        MemorySegment bad = memory(a[8], 8);
        for (long i = 0; i < n; i++) {
            long c;
            boolean ok;
            if (masks == 0) {
                c = unsigned(d, type, swap, 0, i);
                ok = c <= max;
            } else {
                c = 0;
                ok = true;
                for (long r = 0; r < masks; r++) {
                    long x = unsigned(d, type, swap, r * stride, i);
                    ok &= x <= 1;
                    c += x <= 1 ? x : 0;
                }
            }
            if (ok) {
                add(hist, c, 1);
            } else {
                atomicMin(bad, i);
            }
        }
    }

    private static long floatKey(MemorySegment d, boolean f32, boolean swap, long i) {
        if (f32) {
            int b = d.get(U32, 4 * i);
            b = swap ? Integer.reverseBytes(b) : b;
            return b == Integer.MIN_VALUE ? 0 : Integer.toUnsignedLong(b);
        }
        long b = d.get(U64, 8 * i);
        b = swap ? Long.reverseBytes(b) : b;
        return b == Long.MIN_VALUE ? 0 : b;
    }

    // (data, n, swap, sharedBins, counts, sumHigh, sumLow, firstBad, rangeLo, rangeHi)
    private void floats(boolean f32, int sharedBytes, long[] a) {
        long n = a[1];
        boolean swap = a[2] != 0;
        long bins = f32 ? 0x3F81 : 0x3FF1;
        if (a[3] != 0 && (a[3] != bins || sharedBytes != bins * 4 * (f32 ? 2 : 3))) {
            throw new IllegalArgumentException("floats: " + a[3] + " shared bins, " + sharedBytes + " bytes");
        }
        MemorySegment d = input(a[0], n, f32 ? Kernel.T_F32 : Kernel.T_F64, 0, 0);
        MemorySegment counts = memory(a[4], bins * 8);
        MemorySegment sumHigh = f32 ? null : memory(a[5], bins * 8);
        MemorySegment sumLow = memory(a[6], bins * 8);
        MemorySegment bad = memory(a[7], 8);
        long tiles = (n + TILE - 1) / TILE;
        MemorySegment lo = a[8] == 0 ? null : memory(a[8], tiles * 8);
        MemorySegment hi = a[9] == 0 ? null : memory(a[9], tiles * 8);
        long max = f32 ? 0x3F80_0000L : 0x3FF0_0000_0000_0000L;
        for (long i = 0; i < n; i++) {
            long k = floatKey(d, f32, swap, i);
            if (Long.compareUnsigned(k, max) > 0) {
                atomicMin(bad, i);
                continue;
            }
            if (f32) {
                long bin = k >>> 16;
                add(counts, bin, 1);
                add(sumLow, bin, k & 0xFFFF);
            } else {
                long bin = k >>> 48;
                long rest = k & 0xFFFF_FFFF_FFFFL;
                add(counts, bin, 1);
                add(sumHigh, bin, rest >>> 24);
                add(sumLow, bin, rest & 0xFF_FFFF);
            }
            if (lo != null) {
                long t = i / TILE;
                if (Long.compareUnsigned(k, lo.get(U64, 8 * t)) < 0) {
                    lo.set(U64, 8 * t, k);
                }
                if (Long.compareUnsigned(k, hi.get(U64, 8 * t)) > 0) {
                    hi.set(U64, 8 * t, k);
                }
            }
        }
    }

    // (data, n, swap, k, shifts, prefixes, counts, sumHigh, sumLow, rangeLo, rangeHi)
    private void refine(boolean f32, long[] a) {
        long n = a[1];
        boolean swap = a[2] != 0;
        int k = (int) a[3];
        MemorySegment shiftMem = memory(a[4], 4L * k);
        MemorySegment prefixMem = memory(a[5], 8L * k);
        int[] shifts = new int[k];
        long[] prefixes = new long[k];
        boolean rest = false;
        for (int j = 0; j < k; j++) {
            shifts[j] = shiftMem.get(U32, 4L * j);
            prefixes[j] = prefixMem.get(U64, 8L * j);
            rest |= shifts[j] > 16;
        }
        MemorySegment d = input(a[0], n, f32 ? Kernel.T_F32 : Kernel.T_F64, 0, 0);
        long entries = (long) k * 65536;
        MemorySegment counts = memory(a[6], entries * 8);
        MemorySegment sumHigh = rest ? memory(a[7], entries * 8) : null;
        MemorySegment sumLow = rest ? memory(a[8], entries * 8) : null;
        long tiles = (n + TILE - 1) / TILE;
        MemorySegment lo = a[9] == 0 ? null : memory(a[9], tiles * 8);
        MemorySegment hi = a[10] == 0 ? null : memory(a[10], tiles * 8);
        for (long t = 0; t < tiles; t++) {
            if (lo != null && !mayHold(lo.get(U64, 8 * t), hi.get(U64, 8 * t), shifts, prefixes, k)) {
                continue;
            }
            for (long i = t * TILE; i < Math.min(n, (t + 1) * TILE); i++) {
                long key = floatKey(d, f32, swap, i);
                for (int j = 0; j < k; j++) {
                    if (key >>> shifts[j] == prefixes[j]) {
                        int below = shifts[j] - 16;
                        long idx = (long) j * 65536 + ((key >>> below) & 0xFFFF);
                        long r = below == 0 ? 0 : key & ((1L << below) - 1);
                        add(counts, idx, 1);
                        if (r != 0) {
                            add(sumHigh, idx, r >>> 24);
                            add(sumLow, idx, r & 0xFF_FFFF);
                        }
                        break;
                    }
                }
            }
        }
    }

    private static boolean mayHold(long lo, long hi, int[] shifts, long[] prefixes, int k) {
        for (int j = 0; j < k; j++) {
            long first = prefixes[j] << shifts[j];
            long last = first + ((1L << shifts[j]) - 1);
            if (Long.compareUnsigned(lo, last) <= 0 && Long.compareUnsigned(hi, first) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** A key as {@code key_at} computes it: signed, like org.segopt.engine.KeyReader. */
    private static long key(MemorySegment d, int type, boolean swap, long masks, long stride, long i) {
        if (masks != 0) {
            long c = 0;
            for (long r = 0; r < masks; r++) {
                c += signedInt(d, type, swap, r * stride, i);
            }
            return c;
        }
        return switch (type) {
            case Kernel.T_F32 -> floatKey(d, true, swap, i);
            case Kernel.T_F64 -> floatKey(d, false, swap, i);
            case Kernel.T_H16 -> {
                long bits = unsigned(d, type, swap, 0, i);
                yield bits == 0x8000 ? 0 : bits;
            }
            default -> signedInt(d, type, swap, 0, i);
        };
    }

    private static long signedInt(MemorySegment d, int type, boolean swap, long offset, long i) {
        long u = unsigned(d, type, swap, offset, i);
        return type == Kernel.T_I32 ? (int) u : type == Kernel.T_I16 ? (short) u : u;
    }

    // (data, n, type, swap, masks, stride, level, inclusive, words, eqWords)
    private void select(long[] a) {
        long n = a[1];
        int type = (int) a[2];
        boolean swap = a[3] != 0;
        long masks = a[4];
        long stride = a[5];
        long level = a[6];
        boolean inclusive = a[7] != 0;
        long nwords = (n + 63) / 64;
        MemorySegment d = input(a[0], n, type, masks, stride);
        MemorySegment words = memory(a[8], nwords * 8);
        MemorySegment eq = a[9] == 0 ? null : memory(a[9], nwords * 8);
        for (long w = 0; w < nwords; w++) {
            long bits = 0;
            long eqBits = 0;
            for (int b = 0; b < 64 && w * 64 + b < n; b++) {
                long k = key(d, type, swap, masks, stride, w * 64 + b);
                if (k > level || (inclusive && k == level)) {
                    bits |= 1L << b;
                }
                if (k == level) {
                    eqBits |= 1L << b;
                }
            }
            words.set(U64, 8 * w, bits);
            if (eq != null) {
                eq.set(U64, 8 * w, eqBits);
            }
        }
    }

    // (data, n, type, swap, masks, stride, floor, out)
    private void minKey(long[] a) {
        long n = a[1];
        int type = (int) a[2];
        MemorySegment d = input(a[0], n, type, a[4], a[5]);
        MemorySegment out = memory(a[7], 8);
        for (long i = 0; i < n; i++) {
            long k = key(d, type, a[3] != 0, a[4], a[5], i);
            if (k >= a[6]) {
                atomicMin(out, k);
            }
        }
    }

    // (data, words, out)
    private void sumWords(long[] a) {
        MemorySegment d = memory(a[0], a[1] * 8);
        MemorySegment out = memory(a[2], 8);
        long s = out.get(U64, 0);
        for (long i = 0; i < a[1]; i++) {
            s += d.get(U64, 8 * i);
        }
        out.set(U64, 0, s);
    }
}
