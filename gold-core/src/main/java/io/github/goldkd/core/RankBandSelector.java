package io.github.goldkd.core;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The reference GOLD rule: sort the probe batch by score, ascending, and keep the ranks
 * {@code floor(lo * n) <= k < floor(hi * n)} of the {@code n} samples actually scored. With the default
 * band [0.5, 0.8) and n = 8 it keeps ranks 4 and 5: unfamiliar to the student, but not the most
 * extreme (often noise).
 *
 * <p>Equal scores keep their batch order (the sort is stable), so the choice is deterministic. The band
 * is computed on the actual count, so an under-filled probe batch gets a proportionally smaller
 * selection and an empty one selects nothing.
 *
 * @param lo lower quantile, in [0, 1)
 * @param hi upper quantile, in (lo, 1]
 */
public record RankBandSelector(double lo, double hi) implements FeedbackSelector {

    public RankBandSelector {
        Check.inRangeBelowMax("selection band lower bound", lo, 0.0, 1.0);
        Check.inRangeAboveMin("selection band upper bound", hi, lo, 1.0);
    }

    /** The reference band [0.5, 0.8). */
    public static RankBandSelector reference() {
        return new RankBandSelector(0.5, 0.8);
    }

    /** The ranks {@code [from, to)} this band keeps out of {@code n} samples. */
    public int[] rankRange(int n) {
        return new int[] {floor(lo * n), floor(hi * n)};
    }

    /**
     * floor(q * n) as exact decimal arithmetic would give it: in binary floating point 0.29 * 100 is
     * 28.999999999999996, whose floor would be one short.
     */
    private static int floor(double qn) {
        return (int) Math.floor(qn + 1e-9);
    }

    @Override
    public int[] select(double[] scores, long seed) {
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score of probe sample " + i + " is NaN");
            }
        }
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        int[] range = rankRange(scores.length);
        int[] out = new int[range[1] - range[0]];
        for (int k = range[0]; k < range[1]; k++) {
            out[k - range[0]] = order[k];
        }
        return out;
    }

    @Override
    public String name() {
        return "band[" + lo + "," + hi + ")";
    }
}
