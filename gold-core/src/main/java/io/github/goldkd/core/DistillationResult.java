package io.github.goldkd.core;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of a run.
 *
 * @param student      the final student (trained afresh on all generated data)
 * @param dataset      every generated sample, train and probe, in generation order
 * @param rounds       the report of each committed round
 * @param selections   every feedback selection
 * @param runDirectory where the run store lives
 * @param stopReason   {@code null} when all rounds ran; otherwise why generation stopped early (a budget)
 * @param metric       the metric that scored the students of this run; use it to score the final student
 *                     on held-out data ({@code student.score(test, metric)})
 */
public record DistillationResult(Student student, Dataset dataset, List<RoundReport> rounds,
                                 List<Selection> selections, Path runDirectory, String stopReason, Metric metric) {

    public DistillationResult {
        rounds = List.copyOf(rounds);
        selections = List.copyOf(selections);
    }

    /** Whether every configured round ran. */
    public boolean completed() {
        return stopReason == null;
    }
}
