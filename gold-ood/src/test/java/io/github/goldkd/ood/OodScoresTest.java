package io.github.goldkd.ood;

import io.github.goldkd.core.Logits;
import io.github.goldkd.core.OodScorer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Hand-computed values of every score, temperature, masking, extreme logits and error reporting. */
class OodScoresTest {

    private static final double LN2 = Math.log(2);
    private static final double EPS = 1e-12;

    private static double one(OodScorer scorer, Logits logits) {
        double[] s = scorer.score(List.of(logits));
        assertThat(s).hasSize(1);
        return s[0];
    }

    @Test
    void twoEqualLogitsGiveLogTwoEverywhere() {
        Logits z = Logits.ofClasses(new float[] {0f, 0f}, 1);
        assertThat(one(OodScores.energy(), z)).isCloseTo(-LN2, within(EPS));
        assertThat(one(OodScores.maxSoftmax(), z)).isCloseTo(0.5, within(EPS));
        assertThat(one(OodScores.entropy(), z)).isCloseTo(LN2, within(EPS));
        assertThat(one(OodScores.negativeLogLikelihood(), z)).isCloseTo(LN2, within(EPS));
    }

    @Test
    void threeClassesMatchHandComputedValues() {
        // z = (1, 2, 3): logsumexp = 3 + ln(1 + e^-1 + e^-2) = 3.4076059644443803;
        // softmax = (0.09003057317038046, 0.24472847105479765, 0.6652409557748219) (30-digit mpmath).
        Logits z = Logits.ofClasses(new float[] {1f, 2f, 3f}, 0);
        assertThat(one(OodScores.energy(), z)).isCloseTo(-3.4076059644443803, within(EPS));
        assertThat(one(OodScores.energy(), z))
                .isCloseTo(-(3 + Math.log(1 + Math.exp(-1) + Math.exp(-2))), within(EPS));
        assertThat(one(OodScores.maxSoftmax(), z)).isCloseTo(0.3347590442251781, within(EPS));
        assertThat(one(OodScores.entropy(), z)).isCloseTo(0.8323955818399389, within(EPS));
        assertThat(one(OodScores.negativeLogLikelihood(), z)).isCloseTo(2.4076059644443803, within(EPS));
    }

    @Test
    void temperatureOtherThanOne() {
        // T = 2, z = (2, 4): -2 ln(e^1 + e^2) = -4 - 2 ln(1 + e^-1)
        Logits a = Logits.ofClasses(2f, 4f);
        assertThat(one(OodScores.energy(2.0), a)).isCloseTo(-4.626523375036446, within(EPS));
        assertThat(one(OodScores.energy(2.0), a)).isCloseTo(-4 - 2 * Math.log(1 + Math.exp(-1)), within(EPS));
        // T = 0.5, z = (1, 2): -0.5 ln(e^2 + e^4)
        Logits b = Logits.ofClasses(1f, 2f);
        assertThat(one(OodScores.energy(0.5), b)).isCloseTo(-2.0634640055214862, within(EPS));
        // A large T flattens toward -T ln K - mean(z): T = 1000, z = (0, 1) -> about -1000 ln 2 - 0.5
        assertThat(one(OodScores.energy(1000.0), Logits.ofClasses(0f, 1f)))
                .isCloseTo(-1000 * LN2 - 0.5, within(1e-3));
    }

    @Test
    void singleClassIsCertain() {
        Logits z = Logits.ofClasses(new float[] {7.5f}, 0);
        assertThat(one(OodScores.energy(), z)).isEqualTo(-7.5);
        assertThat(one(OodScores.energy(3.0), z)).isEqualTo(-7.5);
        assertThat(one(OodScores.maxSoftmax(), z)).isZero();
        assertThat(one(OodScores.entropy(), z)).isZero();
        assertThat(one(OodScores.negativeLogLikelihood(), z)).isZero();
    }

    @Test
    void sequenceAveragesOverRealTokensByDefaultAndOverAllPositionsOnRequest() {
        // Row energies: (0,0) -> -ln 2; (1,1) -> -1 - ln 2; padding row (100,-100) -> -100 (to 1e-80).
        float[][] rows = {{0f, 0f}, {1f, 1f}, {100f, -100f}};
        boolean[] mask = {true, true, false};
        int[] targets = {0, 1, 1};
        Logits seq = Logits.ofSequence(rows, mask, targets);

        assertThat(one(OodScores.energy(), seq)).isCloseTo(-0.5 - LN2, within(EPS));
        assertThat(one(OodScores.energy(1.0, SequenceAveraging.ALL_POSITIONS), seq))
                .isCloseTo((-LN2 - 1 - LN2 - 100) / 3, within(EPS));

        assertThat(one(OodScores.maxSoftmax(), seq)).isCloseTo(0.5, within(EPS));
        assertThat(one(OodScores.maxSoftmax(SequenceAveraging.ALL_POSITIONS), seq))
                .isCloseTo((0.5 + 0.5 + Math.exp(-200)) / 3, within(EPS));
        assertThat(one(OodScores.entropy(), seq)).isCloseTo(LN2, within(EPS));
        assertThat(one(OodScores.entropy(SequenceAveraging.ALL_POSITIONS), seq))
                .isCloseTo(2 * LN2 / 3, within(EPS));
        // NLL: real rows ln 2 each; the padding row's target 1 has -log p = 200.
        assertThat(one(OodScores.negativeLogLikelihood(), seq)).isCloseTo(LN2, within(EPS));
        assertThat(one(OodScores.negativeLogLikelihood(SequenceAveraging.ALL_POSITIONS), seq))
                .isCloseTo((2 * LN2 + 200) / 3, within(EPS));
    }

    @Test
    void temperatureAppliesPerPositionOfASequence() {
        float[][] rows = {{2f, 4f}, {1f, 1f}, {0f, 0f}};
        Logits seq = Logits.ofSequence(rows, new boolean[] {true, true, false}, null);
        double row0 = -4 - 2 * Math.log(1 + Math.exp(-1));
        double row1 = -1 - 2 * LN2;
        assertThat(one(OodScores.energy(2.0), seq)).isCloseTo((row0 + row1) / 2, within(EPS));
        assertThat(one(OodScores.energy(2.0, SequenceAveraging.ALL_POSITIONS), seq))
                .isCloseTo((row0 + row1 - 2 * LN2) / 3, within(EPS));
    }

    @Test
    void extremeTwoClassLogitsStayExact() {
        Logits apart = Logits.ofClasses(new float[] {1e4f, -1e4f}, 1);
        assertThat(one(OodScores.energy(), apart)).isEqualTo(-1e4);
        assertThat(one(OodScores.maxSoftmax(), apart)).isZero();
        assertThat(one(OodScores.entropy(), apart)).isZero();
        assertThat(one(OodScores.negativeLogLikelihood(), apart)).isEqualTo(2e4);
        assertThat(one(OodScores.negativeLogLikelihood(), Logits.ofClasses(new float[] {1e4f, -1e4f}, 0))).isZero();

        assertThat(one(OodScores.energy(), Logits.ofClasses(1e4f, 1e4f))).isCloseTo(-1e4 - LN2, within(1e-9));
        assertThat(one(OodScores.energy(), Logits.ofClasses(-1e4f, -1e4f))).isCloseTo(1e4 - LN2, within(1e-9));
        // T = 0.01 scales the logits to 1e6 inside the exponent.
        assertThat(one(OodScores.energy(0.01), Logits.ofClasses(1e4f, 1e4f)))
                .isCloseTo(-1e4 - 0.01 * LN2, within(1e-9));
        // Close but unequal extreme logits: 1e4 and 1e4 - 1 (both exact floats).
        assertThat(one(OodScores.energy(), Logits.ofClasses(1e4f, 9999f)))
                .isCloseTo(-1e4 - Math.log(1 + Math.exp(-1)), within(1e-9));
        // The largest finite floats still give finite scores.
        assertThat(one(OodScores.energy(), Logits.ofClasses(Float.MAX_VALUE, -Float.MAX_VALUE)))
                .isEqualTo(-(double) Float.MAX_VALUE);
    }

    @Test
    void extremeLogitsOverA32kVocabulary() {
        int v = 32_000;
        double ln32000 = 10.373491181781864;
        assertThat(Math.log(v)).isCloseTo(ln32000, within(EPS));

        float[] flat = new float[v];
        Arrays.fill(flat, 1e4f);
        Logits uniformHigh = Logits.ofClasses(flat, 123);
        assertThat(one(OodScores.energy(), uniformHigh)).isCloseTo(-1e4 - ln32000, within(1e-9));
        assertThat(one(OodScores.maxSoftmax(), uniformHigh)).isCloseTo(1 - 1.0 / v, within(EPS));
        assertThat(one(OodScores.entropy(), uniformHigh)).isCloseTo(ln32000, within(1e-9));
        assertThat(one(OodScores.negativeLogLikelihood(), uniformHigh)).isCloseTo(ln32000, within(1e-9));

        Arrays.fill(flat, -1e4f);
        assertThat(one(OodScores.energy(), Logits.ofClasses(flat))).isCloseTo(1e4 - ln32000, within(1e-9));

        flat[31_999] = 1e4f;
        Logits oneHot = Logits.ofClasses(flat, 5);
        assertThat(one(OodScores.energy(), oneHot)).isEqualTo(-1e4);
        assertThat(one(OodScores.maxSoftmax(), oneHot)).isZero();
        assertThat(one(OodScores.entropy(), oneHot)).isZero();
        assertThat(one(OodScores.negativeLogLikelihood(), oneHot)).isEqualTo(2e4);

        // Half at +1e4, half at -1e4, as a 4-position sequence with one padding row of NaN-free junk.
        float[][] rows = new float[4][v];
        for (int t = 0; t < 4; t++) {
            for (int k = 0; k < v; k++) {
                rows[t][k] = k % 2 == 0 ? 1e4f : -1e4f;
            }
        }
        Arrays.fill(rows[3], 3f);
        Logits seq = Logits.ofSequence(rows, new boolean[] {true, true, true, false}, null);
        double ln16000 = Math.log(16_000);
        assertThat(one(OodScores.energy(), seq)).isCloseTo(-1e4 - ln16000, within(1e-9));
        assertThat(one(OodScores.entropy(), seq)).isCloseTo(ln16000, within(1e-9));
        assertThat(one(OodScores.energy(1.0, SequenceAveraging.ALL_POSITIONS), seq))
                .isCloseTo((3 * (-1e4 - ln16000) + (-3 - ln32000)) / 4, within(1e-9));
    }

    @Test
    void higherMeansLessFamiliar() {
        Logits confident = Logits.ofClasses(new float[] {8f, 0f, 0f}, 0);
        Logits unsure = Logits.ofClasses(new float[] {1f, 0.9f, 1.1f}, 0);
        for (OodScorer s : List.of(OodScores.energy(), OodScores.maxSoftmax(), OodScores.entropy(),
                OodScores.negativeLogLikelihood())) {
            double[] out = s.score(List.of(confident, unsure));
            assertThat(out[0]).as(s.name()).isLessThan(out[1]);
        }
    }

    @Test
    void nanNamesTheSampleAndPosition() {
        List<Logits> batch = List.of(Logits.ofClasses(0f, 1f), Logits.ofClasses(0f, 1f), Logits.ofClasses(2f, 3f),
                Logits.ofClasses(new float[] {0f, Float.NaN}, 0), Logits.ofClasses(0f, 1f));
        for (OodScorer s : List.of(OodScores.energy(), OodScores.energy(0.5), OodScores.maxSoftmax(),
                OodScores.entropy(), OodScores.negativeLogLikelihood())) {
            List<Logits> input = s.name().startsWith("nll") ? withTargets(batch) : batch;
            assertThatThrownBy(() -> s.score(input)).as(s.name())
                    .isInstanceOf(OodScoreException.class)
                    .hasMessage("logits of sample 3 contain NaN at position 0, index 1");
        }
        // A NaN in the first, maximal place of a wide row.
        float[] wide = new float[100];
        wide[0] = Float.NaN;
        assertThatThrownBy(() -> OodScores.energy().score(List.of(Logits.ofClasses(wide))))
                .hasMessageContaining("sample 0 contain NaN at position 0, index 0");
    }

    @Test
    void nanInPaddingIsStillAnError() {
        float[][] rows = {{0f, 1f}, {1f, 0f}, {Float.NaN, 0f}};
        Logits seq = Logits.ofSequence(rows, new boolean[] {true, true, false}, null);
        List<Logits> batch = List.of(Logits.ofSequence(new float[][] {{1f, 2f}}, null, null), seq);
        assertThatThrownBy(() -> OodScores.energy().score(batch))
                .isInstanceOf(OodScoreException.class)
                .hasMessage("logits of sample 1 contain NaN at position 2, index 0");
        assertThatThrownBy(() -> OodScores.entropy(SequenceAveraging.ALL_POSITIONS).score(batch))
                .hasMessage("logits of sample 1 contain NaN at position 2, index 0");
    }

    @Test
    void infinitiesAreErrorsToo() {
        assertThatThrownBy(() -> OodScores.energy().score(List.of(Logits.ofClasses(1f, Float.POSITIVE_INFINITY))))
                .isInstanceOf(OodScoreException.class)
                .hasMessage("logits of sample 0 contain Infinity at position 0, index 1");
        assertThatThrownBy(() -> OodScores.maxSoftmax().score(
                List.of(Logits.ofClasses(1f, 2f), Logits.ofClasses(Float.NEGATIVE_INFINITY, 2f))))
                .hasMessage("logits of sample 1 contain -Infinity at position 0, index 0");
    }

    @Test
    void nllWithoutTargetsNamesTheSample() {
        List<Logits> batch = List.of(Logits.ofClasses(new float[] {0f, 1f}, 1), Logits.ofClasses(0f, 1f));
        assertThatThrownBy(() -> OodScores.negativeLogLikelihood().score(batch))
                .isInstanceOf(OodScoreException.class)
                .hasMessage("nll needs targets, but the logits of sample 1 carry none");
    }

    @Test
    void aSequenceOfOnlyPaddingCannotBeAveragedOverRealTokens() {
        Logits allPad = Logits.ofSequence(new float[][] {{0f, 0f}, {1f, 1f}}, new boolean[] {false, false}, null);
        List<Logits> batch = List.of(Logits.ofClasses(1f, 2f), allPad);
        assertThatThrownBy(() -> OodScores.energy().score(batch))
                .isInstanceOf(OodScoreException.class)
                .hasMessageStartingWith("logits of sample 1 have no real token");
        assertThat(OodScores.energy(1.0, SequenceAveraging.ALL_POSITIONS).score(batch)[1])
                .isCloseTo((-LN2 - 1 - LN2) / 2, within(EPS));
    }

    @Test
    void emptyBatchesAndNonRandomAccessLists() {
        assertThat(OodScores.energy().score(List.of())).isEmpty();
        List<Logits> linked = new LinkedList<>(List.of(Logits.ofClasses(0f, 0f), Logits.ofClasses(1f, 1f)));
        assertThat(OodScores.energy().score(linked)).containsExactly(new double[] {-LN2, -1 - LN2}, within(EPS));
    }

    @Test
    void temperatureIsValidated() {
        for (double bad : new double[] {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY, 2e6}) {
            assertThatThrownBy(() -> OodScores.energy(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("temperature must be in (0, 1000000.0], was " + bad);
        }
        assertThatThrownBy(() -> OodScores.energy(1.0, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void namesCarryTheParameters() {
        assertThat(OodScores.energy().name()).isEqualTo("energy(T=1.0)");
        assertThat(OodScores.energy(2.5, SequenceAveraging.ALL_POSITIONS).name())
                .isEqualTo("energy(T=2.5,all-positions)");
        assertThat(OodScores.maxSoftmax().name()).isEqualTo("max-softmax");
        assertThat(OodScores.entropy(SequenceAveraging.ALL_POSITIONS).name()).isEqualTo("entropy(all-positions)");
        assertThat(OodScores.negativeLogLikelihood().name()).isEqualTo("nll");
        assertThat(OodScores.energy(2.0)).isEqualTo(OodScores.energy(2.0, SequenceAveraging.REAL_TOKENS));
    }

    private static List<Logits> withTargets(List<Logits> batch) {
        return batch.stream().map(l -> {
            float[] row = l.row(0);
            return Logits.ofClasses(row, 0);
        }).toList();
    }
}
