package org.segopt.engine;

import org.segopt.BitMask;
import org.segopt.Marginal;

/**
 * A pass backend that hands every pass to another, except the float16 pattern pass, whose
 * interface default (nothing lumped) it keeps: tests override the passes they watch or break.
 */
class DelegatingBackend implements PassBackend {
    final PassBackend inner;

    DelegatingBackend(PassBackend inner) {
        this.inner = inner;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public int threads() {
        return inner.threads();
    }

    @Override
    public long countVotes(Marginal m, long[] hist) {
        return inner.countVotes(m, hist);
    }

    @Override
    public long countFloats(Marginal m, FloatHistogram top, Refinement guesses) {
        return inner.countFloats(m, top, guesses);
    }

    @Override
    public boolean refinesWhileCounting() {
        return inner.refinesWhileCounting();
    }

    @Override
    public void refineFloats(Marginal m, Refinement r, BlockRanges ranges) {
        inner.refineFloats(m, r, ranges);
    }

    @Override
    public boolean summarizes() {
        return inner.summarizes();
    }

    @Override
    public long summarize(Marginal m, LevelSummary summary) {
        return inner.summarize(m, summary);
    }

    @Override
    public long firstKeyAbove(Marginal m, long key) {
        return inner.firstKeyAbove(m, key);
    }

    @Override
    public void select(Marginal m, long level, long quota, BitMask out) {
        inner.select(m, level, quota, out);
    }

    @Override
    public long readPass(Marginal m) {
        return inner.readPass(m);
    }
}
