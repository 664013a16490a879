package org.segopt.pool;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.segopt.Analysis;
import org.segopt.Encoding;
import org.segopt.Marginal;
import org.segopt.engine.PartCounts;
import org.segopt.engine.PartExecutor;
import org.segopt.engine.PartPass;
import org.segopt.engine.PooledPasses;
import org.segopt.io.InputException;
import org.segopt.io.ReadLimits;
import org.segopt.report.CaseSpec;
import org.segopt.report.Jobs;

/**
 * The pooled analysis of the cases of one ROI: every voxel of every usable case in one marginal.
 * Rater masks pool as votes over the least common multiple L of the cases' rater counts (a case of
 * R raters counts v votes as v · L / R), so that m = v / R of every case is kept exactly; float
 * maps pool as float32, or float64 when any case is float64. The result equals the analysis of
 * the cases' volumes concatenated in that encoding. Cases that cannot be used are left out and
 * listed, as in {@code report}.
 */
public final class Pool {
    private Pool() {
    }

    /**
     * A pooled analysis.
     *
     * @param analysis the exact analysis of the union
     * @param union    what the union is: encoding, R (votes), n (its data is not readable)
     * @param cases    the usable cases, in dataset order
     * @param errors   one line per case left out ("roi/case: message")
     */
    public record Result(Analysis analysis, Marginal union, List<PoolCase> cases, List<String> errors) {
    }

    /**
     * Surveys the cases ({@code jobs} at a time), then analyses the usable ones in this process.
     *
     * @throws PoolException if no case is usable or the usable ones cannot be pooled exactly
     */
    public static Result run(List<CaseSpec> cases, ReadLimits limits, int jobs) throws PoolException, IOException {
        ExecutorService threads = Executors.newFixedThreadPool(Math.max(1, jobs), r -> {
            Thread t = new Thread(r, "segopt-pool");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<PoolCase>> surveys = new ArrayList<>();
            for (CaseSpec c : cases) {
                surveys.add(threads.submit(() -> PoolCase.survey(c, limits)));
            }
            List<PoolCase> surveyed = new ArrayList<>();
            for (Future<PoolCase> f : surveys) {
                surveyed.add(Jobs.await(f));
            }
            List<CaseSpec> usable = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                if (surveyed.get(i).error() == null) {
                    usable.add(cases.get(i));
                }
            }
            return analyze(surveyed, new Threads(usable, encoding(usable(surveyed)), limits, threads, jobs));
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * The pooled analysis of the usable cases among {@code surveyed}, whose passes
     * {@code executor} runs over those cases (in the encoding {@link #encoding} names).
     *
     * @throws PoolException if no case is usable or the usable ones cannot be pooled exactly
     */
    public static Result analyze(List<PoolCase> surveyed, PartExecutor executor) throws PoolException {
        List<PoolCase> usable = usable(surveyed);
        List<String> errors = surveyed.stream().filter(c -> c.error() != null).map(c -> c.label() + ": " + c.error()).toList();
        if (usable.isEmpty()) {
            throw new PoolException("no usable case" + (errors.isEmpty() ? "" : " (" + errors.size() + " left out, e.g. "
                    + errors.getFirst() + ")"));
        }
        Encoding encoding = encoding(usable);
        int raters = encoding == Encoding.VOTES ? raters(usable) : 0;
        long voxels = 0;
        for (PoolCase c : usable) {
            voxels = Math.addExact(voxels, c.voxels());
        }
        Analysis a = PooledPasses.analyze(encoding == Encoding.VOTES ? checkedVotes(usable, raters) : executor,
                encoding, raters, voxels);
        return new Result(a, PooledPasses.union(encoding, raters, voxels), usable, errors);
    }

    /**
     * The vote pass of the pooled masks from the histograms the check counted (each case's votes
     * of R counted at v · L / R): a pooled vote marginal needs no other pass, and no case is read again.
     */
    private static PartExecutor checkedVotes(List<PoolCase> usable, int raters) {
        PartCounts total = PartCounts.EMPTY;
        for (PoolCase c : usable) {
            total = total.merge(c.votes().scaled(raters / c.raters()));
        }
        PartCounts votes = total;
        return new PartExecutor() {
            @Override
            public PartCounts run(PartPass pass) {
                if (!pass.equals(PartPass.votes(raters))) {
                    throw new IllegalStateException("a pooled vote marginal needs the vote pass only, not " + pass);
                }
                return votes;
            }

            @Override
            public int parallelism() {
                return 1;
            }
        };
    }

    private static List<PoolCase> usable(List<PoolCase> surveyed) {
        return surveyed.stream().filter(c -> c.error() == null).toList();
    }

    /**
     * The encoding the usable cases pool in: VOTES, FLOAT32 or FLOAT64.
     *
     * @throws PoolException if rater masks are mixed with probability maps (m = v / R is no float)
     */
    public static Encoding encoding(List<PoolCase> usable) throws PoolException {
        boolean votes = usable.stream().anyMatch(c -> c.encoding() == Encoding.VOTES);
        boolean floats = usable.stream().anyMatch(c -> c.encoding() != Encoding.VOTES);
        if (votes && floats) {
            PoolCase mask = usable.stream().filter(c -> c.encoding() == Encoding.VOTES).findFirst().orElseThrow();
            PoolCase map = usable.stream().filter(c -> c.encoding() != Encoding.VOTES).findFirst().orElseThrow();
            throw new PoolException("cannot pool rater masks (" + mask.label() + ") with probability maps ("
                    + map.label() + "): m = votes / R is not a float");
        }
        if (votes) {
            return Encoding.VOTES;
        }
        return usable.stream().anyMatch(c -> c.encoding() == Encoding.FLOAT64) ? Encoding.FLOAT64 : Encoding.FLOAT32;
    }

    /** The least common multiple of the cases' rater counts. */
    private static int raters(List<PoolCase> usable) throws PoolException {
        BigInteger lcm = BigInteger.ONE;
        for (PoolCase c : usable) {
            BigInteger r = BigInteger.valueOf(c.raters());
            lcm = lcm.divide(lcm.gcd(r)).multiply(r);
        }
        if (lcm.compareTo(BigInteger.valueOf(Marginal.MAX_RATERS)) > 0) {
            throw new PoolException("the cases' rater counts " + usable.stream().map(PoolCase::raters).distinct().sorted().toList()
                    + " have the common denominator " + lcm + ", above the " + Marginal.MAX_RATERS + " a vote marginal holds");
        }
        return lcm.intValueExact();
    }

    /** Runs each pass over the usable cases on a pool of threads, each case read where it runs. */
    private record Threads(List<CaseSpec> cases, Encoding encoding, ReadLimits limits, ExecutorService threads,
                           int parallelism) implements PartExecutor {
        @Override
        public PartCounts run(PartPass pass) {
            List<Future<PartCounts>> parts = new ArrayList<>();
            for (CaseSpec c : cases) {
                parts.add(threads.submit(() -> pass(pass, c, encoding, limits)));
            }
            PartCounts total = PartCounts.EMPTY;
            try {
                for (Future<PartCounts> f : parts) {
                    total = total.merge(Jobs.await(f));
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return total;
        }
    }

    /**
     * One pass over one usable case: reads it (in the pooled encoding) and runs {@code pass}.
     *
     * @throws IllegalStateException if the case can no longer be read as the survey read it
     */
    public static PartCounts pass(PartPass pass, CaseSpec c, Encoding pooled, ReadLimits limits) {
        try (Arena arena = Arena.ofConfined()) {
            return pass.run(load(c, pooled, limits, arena));
        } catch (InputException | org.segopt.InvalidMarginalException e) {
            throw new IllegalStateException(c.label() + " changed after it was checked: " + e.getMessage(), e);
        }
    }

    private static Marginal load(CaseSpec c, Encoding pooled, ReadLimits limits, Arena arena) throws InputException {
        return PoolCase.load(c, pooled == Encoding.VOTES ? null : pooled, limits, arena);
    }
}
