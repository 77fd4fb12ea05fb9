package io.github.goldkd.core;

import java.util.List;

/**
 * Observes a run. Every method has an empty default, so a listener overrides only what it needs.
 * Listeners are called on the loop's thread, in registration order; an exception from a listener
 * fails the run, so listeners should not throw.
 */
public interface DistillationListener {

    /**
     * The run starts, with what is already committed to its run directory: nothing for a new run; on
     * {@linkplain GoldDistiller#resume resume}, every round, sample and selection that earlier processes
     * committed. The callbacks below report only what this process does, so a listener that keeps running
     * totals (samples, tokens, selections, cost) starts them from {@code committed} — its rounds' reports
     * hold the counts and tokens — and ends with the totals of an uninterrupted run. The first round this
     * process runs is {@code committed.rounds().size()}; {@code committed.config()} is the run's
     * configuration as it runs now (a resume may have raised the rounds).
     *
     * <p>The default calls {@link #onRunStart(Task, GoldConfig, int)}, so listeners written against that
     * method keep working.
     */
    default void onRunStart(RunStore.StoredRun committed) {
        onRunStart(committed.task(), committed.config(), committed.rounds().size());
    }

    /**
     * The run starts; {@code firstRound} is 0, or the round after the last committed one on resume. Called by
     * the default {@link #onRunStart(RunStore.StoredRun)}; override that one to see the committed rounds.
     */
    default void onRunStart(Task task, GoldConfig config, int firstRound) {
    }

    /** A train or probe batch has been generated and persisted (ids stamped). */
    default void onGenerated(int round, GenerationMode mode, List<Sample> samples, GenerationStats stats) {
    }

    /** Feedback examples were selected from a probe batch. */
    default void onSelected(Selection selection) {
    }

    /**
     * The in-loop student was updated.
     *
     * @param monitorScore the run's metric ({@link GoldConfig#metric()}) on the monitoring set, NaN when none
     *                     was given
     */
    default void onStudentUpdated(int round, Student.FitReport fit, double monitorScore) {
    }

    /** A round is complete and committed to the run store. */
    default void onRoundEnd(RoundReport report) {
    }

    /** The final student has been trained; {@code monitorScore} as for {@link #onStudentUpdated}. */
    default void onFinalStudentTrained(Student.FitReport fit, double monitorScore) {
    }

    /** The run is over. */
    default void onRunEnd(DistillationResult result) {
    }
}
