package io.github.goldkd.ood;

import io.github.goldkd.core.Logits;
import io.github.goldkd.core.OodScorer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The energy identities {@code E(z + c) = E(z) - c} and {@code E_T(z) = T E_1(z / T)} on random
 * classifier and sequence logits, and every score against a plain double-precision softmax.
 */
class ScoreIdentitiesTest {

    private static final SequenceAveraging[] AVERAGINGS = SequenceAveraging.values();

    /** Random logits: classifiers of 1..40 classes or sequences of 1..6 positions with random masks. */
    private static Logits randomLogits(SplittableRandom r, double scale) {
        int width = 1 + r.nextInt(40);
        if (r.nextBoolean()) {
            float[] z = new float[width];
            for (int k = 0; k < width; k++) {
                z[k] = (float) (scale * r.nextDouble(-1, 1));
            }
            return Logits.ofClasses(z, r.nextInt(width));
        }
        int positions = 1 + r.nextInt(6);
        float[][] rows = new float[positions][width];
        boolean[] mask = new boolean[positions];
        int[] targets = new int[positions];
        for (int t = 0; t < positions; t++) {
            for (int k = 0; k < width; k++) {
                rows[t][k] = (float) (scale * r.nextDouble(-1, 1));
            }
            mask[t] = t == 0 || r.nextInt(3) > 0;
            targets[t] = r.nextInt(width);
        }
        return Logits.ofSequence(rows, mask, targets);
    }

    /** A copy of {@code l} with {@code f} applied to every value (rounded to float), same mask and targets. */
    private static Logits map(Logits l, java.util.function.DoubleUnaryOperator f) {
        float[][] rows = new float[l.positions()][l.width()];
        boolean[] mask = new boolean[l.positions()];
        int[] targets = new int[l.positions()];
        for (int t = 0; t < l.positions(); t++) {
            for (int k = 0; k < l.width(); k++) {
                rows[t][k] = (float) f.applyAsDouble(l.get(t, k));
            }
            mask[t] = l.isReal(t);
            targets[t] = l.target(t);
        }
        return l.isSequence() ? Logits.ofSequence(rows, mask, targets) : Logits.ofClasses(rows[0], targets[0]);
    }

    /** Largest rounding error {@code |fl(f(z)) - f(z)|} that mapping introduced into the used rows. */
    private static double roundingError(Logits original, Logits mapped, java.util.function.DoubleUnaryOperator f) {
        double worst = 0;
        for (int t = 0; t < original.positions(); t++) {
            for (int k = 0; k < original.width(); k++) {
                worst = Math.max(worst, Math.abs(mapped.get(t, k) - f.applyAsDouble(original.get(t, k))));
            }
        }
        return worst;
    }

    @Test
    void shiftingAllLogitsShiftsTheEnergy() {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 500; trial++) {
            double scale = new double[] {1, 10, 100, 1e4}[trial % 4];
            Logits z = randomLogits(r, scale);
            double c = r.nextDouble(-50, 50);
            double temperature = trial % 3 == 0 ? 1.0 : r.nextDouble(0.1, 5);
            Logits shifted = map(z, v -> v + c);
            // E is 1-Lipschitz in the sup norm, so float rounding of z + c moves it by at most this much.
            double tolerance = roundingError(z, shifted, v -> v + c) + 1e-12 * (1 + scale);
            for (SequenceAveraging avg : AVERAGINGS) {
                OodScorer energy = OodScores.energy(temperature, avg);
                double e = energy.score(List.of(z))[0];
                double es = energy.score(List.of(shifted))[0];
                assertThat(es).as("trial %d, %s", trial, energy.name()).isCloseTo(e - c, within(tolerance));
            }
        }
    }

    @Test
    void temperatureIsAScaling() {
        SplittableRandom r = new SplittableRandom(12);
        for (int trial = 0; trial < 500; trial++) {
            double scale = new double[] {1, 10, 100, 1e4}[trial % 4];
            Logits z = randomLogits(r, scale);
            // Powers of two divide floats exactly; other temperatures round z / T.
            double temperature = trial % 2 == 0 ? Math.scalb(1.0, r.nextInt(-4, 5)) : r.nextDouble(0.05, 20);
            Logits scaled = map(z, v -> v / temperature);
            double tolerance = temperature * roundingError(z, scaled, v -> v / temperature) + 1e-12 * (1 + scale);
            for (SequenceAveraging avg : AVERAGINGS) {
                double et = OodScores.energy(temperature, avg).score(List.of(z))[0];
                double e1 = OodScores.energy(1.0, avg).score(List.of(scaled))[0];
                assertThat(et).as("trial %d, T=%s", trial, temperature).isCloseTo(temperature * e1, within(tolerance));
            }
        }
    }

    @Test
    void everyScoreMatchesAPlainSoftmaxReference() {
        SplittableRandom r = new SplittableRandom(13);
        List<Logits> batch = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            batch.add(randomLogits(r, i % 2 == 0 ? 3 : 30));
        }
        for (SequenceAveraging avg : AVERAGINGS) {
            double temperature = 1.7;
            double[] energy = OodScores.energy(temperature, avg).score(batch);
            double[] msp = OodScores.maxSoftmax(avg).score(batch);
            double[] entropy = OodScores.entropy(avg).score(batch);
            double[] nll = OodScores.negativeLogLikelihood(avg).score(batch);
            for (int i = 0; i < batch.size(); i++) {
                Logits l = batch.get(i);
                double[] expected = new double[4];
                int used = 0;
                for (int t = 0; t < l.positions(); t++) {
                    if (avg == SequenceAveraging.REAL_TOKENS && !l.isReal(t)) {
                        continue;
                    }
                    used++;
                    // Reference: softmax with exponentials of (z - max) / T; clear rather than clever.
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < l.width(); k++) {
                        max = Math.max(max, l.get(t, k));
                    }
                    double sumT = 0;
                    double sum1 = 0;
                    for (int k = 0; k < l.width(); k++) {
                        sumT += Math.exp((l.get(t, k) - max) / temperature);
                        sum1 += Math.exp(l.get(t, k) - max);
                    }
                    expected[0] += -temperature * (max / temperature + Math.log(sumT));
                    double pMax = 0;
                    double h = 0;
                    for (int k = 0; k < l.width(); k++) {
                        double p = Math.exp(l.get(t, k) - max) / sum1;
                        pMax = Math.max(pMax, p);
                        if (p > 0) {
                            h -= p * Math.log(p);
                        }
                    }
                    expected[1] += 1 - pMax;
                    expected[2] += h;
                    expected[3] += -(l.get(t, l.target(t)) - max - Math.log(sum1));
                }
                assertThat(energy[i]).as("energy %d", i).isCloseTo(expected[0] / used, within(1e-9));
                assertThat(msp[i]).as("msp %d", i).isCloseTo(expected[1] / used, within(1e-12));
                assertThat(entropy[i]).as("entropy %d", i).isCloseTo(expected[2] / used, within(1e-12));
                assertThat(nll[i]).as("nll %d", i).isCloseTo(expected[3] / used, within(1e-9));
                assertThat(msp[i]).isBetween(0.0, 1.0);
                assertThat(entropy[i]).isBetween(0.0, Math.log(l.width()) + 1e-12);
                assertThat(nll[i]).isGreaterThanOrEqualTo(0.0);
            }
        }
    }
}
