package io.github.goldkd.ood;

import io.github.goldkd.core.FeedbackSelector;
import io.github.goldkd.core.RankBandSelector;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeedbackSelectorsTest {

    private static final String[][] BANDS = {{"0.5", "0.8"}, {"0", "1"}, {"0.25", "0.75"}, {"0.1", "0.9"},
            {"0.3", "0.7"}, {"0.8", "1"}, {"0", "0.2"}, {"0.45", "0.55"}, {"0.33", "0.67"}};

    /** floor(q * n) in exact decimal arithmetic: the band rule as written, free of binary rounding. */
    private static int exactFloor(String q, int n) {
        return new BigDecimal(q).multiply(BigDecimal.valueOf(n)).setScale(0, RoundingMode.FLOOR).intValueExact();
    }

    private static double[] randomScoresWithTies(SplittableRandom r, int n) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = r.nextInt(5) - 2.0;   // many ties among 5 values
        }
        return s;
    }

    /** Reference ranking: ascending score, ties by ascending index, by selection sort. */
    private static int[] referenceOrder(double[] s) {
        int n = s.length;
        int[] order = new int[n];
        boolean[] taken = new boolean[n];
        for (int rank = 0; rank < n; rank++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (!taken[i] && (best < 0 || s[i] < s[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            order[rank] = best;
        }
        return order;
    }

    @Test
    void bandCountsForEveryProbeSizeFrom0To20MatchTheBandRule() {
        SplittableRandom r = new SplittableRandom(1);
        for (String[] band : BANDS) {
            double lo = Double.parseDouble(band[0]);
            double hi = Double.parseDouble(band[1]);
            FeedbackSelector selector = FeedbackSelectors.rankBand(lo, hi);
            FeedbackSelector control = FeedbackSelectors.randomBand(lo, hi);
            for (int n = 0; n <= 20; n++) {
                double[] scores = randomScoresWithTies(r, n);
                int from = exactFloor(band[0], n);
                int to = exactFloor(band[1], n);
                int[] chosen = selector.select(scores, 7);
                assertThat(chosen).as("band %s n=%d", Arrays.toString(band), n)
                        .containsExactly(Arrays.copyOfRange(referenceOrder(scores), from, to));
                assertThat(control.select(scores, n)).as("random control %s n=%d", Arrays.toString(band), n)
                        .hasSize(to - from);
            }
        }
    }

    @Test
    void referenceBandKeepsRanksFourAndFiveOfEight() {
        double[] scores = {0.8, 0.1, 0.7, 0.3, 0.5, 0.2, 0.6, 0.4};
        // ascending: 1(0.1) 5(0.2) 3(0.3) 7(0.4) 4(0.5) 6(0.6) 2(0.7) 0(0.8); ranks 4, 5 -> samples 4, 6
        assertThat(FeedbackSelectors.rankBand().select(scores, 0)).containsExactly(4, 6);
        assertThat(FeedbackSelectors.rankBand()).isEqualTo(RankBandSelector.reference());
        assertThat(FeedbackSelectors.rankBand(0.25, 0.5)).isEqualTo(new RankBandSelector(0.25, 0.5));
    }

    @Test
    void topAndBottomKForEveryProbeSize() {
        SplittableRandom r = new SplittableRandom(2);
        for (int k = 0; k <= 6; k++) {
            for (int n = 0; n <= 20; n++) {
                double[] scores = randomScoresWithTies(r, n);
                int[] order = referenceOrder(scores);
                int m = Math.min(k, n);
                assertThat(FeedbackSelectors.topK(k).select(scores, 0)).as("top k=%d n=%d", k, n)
                        .containsExactly(Arrays.copyOfRange(order, n - m, n));
                assertThat(FeedbackSelectors.bottomK(k).select(scores, 0)).as("bottom k=%d n=%d", k, n)
                        .containsExactly(Arrays.copyOf(order, m));
                assertThat(FeedbackSelectors.random(FeedbackSelectors.topK(k)).select(scores, 3)).hasSize(m);
            }
        }
    }

    @Test
    void tiesAreBrokenByBatchIndex() {
        double[] scores = {1, 1, 1, 1, 0, 2};
        // order: 4, 0, 1, 2, 3, 5
        assertThat(FeedbackSelectors.topK(3).select(scores, 0)).containsExactly(2, 3, 5);
        assertThat(FeedbackSelectors.bottomK(3).select(scores, 0)).containsExactly(4, 0, 1);
        assertThat(FeedbackSelectors.rankBand(0.5, 0.8).select(scores, 0)).containsExactly(2);
        // The same call twice gives the same answer; seeds do not matter for score-based selectors.
        assertThat(FeedbackSelectors.topK(3).select(scores, 99)).containsExactly(2, 3, 5);
    }

    @Test
    void randomControlIsDeterministicPerSeedAndUniform() {
        FeedbackSelector control = FeedbackSelectors.randomBand();
        double[] scores = new double[10];  // band [0.5, 0.8) of 10 = 3 samples; scores are ignored
        assertThat(control.select(scores, 42)).containsExactly(control.select(scores, 42));
        Set<String> distinct = new HashSet<>();
        int[] hits = new int[10];
        int draws = 20_000;
        for (long seed = 0; seed < draws; seed++) {
            int[] pick = control.select(scores, seed);
            assertThat(pick).hasSize(3).doesNotHaveDuplicates().isSorted();
            for (int i : pick) {
                hits[i]++;
            }
            distinct.add(Arrays.toString(pick));
        }
        // Every index is chosen with probability 3/10: expected 6,000, sd about 65.
        for (int h : hits) {
            assertThat(h).isBetween(6000 - 400, 6000 + 400);
        }
        // All C(10, 3) = 120 subsets occur.
        assertThat(distinct).hasSize(120);
    }

    @Test
    void randomControlIgnoresTheScores() {
        FeedbackSelector control = FeedbackSelectors.randomBand(0.5, 0.8);
        double[] a = {5, 4, 3, 2, 1, 0, -1, -2};
        double[] b = {0, 0, 0, 0, 0, 0, 0, 0};
        for (long seed = 0; seed < 50; seed++) {
            assertThat(control.select(a, seed)).containsExactly(control.select(b, seed));
        }
    }

    @Test
    void invalidSettingsAreRejectedWithClearMessages() {
        assertThatThrownBy(() -> FeedbackSelectors.rankBand(0.8, 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("upper bound").hasMessageContaining("0.5");
        assertThatThrownBy(() -> FeedbackSelectors.rankBand(-0.1, 0.5))
                .hasMessage("selection band lower bound must be in [0, 1), was -0.1");
        assertThatThrownBy(() -> FeedbackSelectors.rankBand(0.2, 1.5)).hasMessageContaining("was 1.5");
        assertThatThrownBy(() -> FeedbackSelectors.randomBand(0.5, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FeedbackSelectors.rankBand(Double.NaN, 0.5)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> FeedbackSelectors.topK(-1))
                .hasMessage("top-k count k must be >= 0, was -1");
        assertThatThrownBy(() -> FeedbackSelectors.bottomK(-2))
                .hasMessage("bottom-k count k must be >= 0, was -2");
        assertThatThrownBy(() -> FeedbackSelectors.random(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void nanScoresNameTheSample() {
        double[] scores = {0.1, Double.NaN, 0.3};
        for (FeedbackSelector s : List.of(FeedbackSelectors.topK(1), FeedbackSelectors.bottomK(1),
                FeedbackSelectors.rankBand(), FeedbackSelectors.randomBand())) {
            assertThatThrownBy(() -> s.select(scores, 0)).as(s.name())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("score of probe sample 1 is NaN");
        }
    }

    @Test
    void names() {
        assertThat(FeedbackSelectors.topK(2).name()).isEqualTo("top[k=2]");
        assertThat(FeedbackSelectors.bottomK(4).name()).isEqualTo("bottom[k=4]");
        assertThat(FeedbackSelectors.randomBand().name()).isEqualTo("random[size of band[0.5,0.8)]");
    }
}
