package io.github.goldkd.core;

import io.github.goldkd.core.testing.ControlledStudent;
import io.github.goldkd.core.testing.Faults;
import io.github.goldkd.core.testing.Fixtures;
import io.github.goldkd.core.testing.ScriptedGenerator;
import io.github.goldkd.core.testing.TestScorer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One writer per run directory: a second writer, in this process or another, fails at once. */
class RunStoreLockTest {

    private static final long SELF = ProcessHandle.current().pid();

    @TempDir
    Path tmp;

    @Test
    void aSecondWriterInTheSameProcessFailsWhileTheRunIsInProgressAndSucceedsAfterIt() {
        Path dir = tmp.resolve("run");
        List<Throwable> refused = new ArrayList<>();
        DistillationListener intruder = new DistillationListener() {
            @Override
            public void onRoundEnd(RoundReport report) {
                if (report.round() == 1) {
                    try {
                        GoldDistiller.resume(dir);
                    } catch (RuntimeException e) {
                        refused.add(e);
                    }
                    try {
                        RunStore.reopen(RunStore.read(dir));
                    } catch (RuntimeException e) {
                        refused.add(e);
                    }
                }
            }
        };
        start(dir).listener(intruder).build().run();

        assertThat(refused).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOf(RunStoreException.class)
                .hasMessageStartingWith("run directory " + dir + " is in use by process " + SELF + ";"));
        // the run released its lock when it ended: a resume that extends it works
        DistillationResult extended = resume(dir).rounds(4).build().run();
        assertThat(extended.rounds()).hasSize(4);
    }

    @Test
    void aNewRunInADirectoryBeingWrittenFailsWithTheOwner() throws Exception {
        Path dir = tmp.resolve("empty");
        Files.createDirectories(dir);
        try (RunDirectoryLock held = RunDirectoryLock.acquire(dir)) {
            assertThatThrownBy(() -> start(dir).build().run()).isInstanceOf(RunStoreException.class)
                    .hasMessageStartingWith("run directory " + dir + " is in use by process " + SELF + ";");
            assertThat(dir.resolve(RunStore.CONFIG)).doesNotExist();
        }
        assertThat(start(dir).build().run().rounds()).hasSize(3);
    }

    @Test
    void aRunThatFailsReleasesItsLockSoThatItCanBeResumedInTheSameProcess() {
        Path dir = tmp.resolve("crashed");
        assertThatThrownBy(() -> start(dir, Faults.at("generate-probe", 2)).build().run())
                .isInstanceOf(Faults.InjectedFault.class);
        assertThat(resume(dir).build().run().rounds()).hasSize(3);
    }

    @Test
    void anotherProcessWritingTheDirectoryIsNamedAndItsCrashReleasesTheLock() throws Exception {
        Path dir = tmp.resolve("shared");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process writer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                RunHolderMain.class.getName(), dir.toString())
                .redirectError(tmp.resolve("writer.err").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(out.readLine()).as("the writer's output; its errors are in writer.err")
                    .isEqualTo("round 0 committed");

            assertThatThrownBy(() -> resume(dir).build().run()).isInstanceOf(RunStoreException.class)
                    .hasMessageStartingWith("run directory " + dir + " is in use by process " + writer.pid() + ";");
            assertThat(RunStore.read(dir).rounds()).as("the refused resume changed nothing").hasSize(1);
        } finally {
            writer.destroyForcibly(); // SIGKILL: the writer cannot release anything itself
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        // the operating system released the dead writer's lock
        DistillationResult resumed = resume(dir).build().run();
        assertThat(resumed.dataset()).isEqualTo(start(tmp.resolve("reference"), Faults.none()).build().run().dataset());
    }

    @Test
    void aDistillerBuiltBeforeAnotherWriterStartedChecksAgainWhenItRuns() throws Exception {
        Path dir = tmp.resolve("late");
        assertThatThrownBy(() -> start(dir, Faults.at("generate-probe", 2)).build().run())
                .isInstanceOf(Faults.InjectedFault.class);
        GoldDistiller builtEarly = resume(dir).build();
        try (RunDirectoryLock held = RunDirectoryLock.acquire(dir)) {
            assertThatThrownBy(builtEarly::run).isInstanceOf(RunStoreException.class)
                    .hasMessageStartingWith("run directory " + dir + " is in use by process " + SELF + ";");
        }
        // a writer that committed rounds meanwhile makes the early snapshot stale: refused, nothing rewritten
        GoldDistiller stale = resume(dir).build();
        resume(dir).build().run();
        byte[] samples = Files.readAllBytes(dir.resolve(RunStore.SAMPLES));
        assertThatThrownBy(stale::run).isInstanceOf(RunStoreException.class)
                .hasMessageContaining("changed since it was read");
        assertThat(Files.readAllBytes(dir.resolve(RunStore.SAMPLES))).isEqualTo(samples);
    }

    private GoldDistiller.Builder start(Path dir) {
        return start(dir, Faults.none());
    }

    static GoldDistiller.Builder start(Path dir, Faults faults) {
        return GoldDistiller.builder().task(Fixtures.topicTask()).generator(new ScriptedGenerator().faults(faults))
                .student(ControlledStudent.factory(faults)).oodScorer(new TestScorer())
                .batchSize(2).rounds(3).updateStudentEvery(2).finalEpochs(1).seed(5).runDirectory(dir);
    }

    private static GoldDistiller.Builder resume(Path dir) {
        return GoldDistiller.resume(dir).generator(new ScriptedGenerator())
                .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer());
    }
}
