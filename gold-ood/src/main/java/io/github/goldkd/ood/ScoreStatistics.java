package io.github.goldkd.ood;

import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

import java.util.Arrays;

/**
 * Statistics of a score over sets of samples: quantiles and histograms (the distribution plots) and the
 * AUROC of a score for telling two sets apart (e.g. real test data from generated data).
 *
 * <p>NaN scores are rejected everywhere with a message naming the index; quantiles and histograms also
 * reject infinite scores, which have no place on an axis.
 */
public final class ScoreStatistics {

    private ScoreStatistics() {
    }

    /**
     * The {@code p}-quantile by linear interpolation between order statistics: with the scores sorted as
     * {@code x[0] <= ... <= x[n-1]} and {@code h = (n - 1) p}, it is
     * {@code x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])}. This is Hyndman and Fan's type 7,
     * the default of R and NumPy, and commons-math3's {@code Percentile} with {@code EstimationType.R_7};
     * p = 0 gives the minimum, p = 1 the maximum, p = 0.5 the usual median.
     *
     * @param scores at least one finite score
     * @param p      in [0, 1]
     */
    public static double quantile(double[] scores, double p) {
        return quantiles(scores, p)[0];
    }

    /** Several quantiles of the same scores (sorted once); see {@link #quantile(double[], double)}. */
    public static double[] quantiles(double[] scores, double... ps) {
        double[] sorted = sortedFinite(scores);
        if (sorted.length == 0) {
            throw new IllegalArgumentException("quantiles of an empty score set are undefined");
        }
        double[] out = new double[ps.length];
        for (int i = 0; i < ps.length; i++) {
            double p = ps[i];
            if (!(p >= 0.0 && p <= 1.0)) {
                throw new IllegalArgumentException("quantile probability p must be in [0, 1], was " + p);
            }
            double h = (sorted.length - 1) * p;
            int lo = (int) Math.floor(h);
            double frac = h - lo;
            out[i] = frac == 0.0 || lo + 1 >= sorted.length ? sorted[lo]
                    : sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
        }
        return out;
    }

    /**
     * A histogram over the scores' own range {@code [min, max]}; when all scores are equal, over
     * {@code [min - 0.5, min + 0.5]}.
     *
     * @param scores at least one finite score
     * @param bins   >= 1
     */
    public static Histogram histogram(double[] scores, int bins) {
        double[] sorted = sortedFinite(scores);
        if (sorted.length == 0) {
            throw new IllegalArgumentException(
                    "the range of an empty score set is undefined; give lo and hi to histogram(scores, bins, lo, hi)");
        }
        double min = sorted[0];
        double max = sorted[sorted.length - 1];
        return min == max ? histogram(scores, bins, min - 0.5, min + 0.5) : histogram(scores, bins, min, max);
    }

    /**
     * A histogram with {@code bins} equal bins over {@code [lo, hi]}; scores outside it are counted in
     * {@link Histogram#below()} and {@link Histogram#above()}. Fixed ranges make plots of several score
     * sets comparable.
     */
    public static Histogram histogram(double[] scores, int bins, double lo, double hi) {
        if (bins < 1) {
            throw new IllegalArgumentException("histogram bins must be >= 1, was " + bins);
        }
        if (!(Double.isFinite(lo) && Double.isFinite(hi) && lo < hi && Double.isFinite(hi - lo))) {
            throw new IllegalArgumentException(
                    "histogram range must be finite with lo < hi, was [" + lo + ", " + hi + "]");
        }
        requireFinite(scores);
        double width = hi - lo;
        double[] edges = new double[bins + 1];
        for (int i = 0; i < bins; i++) {
            edges[i] = lo + width * ((double) i / bins);
        }
        edges[bins] = hi;
        long[] counts = new long[bins];
        long below = 0;
        long above = 0;
        for (double v : scores) {
            if (v < lo) {
                below++;
            } else if (v > hi) {
                above++;
            } else {
                int b = Math.min(bins - 1, (int) ((v - lo) / width * bins));
                // The division can land one bin off near an edge; the edges array is the definition.
                while (b > 0 && v < edges[b]) {
                    b--;
                }
                while (b < bins - 1 && v >= edges[b + 1]) {
                    b++;
                }
                counts[b]++;
            }
        }
        return new Histogram(edges, counts, below, above);
    }

    /**
     * The area under the ROC curve of a score for telling {@code positives} (the set expected to score
     * higher) from {@code negatives}: {@code P(pos > neg) + P(pos = neg) / 2} over all pairs, i.e. the
     * Mann-Whitney {@code U / (n_pos * n_neg)} with ties counted half. Computed in O(n log n) from average
     * ranks of the pooled scores (commons-math3 {@code NaturalRanking}); exact for up to millions of
     * scores, since the rank sums are half-integers far below 2^53. Infinite scores are allowed; 0.5 means
     * the score does not separate the sets, 1 that every positive scores above every negative.
     *
     * @param positives at least one score, none NaN
     * @param negatives at least one score, none NaN
     */
    public static double auroc(double[] positives, double[] negatives) {
        if (positives.length == 0 || negatives.length == 0) {
            throw new IllegalArgumentException("auroc needs at least one score in each set, got "
                    + positives.length + " positives and " + negatives.length + " negatives");
        }
        double[] pooled = new double[positives.length + negatives.length];
        for (int i = 0; i < positives.length; i++) {
            pooled[i] = notNaN(positives[i], "positive", i);
        }
        for (int i = 0; i < negatives.length; i++) {
            pooled[positives.length + i] = notNaN(negatives[i], "negative", i);
        }
        double[] ranks = new NaturalRanking(NaNStrategy.FAILED, TiesStrategy.AVERAGE).rank(pooled);
        double rankSum = 0;
        for (int i = 0; i < positives.length; i++) {
            rankSum += ranks[i];
        }
        double np = positives.length;
        double u = rankSum - np * (np + 1) / 2.0;
        return u / (np * negatives.length);
    }

    private static double notNaN(double v, String set, int i) {
        if (Double.isNaN(v)) {
            throw new IllegalArgumentException("score of " + set + " " + i + " is NaN");
        }
        // -0.0 and 0.0 are equal scores, but the ranking's comparison would order them.
        return v + 0.0;
    }

    private static void requireFinite(double[] scores) {
        for (int i = 0; i < scores.length; i++) {
            if (!Double.isFinite(scores[i])) {
                throw new IllegalArgumentException("score " + i + " is not finite: " + scores[i]);
            }
        }
    }

    private static double[] sortedFinite(double[] scores) {
        requireFinite(scores);
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        return sorted;
    }
}
