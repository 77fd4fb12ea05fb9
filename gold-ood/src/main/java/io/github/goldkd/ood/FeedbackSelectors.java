package io.github.goldkd.ood;

import io.github.goldkd.core.FeedbackSelector;
import io.github.goldkd.core.RankBandSelector;

/**
 * Feedback selectors: which scored probe samples go back into the teacher's prompt.
 *
 * <p>All score-based selectors rank the probe batch by one total order: ascending score, equal scores by
 * ascending batch index (a stable sort, as in gold-core's {@link RankBandSelector}). They return the
 * chosen batch indices in that rank order. A NaN score is rejected with a message naming the sample.
 * Counts are always computed on the number of samples actually scored, so an under-filled or empty
 * probe batch is handled without special cases.
 */
public final class FeedbackSelectors {

    private FeedbackSelectors() {
    }

    /** The GOLD reference band [0.5, 0.8). */
    public static FeedbackSelector rankBand() {
        return RankBandSelector.reference();
    }

    /**
     * Ranks {@code floor(lo * n) <= k < floor(hi * n)} of the {@code n} probe samples: gold-core's
     * {@link RankBandSelector}.
     *
     * @param lo in [0, 1)
     * @param hi in (lo, 1]
     */
    public static FeedbackSelector rankBand(double lo, double hi) {
        return new RankBandSelector(lo, hi);
    }

    /** The {@code k} highest-scoring samples (all when fewer), lowest of them first; {@code k >= 0}. */
    public static FeedbackSelector topK(int k) {
        return new RankSliceSelector(true, k);
    }

    /** The {@code k} lowest-scoring samples (all when fewer), lowest first; {@code k >= 0}. */
    public static FeedbackSelector bottomK(int k) {
        return new RankSliceSelector(false, k);
    }

    /**
     * As many samples as {@code sizeOf} chooses for the same scores, drawn uniformly at random from the
     * seed (the same seed gives the same choice), returned in ascending batch index.
     */
    public static FeedbackSelector random(FeedbackSelector sizeOf) {
        return new RandomSelector(sizeOf);
    }

    /** The random control of {@link #rankBand(double, double)}: the same count, uniformly at random. */
    public static FeedbackSelector randomBand(double lo, double hi) {
        return random(rankBand(lo, hi));
    }

    /** The random control of the reference band [0.5, 0.8). */
    public static FeedbackSelector randomBand() {
        return random(rankBand());
    }
}
