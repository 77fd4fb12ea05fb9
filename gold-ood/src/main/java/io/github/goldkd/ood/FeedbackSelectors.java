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

    /**
     * The band computed within each teacher label, so one class cannot fill the feedback (issue 17's
     * candidate 1); samples without a label form one group.
     *
     * @param lo in [0, 1)
     * @param hi in (lo, 1]
     */
    public static FeedbackSelector perClassBand(double lo, double hi) {
        return new PerClassBandSelector(new RankBandSelector(lo, hi));
    }

    /**
     * As many samples as the band keeps, chosen among ranks from {@code lo} up by farthest-point selection
     * in TF-IDF space (candidate 2): diverse unfamiliar probes rather than rank neighbours.
     *
     * @param lo in [0, 1)
     * @param hi in (lo, 1]
     */
    public static FeedbackSelector diverseBand(double lo, double hi) {
        return new DiverseBandSelector(new RankBandSelector(lo, hi));
    }

    /**
     * The probes the student gets wrong against the teacher's label or target (candidate 3), at most as
     * many as the band {@code [lo, hi)} keeps, nearest misses first.
     */
    public static FeedbackSelector misfit(double lo, double hi) {
        return new MisfitSelector(new RankBandSelector(lo, hi));
    }

    /**
     * As many samples as the band {@code [lo, hi)} keeps, drawn with a probability rising with the score's
     * rank (candidate 4).
     *
     * @param temperature finite, {@code > 0}: small approaches the top ranks, large uniform random
     */
    public static FeedbackSelector soft(double lo, double hi, double temperature) {
        return new SoftRankSelector(new RankBandSelector(lo, hi), temperature);
    }
}
