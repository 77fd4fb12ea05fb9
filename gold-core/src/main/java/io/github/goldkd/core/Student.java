package io.github.goldkd.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The small model being distilled. It trains on samples, continuing from its current weights, and
 * exposes its pre-softmax {@link Logits} so that OOD scores can be computed from them.
 */
public interface Student {

    /** The task this student was built for; its labels define the class indices. */
    Task task();

    /**
     * Trains for {@code epochs} passes over {@code data}, continuing from the current weights.
     * An empty dataset is a no-op.
     *
     * @param seed drives shuffling and any other randomness of this call
     */
    FitReport fit(Dataset data, int epochs, long seed);

    /**
     * Logits for each sample in eval mode (no dropout), in order. Where a sample's label is known to the
     * task, its class index is set as the target.
     */
    List<Logits> logits(List<Sample> samples);

    /** Writes the whole student (network, vocabulary, configuration) to one file. */
    void save(Path file);

    /** The predicted label of each sample: the argmax of its logits. */
    default List<String> predict(List<Sample> samples) {
        List<String> names = task().labelNames();
        List<String> out = new ArrayList<>(samples.size());
        for (Logits z : logits(samples)) {
            out.add(names.get(z.argmax(0)));
        }
        return out;
    }

    /** Share of samples whose predicted label equals their label; NaN for an empty dataset. */
    default double accuracy(Dataset data) {
        if (data.isEmpty()) {
            return Double.NaN;
        }
        List<String> predicted = predict(data.samples());
        int correct = 0;
        for (int i = 0; i < predicted.size(); i++) {
            if (predicted.get(i).equals(data.get(i).label())) {
                correct++;
            }
        }
        return correct / (double) data.size();
    }

    /** Settings that describe this student, for the provenance file. */
    default Map<String, Object> describe() {
        return Map.of("class", getClass().getName());
    }

    /**
     * What one call of {@link #fit} did.
     *
     * @param epochs             passes actually run (early stopping may cut them short)
     * @param trainLoss          mean loss of the last epoch, NaN if unknown
     * @param validationAccuracy accuracy on the held-out slice of the training data, NaN if none
     * @param millis             wall time
     */
    record FitReport(int epochs, double trainLoss, double validationAccuracy, long millis) {
        public static final FitReport NOTHING = new FitReport(0, Double.NaN, Double.NaN, 0);
    }
}
