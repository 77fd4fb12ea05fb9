package io.github.goldkd.core;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link FeedbackSelector} may look at when it chooses from one probe batch: the samples themselves
 * (their texts and teacher labels or targets), their OOD scores, the in-loop student's logits of them, the
 * task and the seed. Rules that need more than the scores (a band per teacher label, diversity of texts,
 * disagreement between student and teacher) read it through {@link FeedbackSelector#select(SelectionContext)}.
 *
 * <p>The lists are copied and the scores cloned in and out, so a selector cannot change what the loop
 * records in its selection.
 *
 * @param probe  the probe batch, in batch order
 * @param scores the score of each probe sample, same order
 * @param logits the student's logits of each probe sample, same order
 * @param task   the task being distilled
 * @param seed   for selectors that draw at random
 */
public record SelectionContext(List<Sample> probe, double[] scores, List<Logits> logits, Task task, long seed) {

    public SelectionContext {
        probe = List.copyOf(Objects.requireNonNull(probe, "probe"));
        scores = Objects.requireNonNull(scores, "scores").clone();
        logits = List.copyOf(Objects.requireNonNull(logits, "logits"));
        Objects.requireNonNull(task, "task");
        if (scores.length != probe.size() || logits.size() != probe.size()) {
            throw new IllegalArgumentException("a selection context needs one score and one logits per probe sample: "
                    + probe.size() + " samples, " + scores.length + " scores, " + logits.size() + " logits");
        }
    }

    /** The number of probe samples. */
    public int size() {
        return probe.size();
    }

    /** The score of each probe sample, in batch order (a copy). */
    @Override
    public double[] scores() {
        return scores.clone();
    }
}
