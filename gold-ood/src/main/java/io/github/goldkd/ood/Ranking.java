package io.github.goldkd.ood;

import java.util.Arrays;

/**
 * The one total order every selector and filter of this package uses: ascending by score
 * ({@link Double#compare}, so -0.0 before 0.0), equal scores by ascending batch index. It is the order of
 * gold-core's {@code RankBandSelector} (a stable ascending sort), so a top-k selection equals the last k
 * ranks of a band.
 */
final class Ranking {

    private Ranking() {
    }

    /** Batch indices sorted by (score, index); a NaN score is an error naming {@code what} and the index. */
    static int[] ascending(double[] scores, String what) {
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score of " + what + " " + i + " is NaN");
            }
        }
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Arrays.sort on objects is stable: equal scores keep ascending batch index.
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        int[] out = new int[order.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = order[i];
        }
        return out;
    }
}
