package io.github.goldkd.ood;

import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.OodScorer;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Drops the highest- or lowest-ranked fraction of a mini-batch by a score; see {@link BatchFilters}. */
record ScoreBatchFilter(OodScorer scorer, double fraction, boolean dropHighest) implements BatchFilter {

    ScoreBatchFilter {
        Objects.requireNonNull(scorer, "scorer");
        if (!(fraction >= 0.0 && fraction < 1.0)) {
            throw new IllegalArgumentException("batch filter fraction must be in [0, 1), was " + fraction);
        }
    }

    /** How many of {@code n} samples are dropped: {@code floor(fraction * n)}, but at most {@code n - 1}. */
    int dropped(int n) {
        return n == 0 ? 0 : Math.min((int) Math.floor(fraction * n), n - 1);
    }

    @Override
    public int[] keep(List<Logits> batch) {
        double[] scores = scorer.score(batch);
        int[] order = Ranking.ascending(scores, "batch sample");
        int d = dropped(order.length);
        int[] kept = dropHighest ? Arrays.copyOf(order, order.length - d)
                : Arrays.copyOfRange(order, d, order.length);
        Arrays.sort(kept);
        return kept;
    }

    @Override
    public String name() {
        return (dropHighest ? "drop-highest(" : "drop-lowest(") + scorer.name() + "," + fraction + ")";
    }

    @Override
    public String toString() {
        return name();
    }
}
