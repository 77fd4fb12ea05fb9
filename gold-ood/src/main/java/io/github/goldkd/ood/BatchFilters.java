package io.github.goldkd.ood;

import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.OodScorer;

/**
 * Score-based filters for training mini-batches (GOLD's energy filtering, gold-method.md §5).
 *
 * <p>A filter scores the batch, ranks it by the same total order as the selectors (ascending score,
 * equal scores by ascending batch index) and drops {@code floor(fraction * n)} samples from one end,
 * but never more than {@code n - 1}: a non-empty batch always keeps at least one sample. Kept indices
 * are returned ascending. The reference scripts keep the high-energy half ({@link #reference()}); the
 * paper's wording suggests dropping the high-energy (noisy) samples instead ({@link #dropHighest}).
 */
public final class BatchFilters {

    private BatchFilters() {
    }

    /** Keeps every sample. */
    public static BatchFilter none() {
        return BatchFilter.NONE;
    }

    /**
     * The reference scripts' filter: drop the lowest-energy (most familiar) half, i.e.
     * {@code dropLowest(OodScores.energy(1.0), 0.5)}.
     */
    public static BatchFilter reference() {
        return dropLowest(OodScores.energy(1.0), 0.5);
    }

    /**
     * Drops the highest-scoring {@code fraction} of each batch (for energy: the least familiar samples,
     * likely label noise).
     *
     * @param fraction in [0, 1)
     */
    public static BatchFilter dropHighest(OodScorer scorer, double fraction) {
        return new ScoreBatchFilter(scorer, fraction, true);
    }

    /**
     * Drops the lowest-scoring {@code fraction} of each batch (for energy: the most familiar samples).
     *
     * @param fraction in [0, 1)
     */
    public static BatchFilter dropLowest(OodScorer scorer, double fraction) {
        return new ScoreBatchFilter(scorer, fraction, false);
    }
}
