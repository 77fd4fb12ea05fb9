package io.github.goldkd.core;

import java.util.Objects;

/**
 * How a student trains: the loss, the mini-batch filter and the seed of its weight initialisation.
 *
 * <p>A run passes two kinds (see {@link Student}): the in-loop student gets the loop loss, cross-entropy by
 * default, and {@link BatchFilter#NONE}; the final student gets the final loss, symmetric cross-entropy by
 * default, whose reverse term's gradient is up to about 9&times; that of cross-entropy at the default label
 * clamp 1e-4 ({@code -ln(1e-4) * p_y}), and the run's batch filter. A student must train with {@link #loss()}
 * and apply {@link #batchFilter()} inside each mini-batch step ({@link BatchFilter#keep}); a student that is
 * stable with cross-entropy alone may diverge with SCE, so test both.
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
