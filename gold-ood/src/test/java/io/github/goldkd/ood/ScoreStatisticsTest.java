package io.github.goldkd.ood;

import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ScoreStatisticsTest {

    /** P(pos > neg) + P(pos = neg) / 2 by counting all pairs. */
    private static double bruteForceAuroc(double[] pos, double[] neg) {
        double wins = 0;
        for (double p : pos) {
            for (double n : neg) {
                if (p > n) {
                    wins += 1;
                } else if (p == n) {
                    wins += 0.5;
                }
            }
        }
        return wins / ((double) pos.length * neg.length);
    }

    @Test
    void aurocEqualsTheBruteForcePairCountOnRandomInputsWithTies() {
        SplittableRandom r = new SplittableRandom(21);
        for (int trial = 0; trial < 300; trial++) {
            int np = 1 + r.nextInt(60);
            int nn = 1 + r.nextInt(60);
            int levels = 1 + r.nextInt(8);          // few distinct values: many ties, across and within sets
            double shift = r.nextDouble(-1, 1);
            double[] pos = new double[np];
            double[] neg = new double[nn];
            for (int i = 0; i < np; i++) {
                pos[i] = r.nextInt(levels) + (r.nextInt(4) == 0 ? shift : 0);
            }
            for (int i = 0; i < nn; i++) {
                neg[i] = r.nextInt(levels);
            }
            assertThat(ScoreStatistics.auroc(pos, neg)).as("trial %d", trial)
                    .isCloseTo(bruteForceAuroc(pos, neg), within(1e-12));
        }
    }

    @Test
    void aurocOnContinuousScoresAndHandValues() {
        SplittableRandom r = new SplittableRandom(22);
        double[] pos = new double[500];
        double[] neg = new double[700];
        for (int i = 0; i < pos.length; i++) {
            pos[i] = r.nextDouble() + 0.3;
        }
        for (int i = 0; i < neg.length; i++) {
            neg[i] = r.nextDouble();
        }
        assertThat(ScoreStatistics.auroc(pos, neg)).isCloseTo(bruteForceAuroc(pos, neg), within(1e-12));

        assertThat(ScoreStatistics.auroc(new double[] {3, 4}, new double[] {1, 2})).isEqualTo(1.0);
        assertThat(ScoreStatistics.auroc(new double[] {1, 2}, new double[] {3, 4})).isEqualTo(0.0);
        assertThat(ScoreStatistics.auroc(new double[] {5, 5}, new double[] {5, 5, 5})).isEqualTo(0.5);
        // pairs (2,1) win, (2,2) tie, (2,3) lose, (3,1) win, (3,2) win, (3,3) tie -> (3 + 1) / 6
        assertThat(ScoreStatistics.auroc(new double[] {2, 3}, new double[] {1, 2, 3})).isCloseTo(4.0 / 6, within(1e-15));
        // Infinite scores are ordered; -0.0 ties with 0.0.
        assertThat(ScoreStatistics.auroc(new double[] {Double.POSITIVE_INFINITY, 0.0},
                new double[] {-0.0, Double.NEGATIVE_INFINITY})).isCloseTo(bruteForceAuroc(
                new double[] {Double.POSITIVE_INFINITY, 0.0}, new double[] {-0.0, Double.NEGATIVE_INFINITY}),
                within(1e-15));
        assertThat(ScoreStatistics.auroc(new double[] {0.0}, new double[] {-0.0})).isEqualTo(0.5);
    }

    @Test
    void aurocRejectsEmptySetsAndNaN() {
        assertThatThrownBy(() -> ScoreStatistics.auroc(new double[0], new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("auroc needs at least one score in each set, got 0 positives and 1 negatives");
        assertThatThrownBy(() -> ScoreStatistics.auroc(new double[] {1}, new double[] {2, Double.NaN}))
                .hasMessage("score of negative 1 is NaN");
    }

    @Test
    void quantilesInterpolateLinearlyBetweenOrderStatistics() {
        double[] x = {4, 1, 3, 2};   // sorted 1 2 3 4, h = 3p
        assertThat(ScoreStatistics.quantile(x, 0)).isEqualTo(1.0);
        assertThat(ScoreStatistics.quantile(x, 1)).isEqualTo(4.0);
        assertThat(ScoreStatistics.quantile(x, 0.5)).isEqualTo(2.5);
        assertThat(ScoreStatistics.quantile(x, 0.25)).isEqualTo(1.75);
        assertThat(ScoreStatistics.quantile(x, 0.9)).isCloseTo(3.7, within(1e-15));
        assertThat(ScoreStatistics.quantiles(new double[] {7}, 0, 0.3, 1)).containsExactly(7, 7, 7);
        assertThat(x).containsExactly(4, 1, 3, 2);  // input untouched
    }

    @Test
    void quantilesAgreeWithCommonsMathR7() {
        SplittableRandom r = new SplittableRandom(23);
        Percentile r7 = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        for (int trial = 0; trial < 100; trial++) {
            int n = 1 + r.nextInt(50);
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = trial % 2 == 0 ? r.nextGaussian() : r.nextInt(4);
            }
            double[] ps = {0.01, 0.1, 0.25, 0.5, 0.75, 0.8, 0.99, 1.0, r.nextDouble()};
            double[] q = ScoreStatistics.quantiles(x, ps);
            for (int i = 0; i < ps.length; i++) {
                assertThat(q[i]).as("n=%d p=%s", n, ps[i]).isCloseTo(r7.evaluate(x, 100 * ps[i]), within(1e-12));
            }
        }
    }

    @Test
    void quantileArgumentsAreValidated() {
        assertThatThrownBy(() -> ScoreStatistics.quantile(new double[] {1}, 1.5))
                .hasMessage("quantile probability p must be in [0, 1], was 1.5");
        assertThatThrownBy(() -> ScoreStatistics.quantile(new double[0], 0.5))
                .hasMessage("quantiles of an empty score set are undefined");
        assertThatThrownBy(() -> ScoreStatistics.quantile(new double[] {1, Double.NaN}, 0.5))
                .hasMessage("score 1 is not finite: NaN");
    }

    @Test
    void histogramOverTheScoresOwnRange() {
        Histogram h = ScoreStatistics.histogram(new double[] {0, 1, 2, 3, 4, 4, 10}, 5);
        assertThat(h.edges()).containsExactly(0, 2, 4, 6, 8, 10);
        // [0,2): 0 1; [2,4): 2 3; [4,6): 4 4; [6,8): -; [8,10]: 10 (the last bin includes its upper edge)
        assertThat(h.counts()).containsExactly(2, 2, 2, 0, 1);
        assertThat(h.below()).isZero();
        assertThat(h.above()).isZero();
        assertThat(h.inRange()).isEqualTo(7);
        assertThat(h.bins()).isEqualTo(5);
        assertThat(h.lo()).isEqualTo(0.0);
        assertThat(h.hi()).isEqualTo(10.0);
    }

    @Test
    void histogramOverAGivenRangeCountsWhatFallsOutside() {
        Histogram h = ScoreStatistics.histogram(new double[] {-5, 0, 0.1, 0.3, 0.7, 1.0, 1.0001, 3}, 10, 0, 1);
        assertThat(h.below()).isEqualTo(1);
        assertThat(h.above()).isEqualTo(2);
        long[] counts = h.counts();
        assertThat(counts[0]).isEqualTo(1);   // 0
        assertThat(counts[1]).isEqualTo(1);   // 0.1 sits on the edge 0.1 and belongs to [0.1, 0.2)
        assertThat(counts[3]).isEqualTo(1);   // 0.3
        assertThat(counts[7]).isEqualTo(1);   // 0.7
        assertThat(counts[9]).isEqualTo(1);   // 1.0, the upper edge
        assertThat(h.inRange() + h.below() + h.above()).isEqualTo(8);
    }

    @Test
    void everyValueLandsInTheBinItsEdgesSay() {
        SplittableRandom r = new SplittableRandom(24);
        for (int trial = 0; trial < 50; trial++) {
            int bins = 1 + r.nextInt(30);
            double lo = r.nextDouble(-10, 0);
            double hi = lo + r.nextDouble(0.001, 20);
            double[] x = new double[200];
            for (int i = 0; i < x.length; i++) {
                // Half the values exactly on edges, where division-based binning goes wrong.
                x[i] = i % 2 == 0 ? lo + (hi - lo) * ((double) r.nextInt(bins + 1) / bins) : r.nextDouble(lo - 1, hi + 1);
            }
            Histogram h = ScoreStatistics.histogram(x, bins, lo, hi);
            double[] edges = h.edges();
            long[] expected = new long[bins];
            long below = 0;
            long above = 0;
            for (double v : x) {
                if (v < lo) {
                    below++;
                } else if (v > hi) {
                    above++;
                } else {
                    int b = bins - 1;
                    while (b > 0 && v < edges[b]) {
                        b--;
                    }
                    expected[b]++;
                }
            }
            assertThat(h.counts()).containsExactly(expected);
            assertThat(h.below()).isEqualTo(below);
            assertThat(h.above()).isEqualTo(above);
        }
    }

    @Test
    void histogramEdgeCasesAndValidation() {
        Histogram constant = ScoreStatistics.histogram(new double[] {2, 2, 2}, 2);
        assertThat(constant.edges()).containsExactly(1.5, 2.0, 2.5);
        assertThat(constant.counts()).containsExactly(0, 3);
        assertThat(ScoreStatistics.histogram(new double[0], 3, 0, 1).counts()).containsExactly(0, 0, 0);
        assertThatThrownBy(() -> ScoreStatistics.histogram(new double[0], 3))
                .hasMessageStartingWith("the range of an empty score set is undefined");
        assertThatThrownBy(() -> ScoreStatistics.histogram(new double[] {1}, 0))
                .hasMessage("histogram bins must be >= 1, was 0");
        assertThatThrownBy(() -> ScoreStatistics.histogram(new double[] {1}, 2, 1, 1))
                .hasMessage("histogram range must be finite with lo < hi, was [1.0, 1.0]");
        assertThatThrownBy(() -> ScoreStatistics.histogram(new double[] {1, Double.POSITIVE_INFINITY}, 2))
                .hasMessage("score 1 is not finite: Infinity");
        // The record is a value: copies in and out.
        double[] edges = {0, 1};
        Histogram h = new Histogram(edges, new long[] {4}, 0, 0);
        edges[0] = 9;
        h.edges()[1] = 7;
        assertThat(h.edges()).containsExactly(0, 1);
        assertThat(h).isEqualTo(new Histogram(new double[] {0, 1}, new long[] {4}, 0, 0));
    }
}
