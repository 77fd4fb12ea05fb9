package io.github.goldkd.examples;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.student.LexicalOverlap;

import java.util.List;
import java.util.function.BiFunction;

/**
 * The lexical-overlap baseline of the pair benchmark: multinomial logistic regression on the
 * {@link LexicalOverlap} features of a task's pair alone (standardised, L2 1e-3, full-batch gradient descent
 * to convergence). Deterministic: no seed. What a pair-aware student must beat to show it learned more than
 * word overlap. {@link #fit(Task, Dataset, BiFunction)} fits the same regression on other pair features (the
 * encoder student's wide path: overlap and token alignment), to show what the student adds beyond them.
 */
final class OverlapBaseline {

    private static final int ITERATIONS = 3000;
    private static final double LEARNING_RATE = 0.5;
    private static final double L2 = 1e-3;

    private final Task task;
    private final BiFunction<String, String, float[]> features;
    private final double[] mean;
    private final double[] scale;
    /** [classes][features + 1], the bias last. */
    private final double[][] weights;

    private OverlapBaseline(Task task, BiFunction<String, String, float[]> features, double[] mean, double[] scale,
                            double[][] weights) {
        this.task = task;
        this.features = features;
        this.mean = mean;
        this.scale = scale;
        this.weights = weights;
    }

    /** Fits the baseline on {@code data}; the task must be a sentence pair. */
    static OverlapBaseline fit(Task task, Dataset data) {
        return fit(task, data, LexicalOverlap::features);
    }

    /** The same regression on {@code features} of each pair (first, second) instead of the overlap features. */
    static OverlapBaseline fit(Task task, Dataset data, BiFunction<String, String, float[]> features) {
        if (!task.isPair()) {
            throw new IllegalArgumentException("task '" + task.name() + "' is not a sentence pair");
        }
        if (data.isEmpty()) {
            throw new IllegalArgumentException("the overlap baseline needs training data, got none");
        }
        int n = data.size();
        int c = task.labels().size();
        double[][] x = new double[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = raw(task, features, data.samples().get(i));
            y[i] = task.labelIndex(data.samples().get(i).label());
        }
        int d = x[0].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / n;
            }
        }
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                scale[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / n;
            }
        }
        for (int j = 0; j < d; j++) {
            scale[j] = scale[j] > 1e-12 ? Math.sqrt(scale[j]) : 1; // a constant feature stays 0 after centring
        }
        double[][] z = new double[n][];
        for (int i = 0; i < n; i++) {
            z[i] = standardise(x[i], mean, scale);
        }
        double[][] w = new double[c][d + 1];
        double[][] grad = new double[c][d + 1];
        double[] p = new double[c];
        for (int it = 0; it < ITERATIONS; it++) {
            for (double[] g : grad) {
                java.util.Arrays.fill(g, 0);
            }
            for (int i = 0; i < n; i++) {
                probabilities(w, z[i], p);
                for (int k = 0; k < c; k++) {
                    double e = p[k] - (y[i] == k ? 1 : 0);
                    for (int j = 0; j < d; j++) {
                        grad[k][j] += e * z[i][j] / n;
                    }
                    grad[k][d] += e / n;
                }
            }
            for (int k = 0; k < c; k++) {
                for (int j = 0; j <= d; j++) {
                    double reg = j < d ? L2 * w[k][j] : 0;
                    w[k][j] -= LEARNING_RATE * (grad[k][j] + reg);
                }
            }
        }
        return new OverlapBaseline(task, features, mean, scale, w);
    }

    /** Share of {@code data} whose label is the predicted one. */
    double accuracy(Dataset data) {
        int correct = 0;
        for (Sample s : data) {
            if (predict(s).equals(s.label())) {
                correct++;
            }
        }
        return data.isEmpty() ? Double.NaN : correct / (double) data.size();
    }

    String predict(Sample s) {
        double[] p = new double[weights.length];
        probabilities(weights, standardise(raw(task, features, s), mean, scale), p);
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return task.labelNames().get(best);
    }

    private static double[] raw(Task task, BiFunction<String, String, float[]> features, Sample s) {
        List<String> ab = task.pairTexts(s);
        float[] v = features.apply(ab.get(0), ab.get(1));
        double[] out = new double[v.length];
        for (int j = 0; j < v.length; j++) {
            out[j] = v[j];
        }
        return out;
    }

    private static double[] standardise(double[] x, double[] mean, double[] scale) {
        double[] z = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            z[j] = (x[j] - mean[j]) / scale[j];
        }
        return z;
    }

    private static void probabilities(double[][] w, double[] z, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        int d = z.length;
        for (int k = 0; k < w.length; k++) {
            double s = w[k][d];
            for (int j = 0; j < d; j++) {
                s += w[k][j] * z[j];
            }
            p[k] = s;
            max = Math.max(max, s);
        }
        double sum = 0;
        for (int k = 0; k < p.length; k++) {
            p[k] = Math.exp(p[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < p.length; k++) {
            p[k] /= sum;
        }
    }
}
