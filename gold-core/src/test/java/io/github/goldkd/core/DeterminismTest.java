package io.github.goldkd.core;

import io.github.goldkd.core.testing.ControlledStudent;
import io.github.goldkd.core.testing.Faults;
import io.github.goldkd.core.testing.Fixtures;
import io.github.goldkd.core.testing.ScriptedGenerator;
import io.github.goldkd.core.testing.TestScorer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DeterminismTest {

    @TempDir
    Path tmp;

    @Test
    void sameSeedSameRunDifferentSeedDifferentRun() {
        DistillationResult a = run(5, "a");
        DistillationResult b = run(5, "b");
        DistillationResult c = run(6, "c");
        assertThat(b.dataset()).isEqualTo(a.dataset());
        assertThat(b.selections()).isEqualTo(a.selections());
        assertThat(((ControlledStudent) b.student()).state()).isEqualTo(((ControlledStudent) a.student()).state());
        assertThat(c.dataset()).isNotEqualTo(a.dataset());
        assertThat(c.selections()).isNotEqualTo(a.selections());
    }

    @Test
    void uniformRandomLabelPlanIsSeededAndBalancedPlanIsRoundRobin() {
        ScriptedGenerator gen = new ScriptedGenerator();
        GoldDistiller.builder().task(Fixtures.topicTask()).generator(gen)
                .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer())
                .batchSize(4).probeSize(2).rounds(3).runDirectory(tmp.resolve("balanced")).build().run();
        // 3 labels, slots numbered over the run: round b's train batch starts at slot 6b, its probe at 6b + 4
        assertThat(gen.requests().get(0).labels()).containsExactly("sports", "politics", "science", "sports");
        assertThat(gen.requests().get(1).labels()).containsExactly("politics", "science");
        assertThat(gen.requests().get(2).labels()).containsExactly("sports", "politics", "science", "sports");

        ScriptedGenerator r1 = new ScriptedGenerator();
        ScriptedGenerator r2 = new ScriptedGenerator();
        for (ScriptedGenerator g : new ScriptedGenerator[] {r1, r2}) {
            GoldDistiller.builder().task(Fixtures.topicTask()).generator(g)
                    .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer())
                    .labelPlan(LabelPlan.UNIFORM_RANDOM).batchSize(30).rounds(2)
                    .runDirectory(tmp.resolve("random-" + System.identityHashCode(g))).build().run();
        }
        assertThat(r1.requests().get(0).labels()).isEqualTo(r2.requests().get(0).labels())
                .contains("sports", "politics", "science");
    }

    private DistillationResult run(long seed, String dir) {
        return GoldDistiller.builder()
                .task(Fixtures.topicTask()).generator(new ScriptedGenerator())
                .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer())
                .batchSize(4).probeSize(6).rounds(8).updateStudentEvery(2)
                .runDirectory(tmp.resolve(dir)).seed(seed).build().run();
    }
}
