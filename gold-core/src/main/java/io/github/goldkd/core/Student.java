package io.github.goldkd.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The small model being distilled. It trains on samples, continuing from its current weights, exposes its
 * pre-softmax {@link Logits} so that OOD scores can be computed from them, and writes its predictions as
 * text, which a {@link Metric} scores against each sample's references. The same contract serves
 * classifiers (one row of class logits, the label as prediction) and sequence students (one row per target
 * position, the generated text as prediction).
 *
 * <h2>Writing a student: two trainings, one filter</h2>
 * A run trains students of one {@link StudentFactory} in two different ways, with the
 * {@link TrainingOptions} it passes to {@link StudentFactory#create}:
 * <ul>
 *   <li>the <b>in-loop</b> student, which scores the probes, trains with the loop loss, cross-entropy by
 *       default ({@link GoldDistiller.Builder#loopLoss}), and {@link BatchFilter#NONE};</li>
 *   <li>the <b>final</b> student, trained afresh on all generated data, trains with the final loss,
 *       symmetric cross-entropy by default ({@link SymmetricCrossEntropyLoss#defaults()}: alpha 0.1, beta 1,
 *       label clamp 1e-4; {@link GoldDistiller.Builder#finalLoss}), and the run's batch filter.</li>
 * </ul>
 * The two losses do not train alike. SCE's reverse term has the gradient of cross-entropy times
 * {@code -ln(labelClamp) * p_y}: at the default clamp up to <b>about 9&times; larger</b> (9.2 where the
 * student is confident in the label). A student whose optimiser and step size are stable in the loop can
 * diverge in the final training: a user's custom student reached 0.89 monitoring accuracy in the loop and
 * collapsed to 0.31 as the final student. Test a student with both losses and keep its steps stable under
 * SCE (an adaptive optimiser such as Adam, a smaller learning rate, or gradient clipping).
 *
 * <p>A student must train with {@code options.loss()} and honour {@code options.batchFilter()}: inside each
 * mini-batch step, compute the current network's logits of the batch, call
 * {@link BatchFilter#keep(List)} and train on the kept samples only. A student that ignores the filter
 * trains the final student on samples the run's filter (e.g. gold-ood's {@code BatchFilters.reference()})
 * was meant to drop, and nothing fails.
 *
 * <p><b>Thread safety.</b> A student need not be thread-safe, and the shipped ones are not: one thread at a
 * time trains it or asks it for logits or predictions (a DL4J network keeps per-call state). To predict from
 * many threads, use a {@link Predictor}, which gives each concurrent call its own copy of the student, or
 * give each thread its own copy (for example loaded from the same student file).
 *
 * <p>To predict raw strings rather than samples, use {@link Predictor#predict(List)} and
 * {@link Predictor#probabilities(List)}.
 */
public interface Student {

    /** The task this student was built for; for a classifier its labels define the class indices. */
    Task task();

    /**
     * Trains for {@code epochs} passes over {@code data}, continuing from the current weights.
     * An empty dataset is a no-op.
     *
     * @param seed drives shuffling and any other randomness of this call
     */
    FitReport fit(Dataset data, int epochs, long seed);

    /**
     * Logits for each sample in eval mode (no dropout), in order. A classifier gives one row over the
     * labels, with the class index of the sample's label as target when it is known to the task. A sequence
     * student gives one row per target position, teacher-forced on the sample's target, with a mask of the
     * real positions (padding never enters a score or a loss) and the target tokens.
     */
    List<Logits> logits(List<Sample> samples);

    /** Writes the whole student (network, vocabulary, configuration) to one file. */
    void save(Path file);

    /**
     * The predicted output of each sample as text, in order: for a classifier the label with the largest
     * logit (this default); a sequence student overrides it with the text it writes (a span, an expression,
     * a formulation).
     */
    default List<String> predict(List<Sample> samples) {
        if (task().kind().isSequence()) {
            throw new UnsupportedOperationException(getClass().getName() + " does not implement predict for "
                    + task().kind() + " tasks; a sequence student must override Student.predict");
        }
        List<String> names = task().labelNames();
        List<String> out = new ArrayList<>(samples.size());
        for (Logits z : logits(samples)) {
            out.add(names.get(z.argmax(0)));
        }
        return out;
    }

    /**
     * The mean of {@code metric} over the predictions of {@code data} against their references
     * ({@link Sample#references()}); NaN for an empty dataset.
     */
    default double score(Dataset data, Metric metric) {
        if (data.isEmpty()) {
            return Double.NaN;
        }
        List<String> predicted = predict(data.samples());
        List<List<String>> references = new ArrayList<>(data.size());
        for (Sample s : data) {
            references.add(s.references());
        }
        return metric.score(predicted, references);
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
     * @param validationScore    the task's metric on the held-out slice of the training data, NaN if none
     * @param millis             wall time
     */
    record FitReport(int epochs, double trainLoss, double validationScore, long millis) {
        public static final FitReport NOTHING = new FitReport(0, Double.NaN, Double.NaN, 0);
    }
}
