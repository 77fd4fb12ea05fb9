package io.github.goldkd.core;

/**
 * A per-sample classification loss on pre-softmax logits and its gradient. Students turn it into their
 * framework's loss (gold-student wraps it as a DL4J loss function).
 */
public interface Loss {

    /** The loss of logits {@code z} for true class {@code y}. */
    double value(double[] z, int y);

    /** Writes dLoss/dz for logits {@code z} and true class {@code y} into {@code grad} (same length). */
    void gradient(double[] z, int y, double[] grad);

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
