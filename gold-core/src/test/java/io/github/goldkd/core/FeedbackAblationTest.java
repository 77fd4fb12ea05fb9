package io.github.goldkd.core;

import io.github.goldkd.core.testing.ControlledStudent;
import io.github.goldkd.core.testing.Faults;
import io.github.goldkd.core.testing.Fixtures;
import io.github.goldkd.core.testing.ScriptedGenerator;
import io.github.goldkd.core.testing.TestScorer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The two no-feedback ablations: nothing reaches the prompt, and the budget of samples is the same. */
class FeedbackAblationTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "B={0} probe={1} policy={2}")
    @CsvSource({"8, 8, EVERY_ROUND", "3, 5, EVERY_ROUND", "4, 6, FEEDBACK_ROUNDS", "2, 1, FEEDBACK_ROUNDS"})
    void feedbackOffSendsNoFeedbackAndGeneratesAsMuch(int batch, int probe, ProbePolicy policy) {
        int on = run(FeedbackMode.ON, batch, probe, policy, new ScriptedGenerator()).dataset().size();

        ScriptedGenerator noProbes = new ScriptedGenerator();
        DistillationResult zeroGen = run(FeedbackMode.OFF_NO_PROBES, batch, probe, policy, noProbes);
        assertThat(noProbes.requests()).allSatisfy(r -> {
            assertThat(r.feedback()).isEmpty();
            assertThat(r.mode()).isEqualTo(GenerationMode.TRAIN);
        });
        assertThat(zeroGen.dataset().size()).isEqualTo(on);
        assertThat(zeroGen.dataset().samples()).allSatisfy(s -> assertThat(s.origin()).isEqualTo(Origin.TRAIN));
        assertThat(zeroGen.selections()).isEmpty();
        assertThat(zeroGen.dataset().samples().stream().map(Sample::id).distinct().count()).isEqualTo(on);

        ScriptedGenerator probesKept = new ScriptedGenerator();
        DistillationResult kept = run(FeedbackMode.OFF_PROBES_KEPT, batch, probe, policy, probesKept);
        assertThat(probesKept.requests()).allSatisfy(r -> assertThat(r.feedback()).isEmpty());
        assertThat(probesKept.requests()).anySatisfy(r -> assertThat(r.mode()).isEqualTo(GenerationMode.PROBE));
        assertThat(kept.dataset().size()).isEqualTo(on);
        assertThat(kept.selections()).isEmpty();
    }

    private DistillationResult run(FeedbackMode mode, int batch, int probe, ProbePolicy policy, ScriptedGenerator gen) {
        return GoldDistiller.builder()
                .task(Fixtures.topicTask()).generator(gen).student(ControlledStudent.factory(Faults.none()))
                .oodScorer(new TestScorer()).feedbackMode(mode).probePolicy(policy)
                .batchSize(batch).probeSize(probe).rounds(9).updateStudentEvery(3)
                .runDirectory(tmp.resolve(mode.name())).seed(3)
                .build().run();
    }
}
