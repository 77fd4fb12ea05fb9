package io.github.goldkd.core;

/**
 * A loss on pre-softmax logits and its gradient: per sample for a classifier ({@link #value(double[], int)}),
 * per target position for a sequence student ({@link #value(Logits)}: the same loss on every real position,
 * averaged over them, padding excluded). Students turn it into their framework's loss (gold-student wraps
 * it as a DL4J loss function).
 */
public interface Loss {

    /** The loss of logits {@code z} for true class {@code y}. */
    double value(double[] z, int y);

    /** Writes dLoss/dz for logits {@code z} and true class {@code y} into {@code grad} (same length). */
    void gradient(double[] z, int y, double[] grad);

    /**
     * The loss of one sample's logits with targets: the mean of {@link #value(double[], int)} over the real
     * positions (a classifier's single row is one position). NaN when no position is real.
     *
     * @throws IllegalArgumentException when the logits carry no targets
     */
    default double value(Logits logits) {
        requireTargets(logits);
        double[] row = new double[logits.width()];
        double sum = 0;
        int real = 0;
        for (int t = 0; t < logits.positions(); t++) {
            if (logits.isReal(t)) {
                for (int k = 0; k < row.length; k++) {
                    row[k] = logits.get(t, k);
                }
                sum += value(row, logits.target(t));
                real++;
            }
        }
        return real == 0 ? Double.NaN : sum / real;
    }

    /**
     * The gradient of {@link #value(Logits)}: {@code positions * width} values, row-major, zero on padding
     * positions, each real row divided by the number of real positions.
     *
     * @throws IllegalArgumentException when the logits carry no targets
     */
    default double[] gradient(Logits logits) {
        requireTargets(logits);
        int w = logits.width();
        double[] out = new double[logits.positions() * w];
        int real = logits.realPositions();
        if (real == 0) {
            return out;
        }
        double[] row = new double[w];
        double[] grad = new double[w];
        for (int t = 0; t < logits.positions(); t++) {
            if (logits.isReal(t)) {
                for (int k = 0; k < w; k++) {
                    row[k] = logits.get(t, k);
                }
                gradient(row, logits.target(t), grad);
                for (int k = 0; k < w; k++) {
                    out[t * w + k] = grad[k] / real;
                }
            }
        }
        return out;
    }

    private static void requireTargets(Logits logits) {
        if (!logits.hasTargets()) {
            throw new IllegalArgumentException("a loss needs logits with targets (the class index or the "
                    + "teacher-forced tokens); these have none");
        }
    }

    /** A short name with the parameters, e.g. {@code sce(alpha=0.1,beta=1.0)}. */
    String name();

    /** Log of the sum of exponentials, computed stably by subtracting the maximum. */
    static double logSumExp(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    /** softmax(z) into {@code p}. */
    static void softmax(double[] z, double[] p) {
        double lse = logSumExp(z);
        for (int k = 0; k < z.length; k++) {
            p[k] = Math.exp(z[k] - lse);
        }
    }
}
