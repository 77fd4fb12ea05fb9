package io.github.goldkd.ood;

import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.OodScorer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchFiltersTest {

    /** Eight two-class samples whose energies are ordered by the first logit: higher z -> lower energy. */
    private static List<Logits> batchOfEight() {
        float[] first = {3f, 0f, 5f, 1f, 7f, 2f, 6f, 4f};
        List<Logits> batch = new ArrayList<>();
        for (float z : first) {
            batch.add(Logits.ofClasses(new float[] {z, 0f}, 0));
        }
        return batch;
    }

    @Test
    void referenceKeepsTheHighEnergyHalf() {
        // energy ascending = z descending: 4(7) 6(6) 2(5) 7(4) | 0(3) 5(2) 3(1) 1(0)
        assertThat(BatchFilters.reference().keep(batchOfEight())).containsExactly(0, 1, 3, 5);
        assertThat(BatchFilters.dropLowest(OodScores.energy(), 0.5).keep(batchOfEight()))
                .containsExactly(0, 1, 3, 5);
    }

    @Test
    void dropHighestKeepsTheFamiliarSamples() {
        assertThat(BatchFilters.dropHighest(OodScores.energy(), 0.5).keep(batchOfEight()))
                .containsExactly(2, 4, 6, 7);
        assertThat(BatchFilters.dropHighest(OodScores.energy(), 0.25).keep(batchOfEight()))
                .containsExactly(0, 2, 4, 5, 6, 7);
    }

    @Test
    void keptCountIsNMinusFloorFractionTimesNButNeverZero() {
        SplittableRandom r = new SplittableRandom(5);
        OodScorer energy = OodScores.energy();
        for (double fraction : new double[] {0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99}) {
            for (int n = 0; n <= 20; n++) {
                List<Logits> batch = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    batch.add(Logits.ofClasses(new float[] {r.nextInt(3), 0f}, 0));  // many ties
                }
                int dropped = n == 0 ? 0 : Math.min((int) Math.floor(fraction * n), n - 1);
                for (BatchFilter f : List.of(BatchFilters.dropHighest(energy, fraction),
                        BatchFilters.dropLowest(energy, fraction))) {
                    int[] kept = f.keep(batch);
                    assertThat(kept).as("%s n=%d", f.name(), n).hasSize(n - dropped).isSorted()
                            .doesNotHaveDuplicates();
                    if (n > 0) {
                        assertThat(kept).isNotEmpty();
                    }
                    // Every kept score is on the right side of every dropped score.
                    double[] e = energy.score(batch);
                    boolean[] isKept = new boolean[n];
                    for (int i : kept) {
                        isKept[i] = true;
                    }
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < n; j++) {
                            if (isKept[i] && !isKept[j]) {
                                if (f.name().startsWith("drop-highest")) {
                                    assertThat(e[i]).isLessThanOrEqualTo(e[j]);
                                } else {
                                    assertThat(e[i]).isGreaterThanOrEqualTo(e[j]);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aSingleSampleIsAlwaysKept() {
        List<Logits> one = List.of(Logits.ofClasses(1f, 0f));
        assertThat(BatchFilters.dropHighest(OodScores.energy(), 0.99).keep(one)).containsExactly(0);
        assertThat(BatchFilters.dropLowest(OodScores.entropy(), 0.5).keep(one)).containsExactly(0);
        assertThat(BatchFilters.reference().keep(List.of())).isEmpty();
    }

    @Test
    void tiesAreBrokenByBatchIndex() {
        List<Logits> same = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            same.add(Logits.ofClasses(0f, 0f));
        }
        // Equal scores rank by index: dropping the lowest half drops 0 and 1; the highest half 2 and 3.
        assertThat(BatchFilters.dropLowest(OodScores.energy(), 0.5).keep(same)).containsExactly(2, 3);
        assertThat(BatchFilters.dropHighest(OodScores.energy(), 0.5).keep(same)).containsExactly(0, 1);
    }

    @Test
    void otherScoresAndSequencesWork() {
        List<Logits> batch = List.of(
                Logits.ofSequence(new float[][] {{5f, 0f}, {0f, 0f}}, new boolean[] {true, false}, new int[] {0, 0}),
                Logits.ofSequence(new float[][] {{0f, 0f}, {5f, 0f}}, new boolean[] {true, true}, new int[] {1, 1}));
        // NLL: sample 0 is confident and right, sample 1 is unsure or wrong -> dropping the highest keeps 0.
        assertThat(BatchFilters.dropHighest(OodScores.negativeLogLikelihood(), 0.5).keep(batch)).containsExactly(0);
        assertThat(BatchFilters.dropLowest(OodScores.negativeLogLikelihood(), 0.5).keep(batch)).containsExactly(1);
    }

    @Test
    void fractionIsValidated() {
        for (double bad : new double[] {-0.1, 1.0, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> BatchFilters.dropHighest(OodScores.energy(), bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("batch filter fraction must be in [0, 1), was " + bad);
        }
        assertThatThrownBy(() -> BatchFilters.dropLowest(null, 0.5)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void scoreErrorsPropagateWithTheSampleIndex() {
        List<Logits> batch = Arrays.asList(Logits.ofClasses(0f, 1f), Logits.ofClasses(Float.NaN, 1f));
        assertThatThrownBy(() -> BatchFilters.reference().keep(batch))
                .isInstanceOf(OodScoreException.class).hasMessageContaining("sample 1");
    }

    @Test
    void namesAndNone() {
        assertThat(BatchFilters.reference().name()).isEqualTo("drop-lowest(energy(T=1.0),0.5)");
        assertThat(BatchFilters.dropHighest(OodScores.entropy(), 0.25).name()).isEqualTo("drop-highest(entropy,0.25)");
        assertThat(BatchFilters.none().keep(batchOfEight())).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    }
}
