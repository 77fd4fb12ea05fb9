package io.github.goldkd.student;

/**
 * Progress of a student's {@code fit}: called after every epoch, on the training thread. Keep it cheap.
 */
@FunctionalInterface
public interface TrainingListener {

    /** One epoch is done. */
    void onEpochEnd(EpochReport report);

    /**
     * What an epoch did.
     *
     * @param epoch              1-based index of the epoch within this fit call
     * @param epochs             epochs asked for in this fit call (early stopping may end before)
     * @param trainLoss          mean loss over the samples trained on in this epoch
     * @param validationAccuracy accuracy on the validation slice after this epoch, NaN without one
     * @param samplesTrained     samples trained on in this epoch (after the batch filter)
     * @param millis             wall time of the epoch
     */
    record EpochReport(int epoch, int epochs, double trainLoss, double validationAccuracy, int samplesTrained,
                       long millis) {
    }
}
