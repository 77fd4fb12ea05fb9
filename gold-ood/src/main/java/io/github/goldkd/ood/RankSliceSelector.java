package io.github.goldkd.ood;

import io.github.goldkd.core.FeedbackSelector;

import java.util.Arrays;

/**
 * The {@code k} highest- or lowest-ranked probe samples (all of them when fewer than {@code k}), in
 * ascending rank order like the band rule.
 */
record RankSliceSelector(boolean top, int k) implements FeedbackSelector {

    RankSliceSelector {
        if (k < 0) {
            throw new IllegalArgumentException((top ? "top" : "bottom") + "-k count k must be >= 0, was " + k);
        }
    }

    @Override
    public int[] select(double[] scores, long seed) {
        int[] order = Ranking.ascending(scores, "probe sample");
        int n = Math.min(k, order.length);
        return top ? Arrays.copyOfRange(order, order.length - n, order.length) : Arrays.copyOf(order, n);
    }

    @Override
    public String name() {
        return (top ? "top" : "bottom") + "[k=" + k + "]";
    }

    @Override
    public String toString() {
        return name();
    }
}
