package io.github.goldkd.examples.bench;

import io.github.goldkd.core.Label;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The synthetic speed workload: texts of a fixed number of tokens over a vocabulary of {@code w0 .. w<V-1>}.
 * Every token is drawn from a Zipf background over the whole vocabulary, except that with probability
 * {@code topicRate} it comes from its class's topic words (a few hundred tokens, Zipf-distributed, that
 * overlap between classes). So a text carries only a handful of class evidence among background noise:
 * learnable, but not to 100 %.
 */
final class SyntheticTask {

    private final int classes;
    private final int vocabulary;
    private final int length;
    private final double topicRate;
    private final int[][] topics;
    private final double[] backgroundCdf;
    private final double[] topicCdf;

    SyntheticTask(int classes, int vocabulary, int length, double topicRate, int topicSize, long seed) {
        this.classes = classes;
        this.vocabulary = vocabulary;
        this.length = length;
        this.topicRate = topicRate;
        SplittableRandom r = new SplittableRandom(seed);
        topics = new int[classes][topicSize];
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < topicSize; i++) {
                // topic words avoid the 100 most frequent background words, which say nothing
                topics[c][i] = 100 + r.nextInt(vocabulary - 100);
            }
        }
        backgroundCdf = zipfCdf(vocabulary, 1.0);
        topicCdf = zipfCdf(topicSize, 0.8);
    }

    Task task() {
        List<Label> labels = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            labels.add(new Label("c" + c, "synthetic class " + c));
        }
        return Task.classification("synthetic", "synthetic bag-of-words classes", labels, List.of());
    }

    /** {@code n} samples with balanced classes, drawn with {@code seed}. */
    List<Sample> samples(int n, long seed, String idPrefix) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Sample> out = new ArrayList<>(n);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int c = i % classes;
            sb.setLength(0);
            for (int t = 0; t < length; t++) {
                int w = r.nextDouble() < topicRate ? topics[c][draw(topicCdf, r)] : draw(backgroundCdf, r);
                if (t > 0) {
                    sb.append(' ');
                }
                sb.append('w').append(w);
            }
            out.add(Sample.real(idPrefix + i, sb.toString(), "c" + c));
        }
        java.util.Collections.shuffle(out, new java.util.Random(seed));
        return out;
    }

    private static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1.0 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= sum;
        }
        return cdf;
    }

    private static int draw(double[] cdf, SplittableRandom r) {
        double u = r.nextDouble();
        int i = java.util.Arrays.binarySearch(cdf, u);
        return Math.min(cdf.length - 1, i >= 0 ? i : -i - 1);
    }
}
