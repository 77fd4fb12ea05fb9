package io.github.goldkd.core;

import java.util.List;

/**
 * How well predictions match their gold references: accuracy for classification, exact match and F1 for
 * extractive QA, execution accuracy for math, ROUGE-L for generation. Every student returns its
 * predictions as text ({@link Student#predict}) and every sample carries its references as text
 * ({@link Sample#references()}), so one metric type serves every kind of task.
 *
 * <p>A metric is the mean of a per-sample score; each per-sample score takes the best match over the
 * sample's references (SQuAD's rule for several gold answers). Implementations are stateless and
 * never throw on a malformed prediction: it scores as a miss.
 */
public interface Metric {

    /** The name reports, {@code summary.json} and the command line use, e.g. {@code exact_match}. */
    String name();

    /** Whether a larger value is better (true for every shipped metric). */
    default boolean higherIsBetter() {
        return true;
    }

    /** The score of one prediction against its references (the best over them); 0 when there are none. */
    double score(String prediction, List<String> references);

    /**
     * The mean per-sample score; NaN when there are no samples.
     *
     * @throws IllegalArgumentException when the two lists differ in length
     */
    default double score(List<String> predictions, List<List<String>> references) {
        if (predictions.size() != references.size()) {
            throw new IllegalArgumentException("metric " + name() + ": " + predictions.size() + " predictions for "
                    + references.size() + " reference lists");
        }
        if (predictions.isEmpty()) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < predictions.size(); i++) {
            String p = predictions.get(i);
            sum += p == null ? 0.0 : score(p, references.get(i));
        }
        return sum / predictions.size();
    }
}
