package io.github.goldkd.core;

import java.util.Objects;

/**
 * How a student trains: the loss, the mini-batch filter and the seed of its weight initialisation.
 *
 * @param loss        the per-sample loss on logits
 * @param batchFilter drops samples from each mini-batch by score; {@link BatchFilter#NONE} keeps all
 * @param seed        seed for weight initialisation
 */
public record TrainingOptions(Loss loss, BatchFilter batchFilter, long seed) {

    public TrainingOptions {
        Objects.requireNonNull(loss, "loss");
        batchFilter = batchFilter == null ? BatchFilter.NONE : batchFilter;
    }

    /** Cross-entropy, no filter. */
    public static TrainingOptions defaults(long seed) {
        return new TrainingOptions(new CrossEntropyLoss(), BatchFilter.NONE, seed);
    }
}
