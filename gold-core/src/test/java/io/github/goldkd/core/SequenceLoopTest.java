package io.github.goldkd.core;

import io.github.goldkd.core.metric.Metrics;
import io.github.goldkd.core.testing.Faults;
import io.github.goldkd.core.testing.Fixtures;
import io.github.goldkd.core.testing.ScriptedGenerator;
import io.github.goldkd.core.testing.SequenceStudent;
import io.github.goldkd.core.testing.TestScorer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The loop on each sequence kind with a student that returns sequence logits: targets flow from the
 * generator to the run store and the student, probes are scored on their real positions only, students
 * are measured by the kind's metric, and a resumed run ends as an uninterrupted one.
 */
class SequenceLoopTest {

    @TempDir
    Path tmp;

    static Stream<Task> tasks() {
        return Fixtures.sequenceTasks().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tasks")
    void runsEndToEndWithTheKindsMetric(Task task) {
        List<double[]> expectedScores = new ArrayList<>();
        TestScorer energy = new TestScorer();
        OodScorer checking = new OodScorer() {
            @Override
            public double[] score(List<Logits> batch) {
                double[] got = energy.score(batch);
                double[] realOnly = new double[batch.size()];
                for (int i = 0; i < batch.size(); i++) {
                    Logits z = batch.get(i);
                    assertThat(z.isSequence()).isTrue();
                    assertThat(z.positions()).isEqualTo(SequenceStudent.LENGTH);
                    double sum = 0;
                    for (int t = 0; t < z.realPositions(); t++) {
                        sum += TestScorer.energy(z, t);
                    }
                    realOnly[i] = sum / z.realPositions();
                }
                expectedScores.add(realOnly);
                return got;
            }

            @Override
            public String name() {
                return energy.name();
            }
        };
        Dataset monitor = Dataset.of(task.demonstrations());
        DistillationResult result = builder(task, tmp.resolve("run"), 6).oodScorer(checking).monitor(monitor).build()
                .run();

        Metric metric = Metrics.defaultFor(task.kind());
        assertThat(result.metric().name()).isEqualTo(metric.name())
                .isEqualTo(switch (task.kind()) {
                    case EXTRACTIVE_QA -> "exact_match";
                    case MATH_WORD_PROBLEM -> "execution_accuracy";
                    default -> "rouge_l";
                });
        assertThat(RunStore.read(tmp.resolve("run")).config().metric()).isEqualTo(metric.name());
        assertThat(result.dataset().size()).isEqualTo(6 * (3 + 4));
        for (Sample s : result.dataset()) {
            assertThat(s.label()).isNull();
            assertThat(s.target()).isNotBlank();
            if (task.kind() == TaskKind.EXTRACTIVE_QA) {
                assertThat(s.input(task.spanField())).contains(s.target());
            }
        }
        // The run store holds the targets, so a resumed or evaluated run sees what the student saw.
        assertThat(RunStore.read(tmp.resolve("run")).samples().samples()).isEqualTo(result.dataset().samples());

        // Probes were scored on real positions only: the padding rows of this student would move the average.
        assertThat(result.selections()).hasSize(6);
        for (int i = 0; i < result.selections().size(); i++) {
            double[] stored = result.selections().get(i).scores();
            for (int j = 0; j < stored.length; j++) {
                assertThat(stored[j]).isCloseTo(expectedScores.get(i)[j], within(1e-12));
            }
        }

        // The in-loop student is measured on the monitor by the kind's metric: it never saw the demonstrations.
        for (RoundReport r : result.rounds()) {
            assertThat(r.studentScore()).isEqualTo(r.studentUpdated() ? Double.valueOf(0.0) : null);
        }
        // The final student memorised its training data; the metric of its predictions says so.
        assertThat(result.student().score(result.dataset(), metric)).isEqualTo(1.0);
        assertThat(result.student().score(monitor, metric)).isEqualTo(0.0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tasks")
    void resumedRunEqualsUninterruptedRun(Task task) {
        DistillationResult reference = builder(task, tmp.resolve("reference"), 6).build().run();
        Path dir = tmp.resolve("resumed");
        ScriptedGenerator crashing = new ScriptedGenerator().faults(Faults.at("generate-probe", 4));
        try {
            builder(task, dir, 6).generator(crashing).build().run();
        } catch (Faults.InjectedFault expected) {
            // the run dies in round 3; rounds 0-2 are committed
        }
        DistillationResult resumed = GoldDistiller.resume(dir).generator(new ScriptedGenerator())
                .student(SequenceStudent.factory()).oodScorer(new TestScorer()).build().run();
        assertThat(resumed.dataset()).isEqualTo(reference.dataset());
        assertThat(resumed.selections()).isEqualTo(reference.selections());
        assertThat(resumed.metric().name()).isEqualTo(reference.metric().name());
        assertThat(resumed.student().predict(resumed.dataset().samples()))
                .isEqualTo(reference.student().predict(reference.dataset().samples()));
    }

    private static GoldDistiller.Builder builder(Task task, Path dir, int rounds) {
        return GoldDistiller.builder().task(task).generator(new ScriptedGenerator())
                .student(SequenceStudent.factory()).oodScorer(new TestScorer())
                .batchSize(3).probeSize(4).rounds(rounds).feedbackEvery(1).updateStudentEvery(2)
                .runDirectory(dir).seed(5);
    }
}
