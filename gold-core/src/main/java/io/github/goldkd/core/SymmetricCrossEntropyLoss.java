package io.github.goldkd.core;

/**
 * Symmetric cross-entropy (Wang et al., 2019): {@code alpha * CE + beta * RCE}, robust to wrong labels.
 *
 * <p>{@code CE = -log p_y} and {@code RCE = -sum_k p_k log q_k}, with {@code p = softmax(z)} and
 * {@code q} the one-hot label clamped to {@code [labelClamp, 1]}. Since {@code log 1 = 0}, RCE equals
 * {@code -log(labelClamp) * (1 - p_y)}: bounded, like a mean absolute error, which is what makes it
 * tolerant of noise. {@code p} is clamped to {@code [1e-7, 1]} inside the CE term (the reference value);
 * where that clamp is active the CE term is constant and its gradient zero.
 *
 * @param alpha      weight of CE, >= 0
 * @param beta       weight of RCE, >= 0
 * @param labelClamp lower clamp of the one-hot label, in (0, 1); 1e-4 in the reference
 */
public record SymmetricCrossEntropyLoss(double alpha, double beta, double labelClamp) implements Loss {

    /** Lower clamp of the predicted probability in the CE term. */
    public static final double PROBABILITY_CLAMP = 1e-7;
    private static final double MAX_CE = -Math.log(PROBABILITY_CLAMP);

    public SymmetricCrossEntropyLoss {
        if (!(alpha >= 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("sce alpha must be a finite number >= 0, was " + alpha);
        }
        if (!(beta >= 0) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException("sce beta must be a finite number >= 0, was " + beta);
        }
        if (alpha == 0 && beta == 0) {
            throw new IllegalArgumentException("sce alpha and beta must not both be 0");
        }
        if (!(labelClamp > 0 && labelClamp < 1)) {
            throw new IllegalArgumentException("sce labelClamp must be in (0, 1), was " + labelClamp);
        }
    }

    /** The reference clamp 1e-4. */
    public SymmetricCrossEntropyLoss(double alpha, double beta) {
        this(alpha, beta, 1e-4);
    }

    /** The project default: alpha = 0.1, beta = 1.0. */
    public static SymmetricCrossEntropyLoss defaults() {
        return new SymmetricCrossEntropyLoss(0.1, 1.0);
    }

    @Override
    public double value(double[] z, int y) {
        double lse = Loss.logSumExp(z);
        double ce = Math.min(lse - z[y], MAX_CE);
        double py = Math.exp(z[y] - lse);
        double rce = -Math.log(labelClamp) * (1.0 - py);
        return alpha * ce + beta * rce;
    }

    @Override
    public void gradient(double[] z, int y, double[] grad) {
        double lse = Loss.logSumExp(z);
        boolean ceClamped = lse - z[y] > MAX_CE;
        double a = -Math.log(labelClamp);
        double py = Math.exp(z[y] - lse);
        for (int k = 0; k < z.length; k++) {
            double pk = Math.exp(z[k] - lse);
            double onehot = k == y ? 1.0 : 0.0;
            double ceGrad = ceClamped ? 0.0 : pk - onehot;
            // d(1 - p_y)/dz_k = -p_y (onehot_k - p_k)
            double rceGrad = -a * py * (onehot - pk);
            grad[k] = alpha * ceGrad + beta * rceGrad;
        }
    }

    @Override
    public String name() {
        return "sce(alpha=" + alpha + ",beta=" + beta + ",labelClamp=" + labelClamp + ")";
    }
}
