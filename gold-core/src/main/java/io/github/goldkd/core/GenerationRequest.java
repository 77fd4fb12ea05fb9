package io.github.goldkd.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One request of the loop to a {@link Generator}.
 *
 * @param task      the task to write data for (its demonstrations go into the prompt)
 * @param mode      train or probe
 * @param labels    the label requested for each sample, one entry per wanted sample; entries are
 *                  {@code null} for sequence tasks, whose targets the generator writes itself
 * @param feedback  feedback examples for the prompt; empty outside feedback rounds
 * @param round     the loop round (0-based) this request belongs to
 * @param seed      the seed for every random choice of this request (derived from the master seed)
 */
public record GenerationRequest(Task task, GenerationMode mode, List<String> labels, List<Sample> feedback,
                                int round, long seed) {

    public GenerationRequest {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(mode, "mode");
        labels = Collections.unmodifiableList(new ArrayList<>(Objects.requireNonNull(labels, "labels")));
        feedback = List.copyOf(Objects.requireNonNull(feedback, "feedback"));
        Check.atLeast("round", round, 0);
    }

    /** The number of samples asked for. */
    public int count() {
        return labels.size();
    }
}
