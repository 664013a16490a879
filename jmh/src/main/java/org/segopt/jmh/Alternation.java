package org.segopt.jmh;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.segopt.Marginal;

/** Which of a {@link Volume}'s two anatomies a "new volume" benchmark reads next: each in turn. */
@State(Scope.Thread)
public class Alternation {
    private boolean other;

    /** The volume not read by the previous call. */
    Marginal next(Volume v) {
        other = !other;
        return other ? v.other : v.marginal;
    }
}
