package io.github.goldkd.student;

import java.util.function.Supplier;

/**
 * Early stopping on a validation slice, fed after every epoch by {@link AbstractStudent#fit}. The kept model is
 * the epoch with the best validation accuracy, ties going to the lower validation loss; patience counts epochs
 * in which neither the accuracy nor the loss improved, so an early plateau of the accuracy (the loss still
 * falling) does not stop training.
 */
final class EarlyStopping {

    /** The parameters of a model at one moment, which can be put back into it. */
    @FunctionalInterface
    interface Snapshot {
        void restore();
    }

    private final int patience;
    private Snapshot best;
    private int bestEpoch;
    private double bestAccuracy = Double.NEGATIVE_INFINITY;
    private double bestKeptLoss = Double.POSITIVE_INFINITY;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private int epochsWithoutGain;

    /** @param patience epochs without gain before stopping, >= 1 */
    EarlyStopping(int patience) {
        Checks.atLeast("patience", patience, 1);
        this.patience = patience;
    }

    /**
     * Records one epoch's validation result; snapshots the model when it is the best so far (not after the last
     * epoch asked for: that model stays in place anyway).
     *
     * @return whether training should stop
     */
    boolean afterEpoch(int epoch, int epochs, double accuracy, double loss, Supplier<Snapshot> snapshot) {
        boolean gain = false;
        if (accuracy > bestAccuracy || (accuracy == bestAccuracy && loss < bestKeptLoss)) {
            bestAccuracy = accuracy;
            bestKeptLoss = loss;
            bestEpoch = epoch;
            best = epoch < epochs ? snapshot.get() : null;
            gain = true;
        }
        if (loss < bestLoss) {
            bestLoss = loss;
            gain = true;
        }
        epochsWithoutGain = gain ? 0 : epochsWithoutGain + 1;
        return epochsWithoutGain >= patience;
    }

    int bestEpoch() {
        return bestEpoch;
    }

    /**
     * Puts the best epoch's parameters back when training went on past it.
     *
     * @return whether it did (the validation accuracy to report is then {@link #bestAccuracy()})
     */
    boolean restoreBest(int lastEpoch) {
        if (best == null || bestEpoch == lastEpoch) {
            return false;
        }
        best.restore();
        return true;
    }

    double bestAccuracy() {
        return bestAccuracy;
    }
}
