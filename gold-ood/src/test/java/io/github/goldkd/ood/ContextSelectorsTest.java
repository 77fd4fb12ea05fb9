package io.github.goldkd.ood;

import io.github.goldkd.core.FeedbackSelector;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.SelectionContext;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The selectors that read more than the scores: what each picks on a constructed batch, and edge cases. */
class ContextSelectorsTest {

    private static final Task TASK = Task.classification("sentiment", "Classify the sentiment.",
            List.of(new Label("neg", "negative"), new Label("pos", "positive")), List.of());

    private static Sample sample(int i, String text, String label) {
        return Sample.of("p" + i, Map.of("text", text), label, Origin.PROBE);
    }

    private static SelectionContext context(double[] scores, String[] labels, String[] texts, Logits[] logits,
                                            long seed) {
        List<Sample> probe = new ArrayList<>();
        List<Logits> z = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            probe.add(sample(i, texts == null ? "text number " + i : texts[i], labels[i]));
            z.add(logits == null ? Logits.ofClasses(0f, 0f) : logits[i]);
        }
        return new SelectionContext(probe, scores, z, TASK, seed);
    }

    private static SelectionContext plain(int n, long seed) {
        double[] scores = new double[n];
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
            scores[i] = (i * 7) % 11;
            labels[i] = i % 2 == 0 ? "neg" : "pos";
        }
        return context(scores, labels, null, null, seed);
    }

    private static List<FeedbackSelector> all() {
        return List.of(FeedbackSelectors.perClassBand(0.5, 0.8), FeedbackSelectors.diverseBand(0.5, 0.8),
                FeedbackSelectors.misfit(0.5, 0.8), FeedbackSelectors.soft(0.5, 0.8, 0.25));
    }

    @Test
    void perClassBandTakesTheBandOfEachLabelWhereTheGlobalBandTakesOneClass() {
        // "pos" samples 0-3 score high, "neg" samples 4-7 low: the global band (ranks 4, 5 of 8) is all "pos".
        double[] scores = {5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0};
        String[] labels = {"pos", "pos", "pos", "pos", "neg", "neg", "neg", "neg"};
        SelectionContext c = context(scores, labels, null, null, 1);
        assertThat(FeedbackSelectors.rankBand().select(c)).containsExactly(0, 1);
        // Within 4 samples the band keeps rank 2: "neg" 6 (score 3.0) and "pos" 2 (score 7.0), in rank order.
        assertThat(FeedbackSelectors.perClassBand(0.5, 0.8).select(c)).containsExactly(6, 2);
    }

    @Test
    void perClassBandOfUnlabelledSamplesIsThePlainBand() {
        double[] scores = {0.8, 0.1, 0.7, 0.3, 0.5, 0.2, 0.6, 0.4};
        SelectionContext c = context(scores, new String[8], null, null, 3);
        assertThat(FeedbackSelectors.perClassBand(0.5, 0.8).select(c)).containsExactly(4, 6);
        assertThat(FeedbackSelectors.perClassBand(0.5, 0.8).select(scores, 3)).containsExactly(4, 6);
    }

    @Test
    void diverseBandSkipsANearDuplicateOfItsFirstPick() {
        // ranks: sample i has rank i. Unfamiliar half = samples 4..7; the band keeps ranks 4 and 5.
        double[] scores = {0, 1, 2, 3, 4, 5, 6, 7};
        String[] texts = {"a", "b", "c", "d",
                "the pasta was cold and the waiter rude",
                "the pasta was cold and the waiter was rude",
                "battery life of this phone is superb",
                "the pasta was cold"};
        SelectionContext c = context(scores, new String[] {"neg", "neg", "neg", "neg", "neg", "neg", "pos", "neg"},
                texts, null, 0);
        assertThat(FeedbackSelectors.rankBand().select(c)).containsExactly(4, 5);
        assertThat(FeedbackSelectors.diverseBand(0.5, 0.8).select(c)).containsExactly(4, 6);
    }

    @Test
    void misfitTakesTheNearestMissesUpToTheBandCount() {
        double[] scores = {0, 1, 2, 3, 4, 5, 6, 7};
        String[] labels = {"neg", "neg", "pos", "pos", "neg", "pos", "neg", "pos"};
        Logits[] z = {
            Logits.ofClasses(new float[] {2f, 0f}, 0),     // right
            Logits.ofClasses(new float[] {0f, 3f}, 0),     // wrong, p(neg) = 0.047
            Logits.ofClasses(new float[] {0.3f, 0f}, 1),   // wrong, p(pos) = 0.43: the nearest miss
            Logits.ofClasses(new float[] {0f, 1f}, 1),     // right
            Logits.ofClasses(new float[] {0f, 1f}, 0),     // wrong, p(neg) = 0.27
            Logits.ofClasses(new float[] {0f, 2f}, 1),     // right
            Logits.ofClasses(new float[] {1f, 0f}, 0),     // right
            Logits.ofClasses(new float[] {5f, 0f}, 1)};    // wrong, p(pos) = 0.0067
        SelectionContext c = context(scores, labels, null, z, 0);
        // Band count for 8 = 2: the two nearest misses, 2 and 4, in rank order.
        assertThat(FeedbackSelectors.misfit(0.5, 0.8).select(c)).containsExactly(2, 4);
        // A wider band takes all four misfits and nothing the student gets right.
        assertThat(FeedbackSelectors.misfit(0.0, 1.0).select(c)).containsExactly(1, 2, 4, 7);
    }

    @Test
    void misfitReadsTheTaskLabelWhenTheLogitsCarryNoTarget() {
        double[] scores = {0, 1, 2, 3};
        String[] labels = {"pos", "neg", "pos", "neg"};
        Logits[] z = {Logits.ofClasses(1f, 0f), Logits.ofClasses(1f, 0f), Logits.ofClasses(0f, 1f),
            Logits.ofClasses(0f, 1f)};
        assertThat(FeedbackSelectors.misfit(0.0, 1.0).select(context(scores, labels, null, z, 0)))
                .containsExactly(0, 3);
    }

    @Test
    void misfitOfSequenceLogitsIsTokenAccuracyBelowOneNearestFirst() {
        Task seq = Task.sequence("qa", TaskKind.EXTRACTIVE_QA, "Answer.", List.of("question"), "answer", List.of());
        float[][] rightRight = {{5f, 0f, 0f}, {0f, 5f, 0f}};
        List<Logits> z = List.of(
                Logits.ofSequence(rightRight, null, new int[] {0, 1}),                  // accuracy 1: not a misfit
                Logits.ofSequence(rightRight, null, new int[] {0, 2}),                  // 1/2
                Logits.ofSequence(rightRight, null, new int[] {2, 2}),                  // 0/2
                Logits.ofSequence(new float[][] {{5f, 0f, 0f}, {0f, 5f, 0f}, {0f, 0f, 5f}},
                        new boolean[] {true, true, false}, new int[] {0, 1, 0}),        // padding ignored: 1
                Logits.ofSequence(rightRight, null, null));                             // no targets: never
        List<Sample> probe = new ArrayList<>();
        for (int i = 0; i < z.size(); i++) {
            probe.add(Sample.withTarget("q" + i, Map.of("question", "q " + i), "a", List.of(), Origin.PROBE));
        }
        SelectionContext c = new SelectionContext(probe, new double[] {4, 3, 2, 1, 0}, z, seq, 0);
        assertThat(FeedbackSelectors.misfit(0.0, 1.0).select(c)).containsExactly(2, 1);
        // Capped at the band count of 5 under [0.5, 0.8): floor(4.0) - floor(2.5) = 2; under [0.6, 0.8): 1.
        assertThat(FeedbackSelectors.misfit(0.6, 0.8).select(c)).containsExactly(1);
    }

    @Test
    void softSelectionTakesTheBandCountFavoursHighRanksAndIsDeterministicForASeed() {
        double[] scores = {0.8, 0.1, 0.7, 0.3, 0.5, 0.2, 0.6, 0.4};
        FeedbackSelector soft = FeedbackSelectors.soft(0.5, 0.8, 0.25);
        int[] counts = new int[scores.length];
        for (long seed = 0; seed < 2000; seed++) {
            int[] chosen = soft.select(scores, seed);
            assertThat(chosen).hasSize(2).doesNotHaveDuplicates();
            assertThat(soft.select(scores, seed)).containsExactly(chosen);
            for (int i : chosen) {
                counts[i]++;
            }
        }
        // Sample 0 has the top score, sample 1 the lowest: weights e^0 against e^-4.
        assertThat(counts[0]).isGreaterThan(10 * counts[1]);
        assertThat(counts[0]).isGreaterThan(counts[2]).isGreaterThan(counts[1]);
        // Different seeds do not all give the same pair.
        assertThat(soft.select(scores, 1)).isNotEqualTo(soft.select(scores, 2)).satisfiesAnyOf(
                a -> assertThat(a).isNotEqualTo(soft.select(scores, 3)), a -> assertThat(a).isNotEqualTo(soft.select(scores, 4)));
        // A tiny temperature is the top of the batch: ranks 6 and 7 (samples 2 and 0), in rank order.
        assertThat(FeedbackSelectors.soft(0.5, 0.8, 1e-3).select(scores, 9)).containsExactly(2, 0);
    }

    @Test
    void softSelectionRefusesANonPositiveTemperatureNamingIt() {
        assertThatThrownBy(() -> FeedbackSelectors.soft(0.5, 0.8, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature")
                .hasMessageContaining("> 0");
        assertThatThrownBy(() -> FeedbackSelectors.soft(0.5, 0.8, Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
    }

    @Test
    void everySelectorIsDeterministicForASeedAndHandlesEmptyAndTinyBatches() {
        for (FeedbackSelector s : all()) {
            assertThat(s.select(plain(0, 1))).as(s.name()).isEmpty();
            assertThat(s.select(plain(1, 1))).as(s.name()).isEmpty(); // the band of 1 holds no rank
            for (int n = 2; n <= 12; n++) {
                int[] chosen = s.select(plain(n, 5));
                assertThat(s.select(plain(n, 5))).as("%s n=%d", s.name(), n).containsExactly(chosen);
                assertThat(chosen).as("%s n=%d", s.name(), n).doesNotHaveDuplicates();
                for (int i : chosen) {
                    assertThat(i).as("%s n=%d", s.name(), n).isBetween(0, n - 1);
                }
                assertThat(chosen.length).as("%s n=%d", s.name(), n)
                        .isLessThanOrEqualTo(FeedbackSelectors.rankBand().select(new double[n], 0).length
                                + (s.name().startsWith("per-class") ? 1 : 0));
            }
        }
    }

    @Test
    void aNanScoreIsRejectedNamingTheSample() {
        double[] scores = {0.1, Double.NaN, 0.3};
        SelectionContext c = context(scores, new String[] {"neg", "pos", "neg"}, null, null, 0);
        for (FeedbackSelector s : all()) {
            assertThatThrownBy(() -> s.select(c)).as(s.name()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("probe sample 1");
        }
    }
}
