package io.github.goldkd.core;

import io.github.goldkd.core.testing.ControlledStudent;
import io.github.goldkd.core.testing.Faults;
import io.github.goldkd.core.testing.Fixtures;
import io.github.goldkd.core.testing.ScriptedGenerator;
import io.github.goldkd.core.testing.TestScorer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A run interrupted anywhere (the generator, the student or a listener throws at each of its calls in
 * turn) and then resumed ends exactly like an uninterrupted run with the same seed.
 */
class ResumeTest {

    private static final List<String> EVENTS = List.of("fit", "save", "logits", "generate-train", "generate-probe",
            "onGenerated", "onSelected", "onStudentUpdated", "onRoundEnd", "onFinalStudentTrained", "onRunEnd");

    @TempDir
    Path tmp;

    @Test
    void crashAtEveryStepThenResumeGivesTheUninterruptedRun() {
        Faults counting = Faults.none();
        DistillationResult reference = start(tmp.resolve("reference"), counting).build().run();
        int crashes = 0;
        for (String event : EVENTS) {
            int occurrences = counting.count(event);
            assertThat(occurrences).as("event %s happens in the reference run", event).isPositive();
            for (int k = 1; k <= occurrences; k++) {
                Path dir = tmp.resolve(event + "-" + k);
                Faults fault = Faults.at(event, k);
                assertThatThrownBy(() -> start(dir, fault).build().run())
                        .as("crash at %s #%d", event, k).isInstanceOf(Faults.InjectedFault.class);
                DistillationResult resumed = resume(dir);
                assertSameRun(resumed, reference, event + " #" + k);
                crashes++;
            }
        }
        assertThat(crashes).isGreaterThan(50);
    }

    @Test
    void aLineCutOffMidWriteIsDroppedAndTheRunResumes() throws Exception {
        DistillationResult reference = start(tmp.resolve("reference"), Faults.none()).build().run();
        Path dir = tmp.resolve("cut");
        assertThatThrownBy(() -> start(dir, Faults.at("generate-probe", 4)).build().run())
                .isInstanceOf(Faults.InjectedFault.class);
        // a crash in the middle of writing: half a sample line, half a round line
        Files.writeString(dir.resolve(RunStore.SAMPLES), "{\"id\":\"r00003-p-00\",\"orig",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Files.writeString(dir.resolve(RunStore.ROUNDS), "{\"round\":3,\"trainReq", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        assertSameRun(resume(dir), reference, "cut-off lines");
    }

    @Test
    void aCorruptLineElsewhereIsAnErrorNamingFileAndLine() throws Exception {
        Path dir = tmp.resolve("corrupt");
        assertThatThrownBy(() -> start(dir, Faults.at("generate-train", 4)).build().run())
                .isInstanceOf(Faults.InjectedFault.class);
        Path samples = dir.resolve(RunStore.SAMPLES);
        List<String> lines = new ArrayList<>(Files.readAllLines(samples, StandardCharsets.UTF_8));
        lines.set(2, "{\"id\": broken");
        Files.write(samples, lines, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> GoldDistiller.resume(dir))
                .isInstanceOf(RunStoreException.class)
                .hasMessageContaining(RunStore.SAMPLES).hasMessageContaining("line 3");
    }

    @Test
    void aFinishedRunIsNotStartedAgainAndResumeChecksTheSettings() {
        Path dir = tmp.resolve("done");
        start(dir, Faults.none()).build().run();
        assertThatThrownBy(() -> start(dir, Faults.none()).build().run())
                .isInstanceOf(RunStoreException.class).hasMessageContaining("already holds a run")
                .hasMessageContaining("GoldDistiller.resume");
        assertThatThrownBy(() -> GoldDistiller.resume(dir).generator(new ScriptedGenerator())
                .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer())
                .batchSize(4).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batchSize differs from the stored run in " + dir
                        + ": stored 3, given 4; a resumed run must use the same settings (only rounds may grow)");
    }

    @Test
    void resumeCanExtendARunByMoreRounds() {
        DistillationResult longer = start(tmp.resolve("long"), Faults.none()).rounds(9).build().run();
        Path dir = tmp.resolve("extend");
        start(dir, Faults.none()).build().run();
        DistillationResult extended = resume(dir, 9);
        assertThat(extended.dataset()).isEqualTo(longer.dataset());
        assertThat(extended.selections()).isEqualTo(longer.selections());
    }

    private static GoldDistiller.Builder start(Path dir, Faults faults) {
        return GoldDistiller.builder()
                .task(Fixtures.topicTask())
                .generator(new ScriptedGenerator().faults(faults))
                .student(ControlledStudent.factory(faults))
                .oodScorer(new TestScorer())
                .batchSize(3).probeSize(5).rounds(7).feedbackEvery(2).updateStudentEvery(2).finalEpochs(2)
                .seed(99).runDirectory(dir)
                .listener(new FaultyListener(faults));
    }

    private static DistillationResult resume(Path dir) {
        return resume(dir, 7);
    }

    private static DistillationResult resume(Path dir, int rounds) {
        ScriptedGenerator generator = new ScriptedGenerator();
        List<Sample> committed = RunStore.read(dir).samples().samples();
        DistillationResult result = GoldDistiller.resume(dir)
                .generator(generator)
                .student(ControlledStudent.factory(Faults.none()))
                .oodScorer(new TestScorer())
                .rounds(rounds)
                .build().run();
        assertThat(generator.restored()).as("the generator is told what the committed rounds generated")
                .isEqualTo(committed);
        return result;
    }

    private static void assertSameRun(DistillationResult actual, DistillationResult expected, String what) {
        assertThat(actual.dataset().samples()).as(what).isEqualTo(expected.dataset().samples());
        assertThat(actual.selections()).as(what).isEqualTo(expected.selections());
        assertThat(actual.rounds()).as(what).hasSameSizeAs(expected.rounds());
        for (int i = 0; i < expected.rounds().size(); i++) {
            assertThat(actual.rounds().get(i).selectedIds()).isEqualTo(expected.rounds().get(i).selectedIds());
            assertThat(actual.rounds().get(i).generated()).isEqualTo(expected.rounds().get(i).generated());
        }
        assertThat(((ControlledStudent) actual.student()).state()).as(what + ": final student")
                .isEqualTo(((ControlledStudent) expected.student()).state());
        assertThat(RunStore.read(actual.runDirectory()).samples()).isEqualTo(expected.dataset());
    }

    /** Turns listener callbacks into fault points, so that crashes fall between the store's writes too. */
    private record FaultyListener(Faults faults) implements DistillationListener {
        @Override
        public void onGenerated(int round, GenerationMode mode, List<Sample> samples, GenerationStats stats) {
            faults.hit("onGenerated");
        }

        @Override
        public void onSelected(Selection selection) {
            faults.hit("onSelected");
        }

        @Override
        public void onStudentUpdated(int round, Student.FitReport fit, double monitorAccuracy) {
            faults.hit("onStudentUpdated");
        }

        @Override
        public void onRoundEnd(RoundReport report) {
            faults.hit("onRoundEnd");
        }

        @Override
        public void onFinalStudentTrained(Student.FitReport fit, double monitorAccuracy) {
            faults.hit("onFinalStudentTrained");
        }

        @Override
        public void onRunEnd(DistillationResult result) {
            faults.hit("onRunEnd");
        }
    }
}
