package io.github.goldkd.ood;

import io.github.goldkd.core.Logits;
import io.github.goldkd.core.OodScorer;

import java.util.List;
import java.util.Objects;

/**
 * The four reference scores on one shared kernel. Each row of logits {@code z} (one per classifier
 * sample, one per target position of a sequence) is reduced in two passes: the maximum {@code m} with
 * its first index {@code a}, then {@code rest = sum over k != a of exp((z_k - m) / T)}, so that
 * {@code logsumexp(z / T) = m / T + log1p(rest)}. Every exponent is at most 0, so nothing overflows
 * whatever the logits' range, and an accurate {@code log1p} and {@code rest / (1 + rest)} keep full
 * precision when one class dominates. Two-class rows take a branch-free shortcut with
 * {@code rest = exp(-|z_0 - z_1| / T)}. Sequence scores are the mean of the row scores over the
 * positions chosen by the {@link SequenceAveraging}.
 *
 * <p>Created through {@link OodScores}; instances are immutable and thread-safe (scratch space is per
 * call).
 */
record LogitScorer(Kind kind, double temperature, SequenceAveraging averaging) implements OodScorer {

    /** Largest temperature accepted; beyond it {@code T * log(vocabulary)} approaches meaningless scales. */
    static final double MAX_TEMPERATURE = 1e6;

    /**
     * Rows up to this width are read element by element: for a two-class row, System.arraycopy's call
     * overhead was measured at about 40% of the whole score.
     */
    static final int SMALL_ROW = 32;

    enum Kind {
        ENERGY("energy"), MAX_SOFTMAX("max-softmax"), ENTROPY("entropy"), NLL("nll");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    LogitScorer {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(averaging, "averaging");
        if (!(temperature > 0 && temperature <= MAX_TEMPERATURE)) {
            throw new IllegalArgumentException(
                    "temperature must be in (0, " + MAX_TEMPERATURE + "], was " + temperature);
        }
        if (kind != Kind.ENERGY && temperature != 1.0) {
            throw new IllegalArgumentException(kind.label + " is computed at temperature 1, was " + temperature);
        }
    }

    @Override
    public double[] score(List<Logits> batch) {
        Objects.requireNonNull(batch, "batch");
        double[] out = new double[batch.size()];
        boolean realOnly = averaging == SequenceAveraging.REAL_TOKENS;
        float[] row = new float[SMALL_ROW];
        int i = 0;
        // Iterate rather than index: the batch may be any List.
        for (Logits logits : batch) {
            if (logits == null) {
                throw new OodScoreException("logits of sample " + i + " are null");
            }
            if (kind == Kind.NLL && !logits.hasTargets()) {
                throw new OodScoreException(
                        "nll needs targets, but the logits of sample " + i + " carry none");
            }
            int width = logits.width();
            if (row.length < width) {
                row = new float[width];
            }
            int positions = logits.positions();
            double sum = 0;
            int used = 0;
            for (int t = 0; t < positions; t++) {
                if (width <= SMALL_ROW) {
                    for (int k = 0; k < width; k++) {
                        row[k] = logits.get(t, k);
                    }
                } else {
                    logits.copyRow(t, row);
                }
                if (realOnly && !logits.isReal(t)) {
                    // Padding does not enter the score, but a NaN there still means a broken student.
                    requireFinite(row, width, i, t);
                    continue;
                }
                int target = kind == Kind.NLL ? logits.target(t) : -1;
                sum += rowScore(row, width, target, i, t);
                used++;
            }
            if (used == 0) {
                throw new OodScoreException("logits of sample " + i + " have no real token to average over (all "
                        + positions + " positions are padding); SequenceAveraging.ALL_POSITIONS includes padding");
            }
            out[i] = sum / used;
            i++;
        }
        return out;
    }

    /** The score of one row of {@code width} logits. */
    private double rowScore(float[] z, int width, int target, int sample, int position) {
        if (width == 2) {
            return twoClassScore(z, target, sample, position);
        }
        // Pass 1: maximum (first index on ties) and a finiteness check. The double sum of finite floats
        // cannot overflow (2^31 * 3.4e38 << 1.8e308), so it is finite exactly when every value is.
        float max = z[0];
        int argmax = 0;
        double check = 0;
        for (int k = 0; k < width; k++) {
            float v = z[k];
            check += v;
            if (v > max) {
                max = v;
                argmax = k;
            }
        }
        if (!Double.isFinite(check)) {
            requireFinite(z, width, sample, position);
        }
        double m = max;
        switch (kind) {
            case ENERGY:
                return -(m + temperature * log1p(rest(z, width, argmax, m)));
            case MAX_SOFTMAX: {
                double rest = rest(z, width, argmax, m);
                return rest / (1.0 + rest);
            }
            case ENTROPY:
                return entropy(z, width, argmax, m);
            case NLL:
                return log1p(rest(z, width, argmax, m)) + (m - z[target]);
            default:
                throw new AssertionError(kind);
        }
    }

    /**
     * The general formulas with {@code rest = exp(-|z_0 - z_1| / T)}, written without data-dependent
     * branches: for binary classifiers, the commonest students, the branch mispredictions of the general
     * kernel's maximum search cost more than its one exponential.
     */
    private double twoClassScore(float[] z, int target, int sample, int position) {
        double a = z[0];
        double b = z[1];
        if (!Double.isFinite(a + b)) {
            requireFinite(z, 2, sample, position);
        }
        double m = Math.max(a, b);
        double gap = Math.abs(a - b);
        switch (kind) {
            case ENERGY:
                return -(m + temperature * log1p(Math.exp(temperature == 1.0 ? -gap : -gap / temperature)));
            case MAX_SOFTMAX: {
                double rest = Math.exp(-gap);
                return rest / (1.0 + rest);
            }
            case ENTROPY: {
                double rest = Math.exp(-gap);
                return log1p(rest) + rest * gap / (1.0 + rest);
            }
            case NLL:
                return log1p(Math.exp(-gap)) + (m - z[target]);
            default:
                throw new AssertionError(kind);
        }
    }

    /** {@code sum over k != argmax of exp((z_k - m) / T)}; every exponent is <= 0. */
    private double rest(float[] z, int width, int argmax, double m) {
        double s = 0;
        if (temperature == 1.0) {
            for (int k = 0; k < argmax; k++) {
                s += Math.exp(z[k] - m);
            }
            for (int k = argmax + 1; k < width; k++) {
                s += Math.exp(z[k] - m);
            }
        } else {
            double t = temperature;
            for (int k = 0; k < argmax; k++) {
                s += Math.exp((z[k] - m) / t);
            }
            for (int k = argmax + 1; k < width; k++) {
                s += Math.exp((z[k] - m) / t);
            }
        }
        return s;
    }

    /**
     * {@code H = log S + sum_k e_k (m - z_k) / S} with {@code e_k = exp(z_k - m)} and {@code S = 1 + rest}:
     * the same as {@code -sum p log p}, with every term non-negative (no cancellation) and
     * {@code e_k (m - z_k)} bounded by 1/e.
     */
    private static double entropy(float[] z, int width, int argmax, double m) {
        double s = 0;
        double weighted = 0;
        for (int k = 0; k < width; k++) {
            if (k == argmax) {
                continue;
            }
            double d = m - z[k];
            double e = Math.exp(-d);
            s += e;
            weighted += e * d;
        }
        return log1p(s) + weighted / (1.0 + s);
    }

    /**
     * {@code log(1 + x)} for {@code x >= 0}, accurate to a few ulps for tiny x (Goldberg's trick: the
     * rounding error of {@code 1 + x} cancels in {@code x / (u - 1)}). {@code Math.log1p} would do, but
     * on Java 17 it is a native fdlibm call that costs more than the rest of a two-class row.
     */
    static double log1p(double x) {
        double u = 1.0 + x;
        return u == 1.0 ? x : Math.log(u) * (x / (u - 1.0));
    }

    private static void requireFinite(float[] z, int width, int sample, int position) {
        for (int k = 0; k < width; k++) {
            if (!Float.isFinite(z[k])) {
                throw new OodScoreException("logits of sample " + sample + " contain " + z[k]
                        + " at position " + position + ", index " + k);
            }
        }
    }

    @Override
    public String name() {
        String suffix = averaging == SequenceAveraging.ALL_POSITIONS ? "all-positions" : "";
        if (kind == Kind.ENERGY) {
            return "energy(T=" + temperature + (suffix.isEmpty() ? "" : "," + suffix) + ")";
        }
        return suffix.isEmpty() ? kind.label : kind.label + "(" + suffix + ")";
    }

    @Override
    public String toString() {
        return name();
    }
}
