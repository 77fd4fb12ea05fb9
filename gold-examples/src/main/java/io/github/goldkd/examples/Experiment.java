package io.github.goldkd.examples;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.DistillationListener;
import io.github.goldkd.core.DistillationResult;
import io.github.goldkd.core.Generator;
import io.github.goldkd.core.GoldDistiller;
import io.github.goldkd.core.RoundReport;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.Loss;
import io.github.goldkd.core.Seeds;
import io.github.goldkd.core.Metric;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.metric.Metrics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One distillation run as the command line and the benchmarks make it: build the distiller from a base
 * configuration plus the caller's changes, run (or resume) it, evaluate the final student on the test
 * set and sum up what generation cost.
 */
final class Experiment {

    private Experiment() {
    }

    /**
     * What one run gave.
     *
     * @param result     the distillation result
     * @param testScores every metric of the task on the test set by name, the run's metric first; empty
     *                   without a test set
     * @param seconds    wall time of the run
     */
    record Outcome(DistillationResult result, Map<String, Double> testScores, double seconds) {

        /** The run's metric on the test set, NaN without one. */
        double testScore() {
            return testScores.getOrDefault(result.metric().name(), Double.NaN);
        }

        /** The name of the run's metric, e.g. {@code accuracy} or {@code exact_match}. */
        String metric() {
            return result.metric().name();
        }

        long requests() {
            return result.rounds().stream().mapToLong(RoundReport::requests).sum();
        }

        long promptTokens() {
            return result.rounds().stream().mapToLong(RoundReport::promptTokens).sum();
        }

        long completionTokens() {
            return result.rounds().stream().mapToLong(RoundReport::completionTokens).sum();
        }

        Summary summary(long seed, String student) {
            Summary s = new Summary().put("metric", metric());
            if (!testScores.isEmpty()) {
                s.putScores(metric(), testScores, result.student().task().kind());
            }
            return s.put("generatedSamples", result.dataset().size())
                    .put("rounds", result.rounds().size())
                    .put("requests", requests())
                    .put("promptTokens", promptTokens())
                    .put("completionTokens", completionTokens())
                    .put("seconds", seconds)
                    .put("seed", seed)
                    .put("student", student)
                    .put("completed", result.completed())
                    .put("stopReason", result.stopReason());
        }
    }

    /**
     * Runs GOLD (or an ablation, through {@code configure}) in {@code dir}.
     *
     * @param resume continue the run already in {@code dir} instead of starting one
     */
    static Outcome run(Task task, Generator teacher, StudentFactory students, Dataset test, Path dir, boolean resume,
                       UnaryOperator<GoldDistiller.Builder> configure) {
        return run(resume ? GoldDistiller.resume(dir) : GoldDistiller.builder().task(task).runDirectory(dir), teacher,
                students, test, configure);
    }

    /**
     * Runs the distiller {@code start} begins: a fresh builder with task and run directory, or the one
     * {@link GoldDistiller#resume} made (so a caller that has opened the run for resuming does not open it
     * again).
     */
    static Outcome run(GoldDistiller.Builder start, Generator teacher, StudentFactory students, Dataset test,
                       UnaryOperator<GoldDistiller.Builder> configure) {
        return run(start, teacher, students, test, test, configure);
    }

    /**
     * As {@link #run(Task, Generator, StudentFactory, Dataset, Path, boolean, UnaryOperator)}, but the loop
     * scores its in-loop students on {@code monitor} (a fixed subset of the test set, so that scoring after
     * every update stays cheap for a student that decodes), while the final student is scored on the whole
     * {@code test} set.
     */
    static Outcome run(Task task, Generator teacher, StudentFactory students, Dataset test, Dataset monitor, Path dir,
                       UnaryOperator<GoldDistiller.Builder> configure) {
        return run(GoldDistiller.builder().task(task).runDirectory(dir), teacher, students, test, monitor, configure);
    }

    private static Outcome run(GoldDistiller.Builder start, Generator teacher, StudentFactory students, Dataset test,
                               Dataset monitor, UnaryOperator<GoldDistiller.Builder> configure) {
        long startNanos = System.nanoTime();
        GoldDistiller.Builder b = start.generator(teacher).student(students);
        double[] finalScore = {Double.NaN};
        boolean monitorIsTest = monitor == test;
        if (monitor != null && !monitor.isEmpty()) {
            // The loop measures the final student on the monitoring set already; keep that number when the
            // monitoring set is the whole test set.
            b.monitor(monitor).listener(new DistillationListener() {
                @Override
                public void onFinalStudentTrained(Student.FitReport fit, double monitorScore) {
                    finalScore[0] = monitorIsTest ? monitorScore : Double.NaN;
                }
            });
        }
        // A setting the builder refuses is an IllegalArgumentException, which the command line reports as a
        // usage error (status 2).
        GoldDistiller distiller = configure.apply(b).build();
        DistillationResult result = distiller.run();
        Map<String, Double> scores = new LinkedHashMap<>();
        if (test != null && !test.isEmpty()) {
            List<Metric> metrics = metrics(result.metric(), result.student().task().kind());
            if (metrics.size() == 1 && !Double.isNaN(finalScore[0])) {
                scores.put(result.metric().name(), finalScore[0]);
            } else {
                scores.putAll(Metrics.scoreAll(result.student(), test, metrics));
            }
        }
        return new Outcome(result, scores, (System.nanoTime() - startNanos) / 1e9);
    }

    /**
     * A fixed subset of {@code test} for monitoring the in-loop student: {@code size} samples drawn with
     * {@code seed}, kept in the test set's order; the whole set (the same object) when {@code size} is 0 or
     * not smaller than it.
     */
    static Dataset monitorSubset(Dataset test, int size, long seed) {
        if (size < 0) {
            throw new IllegalArgumentException("monitor size must be >= 0 (0 = the whole test set), was " + size);
        }
        if (test == null || size == 0 || size >= test.size()) {
            return test;
        }
        // by identity: a test set may hold two equal samples, and the subset must have exactly size of them
        java.util.Set<Sample> chosen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        chosen.addAll(test.shuffle(seed).head(size).samples());
        return test.filter(chosen::contains);
    }

    /** The run's metric first, then the task kind's other metrics: what summary.json's testScores holds. */
    static List<Metric> metrics(Metric primary, TaskKind kind) {
        List<Metric> metrics = new ArrayList<>();
        metrics.add(primary);
        for (Metric m : Metrics.allFor(kind)) {
            if (!m.name().equals(primary.name())) {
                metrics.add(m);
            }
        }
        return metrics;
    }

    /** The real-data ceiling: a fresh student of the same kind trained on the whole pool like a final student. */
    static double ceiling(Task task, StudentFactory students, Dataset pool, Dataset test, Loss loss,
                          BatchFilter filter, int epochs, long seed) {
        Student s = students.create(task, new TrainingOptions(loss, filter, Seeds.derive(seed, "final-init")));
        s.fit(pool, epochs, Seeds.derive(seed, "final-fit"));
        return s.score(test, Metrics.defaultFor(task.kind()));
    }
}
