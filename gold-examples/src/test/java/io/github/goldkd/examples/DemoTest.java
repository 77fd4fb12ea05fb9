package io.github.goldkd.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code gold demo} end to end, with fewer rounds than the README's. */
class DemoTest {

    @Test
    void demoRunsBothRunsTheCeilingAndTheReport(@TempDir Path tmp) {
        DemoCommand.DemoResult r = DemoCommand.run(tmp, 4, DemoCommand.STUDENT, DemoCommand.SEED);
        assertThat(r.generated()).isEqualTo(4 * 16);
        // With these settings and seed the runs reach 0.913 (GOLD), 0.901 (no feedback) and 0.954 (ceiling),
        // the same on every run; the bounds leave about one point for floating-point differences between
        // machines, so a change that costs accuracy fails here rather than passing above chance (0.5).
        assertThat(r.gold()).isBetween(0.90, 1.0);
        assertThat(r.baseline()).isBetween(0.89, 1.0);
        assertThat(r.ceiling()).isBetween(0.945, 1.0);
        assertThat(r.report()).exists();
        assertThat(tmp.resolve("gold/summary.json")).exists();
        assertThat(tmp.resolve("no-feedback/summary.json")).exists();
        assertThat(tmp.resolve("summary.json")).exists();
        assertThat(r.table()).contains("GOLD").contains("ceiling");
    }

    @Test
    void everyShippedTaskWithADemoIsOfferedAndItsRunsFitTheCorpusTeachersPool() {
        GoldCliTest.Run r = GoldCliTest.gold("demo", "--task", "qnli");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--task must be one of nl4opt, sentiment, squad, svamp, was 'qnli'");
        for (DemoCommand.Settings s : DemoCommand.DEMOS.values()) {
            io.github.goldkd.core.Task task = ShippedTasks.task(s.task());
            assertThat(s.student().supports(task.kind())).as(s.task()).isTrue();
            // each run asks rounds x (train + probe) samples; the simulation never answers a text twice nor
            // with a demonstration, so a run that asked more than that would end early, below the demo's budget
            int asked = s.rounds() * 2 * s.batchSize();
            assertThat(asked).as(s.task()).isLessThanOrEqualTo(
                    ShippedTasks.pool(s.task()).size() - task.demonstrations().size());
        }
        assertThat(DemoCommand.DEMOS.get("svamp").factory(StudentChoice.SEQ2SEQ).describe())
                .as("the demo's seq2seq configuration reaches the student factory")
                .containsEntry("config", DemoCommand.DEMOS.get("svamp").seq2seq());
    }
}
