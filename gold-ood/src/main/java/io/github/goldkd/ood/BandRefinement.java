package io.github.goldkd.ood;

import io.github.goldkd.core.FeedbackSelector;
import io.github.goldkd.core.RankBandSelector;

import java.util.Objects;

/**
 * A selection rule that refines a rank band with what the context knows (texts, labels, the student's
 * outputs) and falls back to the plain band when it has the scores alone. The fallback and the band's
 * rank positions live here once, so the refining rules differ only in how they use the context.
 */
interface BandRefinement extends FeedbackSelector {

    /** The band whose size (and, without a context, whose choice) the rule keeps. */
    RankBandSelector band();

    /** Without a context there is nothing to refine with: the plain band. */
    @Override
    default int[] select(double[] scores, long seed) {
        return band().select(scores, seed);
    }

    /** The band, checked for null; for the compact constructors of the records implementing this. */
    static RankBandSelector required(RankBandSelector band) {
        return Objects.requireNonNull(band, "band");
    }
}
