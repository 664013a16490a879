package org.segopt.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.Function;
import org.segopt.BitMask;
import org.segopt.ElementType;
import org.segopt.Encoding;
import org.segopt.InvalidMarginalException;
import org.segopt.Marginal;
import org.segopt.engine.BlockRanges;
import org.segopt.engine.Engine;
import org.segopt.engine.FloatHistogram;
import org.segopt.engine.PassBackend;
import org.segopt.engine.Refinement;

/**
 * The engine's passes on a CUDA device ({@code Engine.of(CudaBackend.open())}): CUDA kernels
 * loaded from PTX, called through the driver API with java.lang.foreign. Every histogram is
 * accumulated with integer atomics, so the results are bit-identical to {@link Engine#scalar()}.
 *
 * <p>float16 and bfloat16 marginals reach it as the engine sends them: their histogram as the u16
 * vote histogram of the bit patterns, their selection with the half-precision key (−0.0 is 0).
 *
 * <p>Host input is copied to the device at the start of each histogram, selection and read pass
 * (a refinement pass reuses the copy of the histogram pass that preceded it, and the per-4096-voxel
 * key bounds it recorded on the device, so it reads only tiles that may hold a refined bin). Device
 * buffers are allocated once and grow to the largest input seen; no call allocates device memory
 * in the steady state. Input marginals must fit in device memory.
 *
 * <p>Thread-safe: calls are serialized on this backend. Close it to free its device memory and
 * stream. Create one per device and reuse it: opening compiles the PTX for the device.
 */
public final class CudaBackend implements PassBackend, AutoCloseable {
    /** Refinement tables per pass (LevelTable.MAX_REFINED_PER_PASS). */
    static final int MAX_REFINED = 8;
    /** Voxels per tile of the device's own key bounds: segopt_kernels.cu's TILE (the host's BlockRanges stay unknown). */
    static final long TILE = 4096;
    /** Entries per device table array: counts, sumHigh and sumLow each hold this many u64. */
    private static final long TABLE = (long) MAX_REFINED * DIGITS;
    /** Top-level bins a valid float32 / float64 can fall into: keys up to that of 1.0. */
    static final int F32_BINS = 0x3F80 + 1;
    static final int F64_BINS = 0x3FF0 + 1;
    /** Dynamic shared memory every device grants without opting in. */
    private static final int DEFAULT_SHARED = 48 * 1024;
    private static final int SCRATCH_BAD = 0;
    private static final int SCRATCH_RESULT = 8;
    private static final int SCRATCH_SHIFTS = 64;
    private static final int SCRATCH_PREFIXES = 128;

    /**
     * Tuning switches, for tests and diagnosis: {@code blockRanges} lets refinement skip tiles by
     * the key bounds of the histogram pass; {@code sharedHistograms} privatizes histograms in
     * shared memory where they fit (else every update is a global atomic).
     */
    record Options(boolean blockRanges, boolean sharedHistograms) {
        static final Options DEFAULT = new Options(
                !"false".equals(System.getProperty("segopt.cuda.blockRanges")),
                !"false".equals(System.getProperty("segopt.cuda.sharedHistograms")));
    }

    private final Device device;
    private final Options options;
    private final long tables;
    private final long scratch;
    private final Buffer data = new Buffer();
    private final Buffer rangeBuffer = new Buffer();
    private final Buffer wordBuffer = new Buffer();
    private final boolean sharedF32;
    private final boolean sharedF64;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment hostScratch = arena.allocate(256, 16);
    private final long[] hostTable = new long[(int) TABLE];
    private long[] hostWords = new long[0];
    private long[] hostEq = new long[0];

    /** The marginal whose data is in {@link #data} (host input), and its mask stride. */
    private Marginal onDevice;
    private long stride;
    /** The marginal whose tile bounds are in {@link #rangeBuffer}. */
    private Marginal rangesOf;
    /** A device-resident marginal registered for the current call, its pointer and stream. */
    private Marginal resident;
    private long residentPointer;
    private long residentStream;
    private boolean closed;

    CudaBackend(Device device, Options options) {
        this.device = device;
        this.options = options;
        try {
            this.tables = device.allocate(3 * TABLE * Long.BYTES);
            this.scratch = device.allocate(256);
            this.sharedF32 = options.sharedHistograms() && allowShared(Kernel.FLOATS_F32, F32_BINS * 4 * 2);
            this.sharedF64 = options.sharedHistograms() && allowShared(Kernel.FLOATS_F64, F64_BINS * 4 * 3);
        } catch (RuntimeException e) {
            device.close();
            arena.close();
            throw e;
        }
    }

    /**
     * Opens CUDA device 0.
     *
     * @throws GpuUnavailableException (one-line message) without a CUDA driver or device, or when
     *                                 the device cannot run the kernels
     */
    public static CudaBackend open() {
        return open(0);
    }

    /** Opens CUDA device {@code ordinal}; see {@link #open()}. */
    public static CudaBackend open(int ordinal) {
        CudaDevice d = CudaDevice.open(ordinal);
        try {
            return new CudaBackend(d, Options.DEFAULT);
        } catch (CudaException e) {
            throw new GpuUnavailableException("CUDA device " + ordinal + " unusable: " + e.getMessage(), e);
        }
    }

    /**
     * Null when a CUDA driver and at least one device are present, else the one-line reason (as
     * {@link GpuUnavailableException} would give it). Loads the driver but compiles nothing.
     */
    public static String unavailableReason() {
        try {
            CudaDriver cu = CudaDriver.load();
            int rc = CudaDriver.call(cu.cuInit, 0);
            if (rc == CudaDriver.CUDA_ERROR_NO_DEVICE) {
                return GpuUnavailableException.NO_DEVICE;
            }
            if (rc != CudaDriver.CUDA_SUCCESS) {
                return "no usable CUDA driver (cuInit: " + cu.errorName(rc) + ")";
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment n = a.allocate(ValueLayout.JAVA_INT);
                if (CudaDriver.call(cu.cuDeviceGetCount, n) != CudaDriver.CUDA_SUCCESS || n.get(ValueLayout.JAVA_INT, 0) == 0) {
                    return GpuUnavailableException.NO_DEVICE;
                }
            }
            return null;
        } catch (GpuUnavailableException e) {
            return e.getMessage();
        }
    }

    private boolean allowShared(Kernel k, int bytes) {
        if (bytes > device.sharedMemoryPerBlock()) {
            return false;
        }
        if (bytes > DEFAULT_SHARED) {
            try {
                device.allowSharedMemory(k, bytes);
            } catch (CudaException e) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public int threads() {
        return 1;
    }

    /** The device's name, e.g. "NVIDIA H100 80GB HBM3". */
    public String deviceName() {
        return device.name();
    }

    /** One line for reports: device, compute capability, multiprocessors, histogram strategy. */
    public String describe() {
        int cc = device.computeCapability();
        return "cuda: " + device.name() + ", compute capability " + cc / 10 + "." + cc % 10 + ", "
                + device.multiprocessors() + " multiprocessors, float32/float64 histograms in "
                + (sharedF32 ? "shared" : "global") + "/" + (sharedF64 ? "shared" : "global") + " memory";
    }

    Device device() {
        return device;
    }

    // ---- passes --------------------------------------------------------------------------------

    @Override
    public synchronized long countVotes(Marginal m, long[] hist) {
        long n = m.voxels();
        if (!m.encoding().isVoteType()) {
            throw new IllegalArgumentException("countVotes needs a vote-type marginal, not " + m.encoding());
        }
        boolean masks = m.encoding() == Encoding.RATER_MASKS;
        ElementType t = m.elementType();
        int r = m.raters();
        // int16 counts go through the u16 kernel: read unsigned, one is above 32767 exactly when negative.
        int max = masks ? r : t == ElementType.BOOL ? Math.min(1, r) : t == ElementType.INT16 ? Math.min(Short.MAX_VALUE, r) : r;
        int bins = max + 1;
        if (hist.length < bins) {
            throw new IllegalArgumentException("a vote histogram of R = " + r + " needs " + bins + " entries, got " + hist.length);
        }
        if (n == 0) {
            return -1;
        }
        long stream = streamFor(m);
        long p = dataOf(m, stream);
        Kernel k = switch (t) {
            case BOOL, UINT8 -> Kernel.VOTES_U8;
            case UINT16, INT16 -> Kernel.VOTES_U16;
            case INT32 -> Kernel.VOTES_I32;
            default -> throw new IllegalArgumentException("votes need an integer element type, not " + t);
        };
        int sharedBins = options.sharedHistograms() && bins * 4 <= Math.min(DEFAULT_SHARED, device.sharedMemoryPerBlock())
                ? bins : 0;
        device.fill(tables, 0, bins * 8L, stream);
        device.fill(scratch + SCRATCH_BAD, 0xFF, 8, stream);
        int threads = k.threads();
        device.launch(k, grid(vectors(n, t), threads, blocksPerMultiprocessor(sharedBins * 4)), threads, sharedBins * 4,
                stream, p, n, swap(m), masks ? r : 0, stride, max, sharedBins, tables, scratch + SCRATCH_BAD);
        long bad = downloadLong(scratch + SCRATCH_BAD, stream);
        if (bad != -1) {
            return invalid(m, bad);
        }
        addTable(tables, bins, hist, 0, stream);
        return -1;
    }

    /** The top-level pass; guessed bins are refined by a second pass (this backend does not refine while counting). */
    @Override
    public synchronized long countFloats(Marginal m, FloatHistogram top, Refinement guesses) {
        long bad = countFloats(m, top.counts(), top.sumHigh(), top.sumLow(), top.ranges());
        if (bad < 0 && guesses != null && guesses.bins() > 0) {
            refineFloats(m, guesses, top.ranges());
        }
        return bad;
    }

    private long countFloats(Marginal m, long[] counts, long[] sumHigh, long[] sumLow, BlockRanges ranges) {
        boolean f32 = requireFloat(m);
        long n = m.voxels();
        ranges.reset(n); // the bounds stay on the device: the host's are "unknown"
        if (n == 0) {
            return -1;
        }
        int bins = f32 ? F32_BINS : F64_BINS;
        if (counts.length < bins || sumHigh.length < bins || sumLow.length < bins) {
            throw new IllegalArgumentException("float histograms need " + DIGITS + " bins");
        }
        long stream = streamFor(m);
        long p = dataOf(m, stream);
        boolean shared = f32 ? sharedF32 : sharedF64;
        int sharedBytes = shared ? bins * 4 * (f32 ? 2 : 3) : 0;
        long cnt = tables;
        long high = tables + TABLE * 8;
        long low = tables + 2 * TABLE * 8;
        device.fill(cnt, 0, bins * 8L, stream);
        device.fill(low, 0, bins * 8L, stream);
        if (!f32) {
            device.fill(high, 0, bins * 8L, stream);
        }
        device.fill(scratch + SCRATCH_BAD, 0xFF, 8, stream);
        long rangeLo = 0;
        long rangeHi = 0;
        rangesOf = null;
        if (options.blockRanges()) {
            long tiles = (n + TILE - 1) / TILE;
            rangeLo = rangeBuffer.ensure(2 * tiles * 8);
            rangeHi = rangeLo + tiles * 8;
            device.fill(rangeLo, 0xFF, tiles * 8, stream);
            device.fill(rangeHi, 0, tiles * 8, stream);
        }
        Kernel k = f32 ? Kernel.FLOATS_F32 : Kernel.FLOATS_F64;
        int threads = k.threads();
        device.launch(k, grid(vectors(n, m.elementType()), threads, blocksPerMultiprocessor(sharedBytes)), threads,
                sharedBytes, stream, p, n, swap(m), shared ? bins : 0, cnt, high, low, scratch + SCRATCH_BAD, rangeLo,
                rangeHi);
        long bad = downloadLong(scratch + SCRATCH_BAD, stream);
        if (bad != -1) {
            return invalid(m, bad);
        }
        addTable(cnt, bins, counts, 0, stream);
        addTable(low, bins, sumLow, 0, stream);
        if (!f32) {
            addTable(high, bins, sumHigh, 0, stream);
        }
        if (options.blockRanges()) {
            rangesOf = m;
        }
        return -1;
    }

    @Override
    public synchronized void refineFloats(Marginal m, Refinement r, BlockRanges ranges) {
        refineFloats(m, r.shifts(), r.prefixes(), r.bins(), r.counts(), r.sumHigh(), r.sumLow(), r.occupied(), ranges);
    }

    private void refineFloats(Marginal m, int[] shifts, long[] prefixes, int k, long[] counts,
                              long[] sumHigh, long[] sumLow, long[] occupied, BlockRanges ranges) {
        boolean f32 = requireFloat(m);
        if (k < 0 || k > MAX_REFINED || k > shifts.length || k > prefixes.length) {
            throw new IllegalArgumentException("refinement of " + k + " bins: 0.." + MAX_REFINED + " and no more than given");
        }
        long entries = (long) k * DIGITS;
        if (counts.length < entries || sumHigh.length < entries || sumLow.length < entries
                || occupied.length < entries / 64) {
            throw new IllegalArgumentException(k + " refinement tables need " + entries + " entries");
        }
        // The device does not track occupied digits: every digit of the k tables may be read.
        java.util.Arrays.fill(occupied, 0, (int) (entries / 64), -1L);
        boolean rest = false;
        for (int j = 0; j < k; j++) {
            if (shifts[j] < 16 || shifts[j] > (f32 ? 16 : 48)) {
                throw new IllegalArgumentException("refinement shift " + shifts[j] + " outside 16.." + (f32 ? 16 : 48));
            }
            rest |= shifts[j] > 16;
        }
        long n = m.voxels();
        if (k == 0 || n == 0) {
            return;
        }
        long stream = streamFor(m);
        long p = resident(m) || m == onDevice ? (resident(m) ? residentPointer : data.pointer) : dataOf(m, stream);
        for (int j = 0; j < k; j++) {
            hostScratch.set(ValueLayout.JAVA_INT, 4L * j, shifts[j]);
            hostScratch.set(ValueLayout.JAVA_LONG, 64 + 8L * j, prefixes[j]);
        }
        device.upload(scratch + SCRATCH_SHIFTS, hostScratch, 32, stream);
        device.upload(scratch + SCRATCH_PREFIXES, hostScratch.asSlice(64), 64, stream);
        long cnt = tables;
        long high = tables + TABLE * 8;
        long low = tables + 2 * TABLE * 8;
        device.fill(cnt, 0, entries * 8, stream);
        if (rest) {
            device.fill(high, 0, entries * 8, stream);
            device.fill(low, 0, entries * 8, stream);
        }
        long rangeLo = 0;
        long rangeHi = 0;
        if (rangesOf == m) {
            long tiles = (n + TILE - 1) / TILE;
            rangeLo = rangeBuffer.pointer;
            rangeHi = rangeLo + tiles * 8;
        }
        Kernel kernel = f32 ? Kernel.REFINE_F32 : Kernel.REFINE_F64;
        int threads = kernel.threads();
        device.launch(kernel, grid(vectors(n, m.elementType()), threads, 8), threads, 0, stream, p, n, swap(m), k,
                scratch + SCRATCH_SHIFTS, scratch + SCRATCH_PREFIXES, cnt, high, low, rangeLo, rangeHi);
        addTable(cnt, (int) entries, counts, 0, stream);
        if (rest) {
            addTable(high, (int) entries, sumHigh, 0, stream);
            addTable(low, (int) entries, sumLow, 0, stream);
        }
    }

    @Override
    public synchronized void select(Marginal m, long level, long quota, BitMask out) {
        long n = m.voxels();
        if (out.voxels() < n) {
            throw new IllegalArgumentException("a mask of " + out.voxels() + " voxels cannot hold " + n);
        }
        if (n == 0) {
            return;
        }
        long stream = streamFor(m);
        long p = dataOf(m, stream);
        long nwords = (n + 63) / 64;
        boolean ties = quota != Long.MAX_VALUE && quota > 0;
        long words = wordBuffer.ensure(nwords * 8 * (ties ? 2 : 1));
        long eq = ties ? words + nwords * 8 : 0;
        int threads = Kernel.SELECT.threads();
        device.launch(Kernel.SELECT, grid(nwords * 32, threads, 8), threads, 0, stream, p, n, typeCode(m.elementType()),
                swap(m), masks(m), stride, level, quota == Long.MAX_VALUE ? 1 : 0, words, eq);
        if (hostWords.length < nwords) {
            hostWords = new long[Math.toIntExact(nwords)];
        }
        device.download(MemorySegment.ofArray(hostWords), words, nwords * 8, stream);
        if (ties) {
            if (hostEq.length < nwords) {
                hostEq = new long[Math.toIntExact(nwords)];
            }
            device.download(MemorySegment.ofArray(hostEq), eq, nwords * 8, stream);
        }
        long remaining = ties ? quota : 0;
        for (int w = 0; w < nwords; w++) {
            long bits = hostWords[w];
            if (remaining > 0 && hostEq[w] != 0) {
                long e = hostEq[w];
                int c = Long.bitCount(e);
                if (c <= remaining) {
                    bits |= e;
                    remaining -= c;
                } else {
                    for (; remaining > 0; remaining--) { // the lowest voxels first
                        long lowest = e & -e;
                        bits |= lowest;
                        e ^= lowest;
                    }
                }
            }
            out.setWord(w, bits);
        }
    }

    /**
     * Copies m to the device and sums every 64-bit word there (plus the trailing bytes, as signed
     * bytes): one read of every byte, including the copy for host input.
     */
    @Override
    public synchronized long readPass(Marginal m) {
        long n = m.voxels();
        if (n == 0) {
            return 0;
        }
        long stream = streamFor(m);
        long p = dataOf(m, stream);
        long bytes = n * m.elementType().byteSize();
        long words = bytes / 8;
        device.fill(scratch + SCRATCH_RESULT, 0, 8, stream);
        int threads = Kernel.SUM_WORDS.threads();
        List<MemorySegment> segments = m.segments();
        for (int r = 0; r < segments.size(); r++) {
            if (words > 0) {
                device.launch(Kernel.SUM_WORDS, grid(words, threads, 8), threads, 0, stream, p + r * stride, words,
                        scratch + SCRATCH_RESULT);
            }
        }
        long total = downloadLong(scratch + SCRATCH_RESULT, stream);
        for (int r = 0; r < segments.size(); r++) {
            MemorySegment tail;
            if (resident(m)) {
                device.download(hostScratch, p + r * stride + words * 8, bytes - words * 8, stream);
                tail = hostScratch;
            } else {
                tail = segments.get(r).asSlice(words * 8);
            }
            for (long i = 0; i < bytes - words * 8; i++) {
                total += tail.get(ValueLayout.JAVA_BYTE, i);
            }
        }
        return total;
    }

    // ---- device-resident input ------------------------------------------------------------------

    /**
     * Runs {@code body} with {@code array} registered as resident: passes over its view read the
     * device memory in place, on {@code stream}. Validates that the array lies inside one
     * allocation of this device's context.
     */
    synchronized <T> T withResident(DeviceArray array, long stream, Function<Marginal, T> body) {
        ensureOpen();
        long[] allocation = device.allocationOf(array.pointer());
        if (allocation == null) {
            throw new IllegalArgumentException("0x" + Long.toHexString(array.pointer())
                    + " is not device memory of CUDA device '" + device.name() + "' (primary context)");
        }
        long end = allocation[0] + allocation[1];
        if (Long.compareUnsigned(array.pointer() + array.bytes(), end) > 0) {
            throw new IllegalArgumentException(array.bytes() + " bytes at 0x" + Long.toHexString(array.pointer())
                    + " run past the end of their allocation (" + allocation[1] + " bytes at 0x"
                    + Long.toHexString(allocation[0]) + ")");
        }
        Marginal view = array.view();
        resident = view;
        residentPointer = array.pointer();
        residentStream = stream;
        try {
            return body.apply(view);
        } finally {
            resident = null;
            residentPointer = 0;
            residentStream = 0;
            rangesOf = null;
        }
    }

    /**
     * Whether m reads the resident array: its view, or another marginal over the same device
     * memory (the engine histograms a resident float16 / bfloat16 marginal through a u16 view of
     * its bit patterns, {@code Histogrammer.halfPatterns}).
     */
    private boolean resident(Marginal m) {
        if (m == resident) {
            return true;
        }
        if (resident == null || m.segments().size() != 1) {
            return false;
        }
        MemorySegment s = m.segments().getFirst();
        return s.isNative() && s.address() == residentPointer && s.byteSize() == resident.segments().getFirst().byteSize();
    }

    /**
     * The first voxel whose key exceeds {@code key}. For resident input, which the host cannot
     * read, the selection kernel marks those voxels on the device and the mask is fetched a
     * chunk at a time up to its first set bit; the exception is then built here
     * ({@link #invalid}). Host input is scanned on the host.
     */
    @Override
    public synchronized long firstKeyAbove(Marginal m, long key) {
        if (!resident(m)) {
            return PassBackend.super.firstKeyAbove(m, key);
        }
        long n = m.voxels();
        long stream = streamFor(m);
        long nwords = (n + 63) / 64;
        long words = wordBuffer.ensure(nwords * 8);
        int threads = Kernel.SELECT.threads();
        device.launch(Kernel.SELECT, grid(nwords * 32, threads, 8), threads, 0, stream, residentPointer, n,
                typeCode(m.elementType()), swap(m), 0, 0L, key, 0, words, 0L);
        long[] chunk = new long[(int) Math.min(nwords, FIRST_KEY_CHUNK)];
        for (long w = 0; w < nwords; w += chunk.length) {
            int count = (int) Math.min(chunk.length, nwords - w);
            device.download(MemorySegment.ofArray(chunk), words + w * 8, count * 8L, stream);
            for (int i = 0; i < count; i++) {
                if (chunk[i] != 0) {
                    return invalid(m, 64 * (w + i) + Long.numberOfTrailingZeros(chunk[i]));
                }
            }
        }
        return -1;
    }

    /** Mask words {@link #firstKeyAbove} fetches at a time (64 KB). */
    private static final int FIRST_KEY_CHUNK = 8192;

    /** The least key ≥ {@code floor} of any voxel of m, or −1 when there is none. */
    synchronized long minKey(Marginal m, long floor) {
        long n = m.voxels();
        long stream = streamFor(m);
        long p = dataOf(m, stream);
        device.fill(scratch + SCRATCH_RESULT, 0xFF, 8, stream);
        int threads = Kernel.MIN_KEY.threads();
        device.launch(Kernel.MIN_KEY, grid(n, threads, 8), threads, 0, stream, p, n, typeCode(m.elementType()), swap(m),
                masks(m), stride, floor, scratch + SCRATCH_RESULT);
        return downloadLong(scratch + SCRATCH_RESULT, stream);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the CUDA backend is closed");
        }
    }

    private long streamFor(Marginal m) {
        ensureOpen();
        return resident(m) ? residentStream : device.stream();
    }

    /** The device address of m's data: the resident pointer, or a fresh copy of host input. */
    private long dataOf(Marginal m, long stream) {
        if (resident(m)) {
            stride = 0;
            return residentPointer;
        }
        long bytes = m.voxels() * m.elementType().byteSize();
        List<MemorySegment> segments = m.segments();
        long s = (bytes + 255) & ~255L;
        long p = data.ensure(s * segments.size());
        onDevice = null;
        rangesOf = null;
        for (int r = 0; r < segments.size(); r++) {
            device.upload(p + r * s, segments.get(r), bytes, stream);
        }
        onDevice = m;
        stride = s;
        return p;
    }

    private static boolean requireFloat(Marginal m) {
        return switch (m.encoding()) {
            case FLOAT32 -> true;
            case FLOAT64 -> false;
            default -> throw new IllegalArgumentException("float passes need a float marginal, not " + m.encoding());
        };
    }

    /** Whether m's bytes must be reversed on the (little-endian) device. */
    private static int swap(Marginal m) {
        return m.byteOrder().equals(ByteOrder.LITTLE_ENDIAN) ? 0 : 1;
    }

    private static int masks(Marginal m) {
        return m.encoding() == Encoding.RATER_MASKS ? m.raters() : 0;
    }

    static int typeCode(ElementType t) {
        return switch (t) {
            case BOOL, UINT8 -> Kernel.T_U8;
            case UINT16 -> Kernel.T_U16;
            case INT16 -> Kernel.T_I16;
            case INT32 -> Kernel.T_I32;
            case FLOAT32 -> Kernel.T_F32;
            case FLOAT64 -> Kernel.T_F64;
            case FLOAT16, BFLOAT16 -> Kernel.T_H16;
        };
    }

    /** Work items of a warp-loop kernel: 16-byte vectors of the element type. */
    private static long vectors(long n, ElementType t) {
        long perVector = 16 / t.byteSize();
        return (n + perVector - 1) / perVector;
    }

    /** Blocks to launch: enough for the work, at most {@code perMultiprocessor} per multiprocessor. */
    private int grid(long work, int threads, int perMultiprocessor) {
        long needed = (work + threads - 1) / threads;
        return (int) Math.max(1, Math.min(needed, (long) device.multiprocessors() * perMultiprocessor));
    }

    /** Resident blocks per multiprocessor for a histogram kernel using {@code sharedBytes}. */
    private int blocksPerMultiprocessor(int sharedBytes) {
        if (sharedBytes == 0) {
            return 2;
        }
        return Math.max(1, Math.min(2, device.sharedMemoryPerMultiprocessor() / (sharedBytes + 1024)));
    }

    private long downloadLong(long src, long stream) {
        device.download(hostScratch, src, 8, stream);
        return hostScratch.get(ValueLayout.JAVA_LONG, 0);
    }

    /** Adds {@code entries} u64 of a device table into {@code into[offset..]}. */
    private void addTable(long src, int entries, long[] into, int offset, long stream) {
        device.download(MemorySegment.ofArray(hostTable), src, entries * 8L, stream);
        for (int i = 0; i < entries; i++) {
            into[offset + i] += hostTable[i];
        }
    }

    /**
     * The first invalid voxel: returned for host input (the engine describes it); for resident
     * input, which the host cannot read, the exception is built here from the one value fetched.
     */
    private long invalid(Marginal m, long voxel) {
        if (!resident(m)) {
            return voxel;
        }
        ElementType t = m.elementType();
        device.download(hostScratch, residentPointer + voxel * t.byteSize(), t.byteSize(), residentStream);
        double v = t.valueAt(hostScratch, ByteOrder.LITTLE_ENDIAN, 0);
        throw switch (m.encoding()) {
            case FLOAT32, FLOAT16, BFLOAT16 -> new InvalidMarginalException(voxel, -1, Float.toString((float) v), "not in [0, 1]");
            case FLOAT64 -> new InvalidMarginalException(voxel, -1, Double.toString(v), "not in [0, 1]");
            default -> {
                long c = (long) v;
                String rule = t == ElementType.BOOL && c > 1 ? "not a boolean (0 or 1)"
                        : "not a vote count in 0.." + m.raters() + " (R = " + m.raters() + ")";
                yield new InvalidMarginalException(voxel, -1, Long.toString(c), rule);
            }
        };
    }

    /** A device buffer that grows to the largest size asked for and is then reused. */
    private final class Buffer {
        long pointer;
        long capacity;

        long ensure(long bytes) {
            if (bytes > capacity) {
                if (pointer != 0) {
                    device.free(pointer);
                    pointer = 0;
                    capacity = 0;
                }
                long size = (Math.max(bytes, 1) + (1 << 20) - 1) & -(1L << 20);
                pointer = device.allocate(size);
                capacity = size;
            }
            return pointer;
        }

        void release() {
            if (pointer != 0) {
                device.free(pointer);
                pointer = 0;
                capacity = 0;
            }
        }
    }

    /** Live device allocations, for leak tests. */
    long liveAllocations() {
        return device.liveAllocations();
    }

    /** Frees the device memory and stream and releases the device; further calls throw. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        onDevice = null;
        rangesOf = null;
        try {
            data.release();
            rangeBuffer.release();
            wordBuffer.release();
            device.free(tables);
            device.free(scratch);
        } finally {
            device.close();
            arena.close();
        }
    }

    @Override
    public String toString() {
        return closed ? "CudaBackend[closed]" : "CudaBackend[" + device.name() + "]";
    }
}
