package io.github.goldkd.core;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

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
    void aCommittedRoundThatLostTheEndOfItsSamplesIsRolledBackAndGeneratedAgain() throws Exception {
        DistillationResult reference = start(tmp.resolve("reference"), Faults.none()).build().run();
        int selectedLost = 0;
        for (int committed = 1; committed <= 7; committed++) {
            Path dir = stopAfter(committed, "samples-" + committed);
            String lost = lastSampleId(dir);
            if (reference.selections().stream().anyMatch(sel -> sel.selectedIds().contains(lost))) {
                selectedLost++;
            }
            cutLastBytes(dir.resolve(RunStore.SAMPLES), 40);
            assertSameRun(resume(dir), reference, committed + " rounds committed, samples.jsonl cut");
        }
        assertThat(selectedLost).as("runs whose lost sample was a selected feedback example").isPositive();
    }

    @Test
    void aCommittedRoundThatLostTheEndOfItsSelectionsIsRolledBackAndGeneratedAgain() throws Exception {
        DistillationResult reference = start(tmp.resolve("reference"), Faults.none()).build().run();
        for (int committed : new int[] {1, 4, 7}) {
            Path dir = stopAfter(committed, "selections-" + committed);
            cutLastBytes(dir.resolve(RunStore.SELECTIONS), 40);
            assertSameRun(resume(dir), reference, committed + " rounds committed, selections.jsonl cut");
        }
    }

    @Test
    void aStoreWrittenBeforeRoundsRecordedTheirLineCountsResumesAndItsProbeIdsStillRevealALostLine()
            throws Exception {
        DistillationResult reference = start(tmp.resolve("reference"), Faults.none()).build().run();
        for (int committed : new int[] {3, 4}) {
            Path dir = stopAfter(committed, "old-" + committed);
            Path rounds = dir.resolve(RunStore.ROUNDS);
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(rounds, StandardCharsets.UTF_8)) {
                JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                assertThat(o.remove("samplesWritten")).isNotNull();
                assertThat(o.remove("selectionsWritten")).isNotNull();
                lines.add(o.toString());
            }
            Files.write(rounds, lines, StandardCharsets.UTF_8);
            assertThat(RunStore.read(dir).rounds()).hasSize(committed)
                    .allSatisfy(r -> assertThat(r.samplesWritten()).isNull());
            if (committed == 4) {
                cutLastBytes(dir.resolve(RunStore.SAMPLES), 40);
            }
            assertSameRun(resume(dir), reference, "old store, " + committed + " rounds committed");
        }
    }

    @Test
    void aLostLineThatCannotBeRolledBackFailsNamingFileAndRoundBeforeAnyFileChanges() throws Exception {
        // 5 rounds committed: rolling back round 4 needs the checkpoint of round 2, the one before the latest
        Path dir = stopAfter(5, "no-rollback");
        Files.delete(dir.resolve(RunStore.CHECKPOINTS).resolve("student-r00002.bin"));
        cutLastBytes(dir.resolve(RunStore.SAMPLES), 40);
        Map<String, byte[]> before = contents(dir);
        assertThatThrownBy(() -> resume(dir))
                .isInstanceOf(RunStoreException.class)
                .hasMessageContaining("cannot resume " + dir + " after round 3")
                .hasMessageContaining("student-r00002.bin")
                .hasMessageContaining(RunStore.SAMPLES + " holds 7 samples of committed round 4, " + RunStore.ROUNDS
                        + " recorded 8");
        Map<String, byte[]> after = contents(dir);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        before.forEach((name, bytes) -> assertThat(after.get(name)).as(name).isEqualTo(bytes));
    }

    @Test
    void temporaryFilesOfAnInterruptedFinalSaveAreRemovedOnResume() throws Exception {
        DistillationResult reference = start(tmp.resolve("reference"), Faults.none()).build().run();
        Path dir = tmp.resolve("final-save");
        assertThatThrownBy(() -> start(dir, Faults.at("onFinalStudentTrained", 1)).build().run())
                .isInstanceOf(Faults.InjectedFault.class);
        Files.delete(dir.resolve(RunStore.FINAL_STUDENT));
        // what a kill during the final save and during a checkpoint save leaves (the student's own temporary
        // file, then the store's), and a file of the user's that only looks similar
        List<Path> leftovers = List.of(dir.resolve("student.bin.tmp"), dir.resolve("student.bin.tmp4711.tmp"),
                dir.resolve("samples.jsonl.tmp"), dir.resolve(RunStore.CHECKPOINTS).resolve("student-r00006.bin.tmp"));
        for (Path p : leftovers) {
            Files.writeString(p, "half written");
        }
        Path users = dir.resolve("notes.tmp");
        Files.writeString(users, "mine");

        assertSameRun(resume(dir), reference, "final save interrupted");
        for (Path p : leftovers) {
            assertThat(p).doesNotExist();
        }
        assertThat(users).hasContent("mine");
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

    @Test
    void aListenersRunningTotalsAfterAResumeEqualThoseOfAnUninterruptedRun() {
        Totals whole = new Totals();
        start(tmp.resolve("reference"), Faults.none()).listener(whole).build().run();
        assertThat(whole.rounds).isEqualTo(7);
        assertThat(whole.selected).isPositive();
        // between rounds, mid-round after a batch was written (dropped and generated again), and after every
        // round was committed but before the final student
        List<Faults> crashes = List.of(Faults.at("generate-train", 5), Faults.at("onSelected", 3),
                Faults.at("onFinalStudentTrained", 1));
        for (int c = 0; c < crashes.size(); c++) {
            Faults fault = crashes.get(c);
            Path dir = tmp.resolve("totals-" + c);
            Totals first = new Totals();
            assertThatThrownBy(() -> start(dir, fault).listener(first).build().run())
                    .isInstanceOf(Faults.InjectedFault.class);
            Totals resumed = new Totals();
            OldListener old = new OldListener();
            int committed = RunStore.read(dir).rounds().size();
            GoldDistiller.resume(dir).generator(new ScriptedGenerator())
                    .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer())
                    .listener(resumed).listener(old).build().run();
            assertThat(resumed).as("after crash %d", c).usingRecursiveComparison().isEqualTo(whole);
            assertThat(old.firstRound).as("a listener of the old callback still learns the first round")
                    .isEqualTo(committed);
        }
    }

    @Test
    void aRunStoreWrittenBeforeSelectionScoresWereArraysResumesToTheUninterruptedRun() throws Exception {
        // Written by the code before Selection.scores() was a double[] (List<Double>): the configuration of
        // start(), stopped by a crash at the fifth train batch, so rounds 0-3 are committed.
        Path dir = tmp.resolve("old-store");
        Path written = Path.of(ResumeTest.class.getResource("run-store-0.1.0").toURI());
        try (Stream<Path> files = Files.walk(written)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.copy(p, dir.resolve(written.relativize(p).toString()));
            }
        }
        List<String> oldSelections = Files.readAllLines(dir.resolve(RunStore.SELECTIONS), StandardCharsets.UTF_8);
        assertThat(RunStore.read(dir).rounds()).hasSize(4);
        assertThat(RunStore.read(dir).selections()).hasSize(4)
                .allSatisfy(sel -> assertThat(sel.scores()).hasSize(5));

        DistillationResult reference = start(tmp.resolve("reference"), Faults.none()).build().run();
        assertSameRun(resume(dir), reference, "run store of 0.1.0");
        // and the selections this code writes are the lines the earlier code wrote, byte for byte
        assertThat(Files.readAllLines(tmp.resolve("reference").resolve(RunStore.SELECTIONS), StandardCharsets.UTF_8)
                .subList(0, oldSelections.size())).isEqualTo(oldSelections);
    }

    /** Running totals of a run, started from what is already committed. */
    private static final class Totals implements DistillationListener {
        int rounds;
        int samples;
        int probes;
        int selections;
        int selected;
        long promptTokens;
        double scoreSum;

        @Override
        public void onRunStart(RunStore.StoredRun committed) {
            rounds = committed.rounds().size();
            samples = committed.samples().size();
            probes = (int) committed.samples().samples().stream().filter(s -> s.origin() == Origin.PROBE).count();
            selections = committed.selections().size();
            committed.selections().forEach(this::add);
            committed.rounds().forEach(r -> promptTokens += r.promptTokens());
        }

        @Override
        public void onGenerated(int round, GenerationMode mode, List<Sample> batch, GenerationStats stats) {
            samples += batch.size();
            probes += mode == GenerationMode.PROBE ? batch.size() : 0;
        }

        @Override
        public void onSelected(Selection selection) {
            selections++;
            add(selection);
        }

        private void add(Selection selection) {
            selected += selection.selectedIds().size();
            for (double score : selection.scores()) {
                scoreSum += score;
            }
        }

        @Override
        public void onRoundEnd(RoundReport report) {
            rounds++;
            promptTokens += report.promptTokens();
        }
    }

    /** A listener written against the callback before the committed state was passed. */
    private static final class OldListener implements DistillationListener {
        int firstRound = -1;

        @Override
        public void onRunStart(Task task, GoldConfig config, int firstRound) {
            this.firstRound = firstRound;
        }
    }

    /** A run stopped between rounds after {@code committed} rounds (7: the finished run). */
    private Path stopAfter(int committed, String name) {
        Path dir = tmp.resolve(name);
        if (committed == 7) {
            start(dir, Faults.none()).build().run();
        } else {
            // the next round fails at its first generation: after its student update, before any sample
            assertThatThrownBy(() -> start(dir, Faults.at("generate-train", committed + 1)).build().run())
                    .isInstanceOf(Faults.InjectedFault.class);
        }
        assertThat(RunStore.read(dir).rounds()).hasSize(committed);
        return dir;
    }

    private static String lastSampleId(Path dir) throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve(RunStore.SAMPLES), StandardCharsets.UTF_8);
        return JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject().get("id").getAsString();
    }

    private static void cutLastBytes(Path file, int n) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes.length).isGreaterThan(n);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - n));
    }

    private static Map<String, byte[]> contents(Path dir) throws Exception {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p) && !p.getFileName().toString().equals(".lock")) {
                    out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
                }
            }
        }
        return out;
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
