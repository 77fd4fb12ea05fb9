package io.github.goldkd.core;

import java.nio.file.Path;

/**
 * The part every hand-made test student shares: it holds its task, training does nothing and it cannot be
 * saved; a subclass says how it scores. One class so that the tests of {@link Predictor} and {@link Student}'s
 * defaults do not each repeat the same stub.
 */
abstract class UntrainedStudent implements Student {

    private final Task task;

    UntrainedStudent(Task task) {
        this.task = task;
    }

    @Override
    public final Task task() {
        return task;
    }

    @Override
    public FitReport fit(Dataset data, int epochs, long seed) {
        return FitReport.NOTHING;
    }

    @Override
    public void save(Path file) {
        throw new UnsupportedOperationException("a test student is never saved");
    }
}
