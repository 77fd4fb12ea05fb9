package io.github.goldkd.core.testing;

import io.github.goldkd.core.Logits;
import io.github.goldkd.core.OodScorer;

import java.util.List;

/**
 * The energy score written plainly, for loop tests (gold-ood holds the real scorers): -logsumexp of each
 * row, averaged over the real positions of sequence logits.
 */
public final class TestScorer implements OodScorer {

    private double[] last = new double[0];

    /** The scores returned by the latest call. */
    public double[] last() {
        return last.clone();
    }

    @Override
    public double[] score(List<Logits> batch) {
        double[] out = new double[batch.size()];
        for (int i = 0; i < out.length; i++) {
            Logits z = batch.get(i);
            double total = 0;
            for (int t = 0; t < z.positions(); t++) {
                if (z.isReal(t)) {
                    total += energy(z, t);
                }
            }
            out[i] = total / z.realPositions();
        }
        last = out.clone();
        return out;
    }

    /** -logsumexp of row {@code t}. */
    public static double energy(Logits z, int t) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < z.width(); k++) {
            max = Math.max(max, z.get(t, k));
        }
        double sum = 0;
        for (int k = 0; k < z.width(); k++) {
            sum += Math.exp(z.get(t, k) - max);
        }
        return -(max + Math.log(sum));
    }

    @Override
    public String name() {
        return "test-energy";
    }
}
