package io.github.goldkd.examples;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.DistillationListener;
import io.github.goldkd.core.DistillationResult;
import io.github.goldkd.core.Generator;
import io.github.goldkd.core.GoldDistiller;
import io.github.goldkd.core.RoundReport;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.Loss;
import io.github.goldkd.core.Seeds;

import java.nio.file.Path;
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
     * @param result       the distillation result
     * @param testAccuracy accuracy of the final student on the test set, NaN without one
     * @param seconds      wall time of the run
     */
    record Outcome(DistillationResult result, double testAccuracy, double seconds) {

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
            Summary s = new Summary();
            if (!Double.isNaN(testAccuracy)) {
                s.put("testAccuracy", testAccuracy);
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
        long start = System.nanoTime();
        GoldDistiller.Builder b = resume ? GoldDistiller.resume(dir) : GoldDistiller.builder().task(task).runDirectory(dir);
        b.generator(teacher).student(students);
        double[] finalAccuracy = {Double.NaN};
        if (test != null && !test.isEmpty()) {
            // The loop measures the final student on the monitoring set already; keep that number.
            b.monitor(test).listener(new DistillationListener() {
                @Override
                public void onFinalStudentTrained(Student.FitReport fit, double monitorAccuracy) {
                    finalAccuracy[0] = monitorAccuracy;
                }
            });
        }
        DistillationResult result = configure.apply(b).build().run();
        double acc = test == null || test.isEmpty() ? Double.NaN
                : !Double.isNaN(finalAccuracy[0]) ? finalAccuracy[0] : result.student().accuracy(test);
        return new Outcome(result, acc, (System.nanoTime() - start) / 1e9);
    }

    /** The real-data ceiling: a fresh student of the same kind trained on the whole pool like a final student. */
    static double ceiling(Task task, StudentFactory students, Dataset pool, Dataset test, Loss loss,
                          BatchFilter filter, int epochs, long seed) {
        Student s = students.create(task, new TrainingOptions(loss, filter, Seeds.derive(seed, "final-init")));
        s.fit(pool, epochs, Seeds.derive(seed, "final-fit"));
        return s.accuracy(test);
    }
}
