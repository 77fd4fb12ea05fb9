package io.github.goldkd.core;

/** Softmax cross-entropy from logits: {@code -log softmax(z)_y}. */
public record CrossEntropyLoss() implements Loss {

    @Override
    public double value(double[] z, int y) {
        return Loss.logSumExp(z) - z[y];
    }

    @Override
    public void gradient(double[] z, int y, double[] grad) {
        Loss.softmax(z, grad);
        grad[y] -= 1.0;
    }

    @Override
    public String name() {
        return "ce";
    }
}
