package io.github.goldkd.student;

/** The settings of the shared training loop that every student configuration carries. */
interface TrainingSchedule {

    /** Samples per mini-batch. */
    int batchSize();

    /** Share of each fit's data held out for early stopping. */
    double validationFraction();

    /** Epochs without validation gain before stopping; 0 never stops early. */
    int patience();
}
