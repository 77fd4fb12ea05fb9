package io.github.goldkd.core;

import io.github.goldkd.core.testing.ControlledStudent;
import io.github.goldkd.core.testing.Faults;
import io.github.goldkd.core.testing.Fixtures;
import io.github.goldkd.core.testing.ScriptedGenerator;
import io.github.goldkd.core.testing.TestScorer;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a run leaves on disk, and how a spent budget ends a run. */
class RunStoreTest {

    @TempDir
    Path tmp;

    @Test
    void aRunLeavesTaskSamplesSelectionsRoundsStudentAndProvenance() {
        Path dir = tmp.resolve("run");
        DistillationResult result = GoldDistiller.builder().task(Fixtures.topicTask())
                .generator(new ScriptedGenerator()).student(ControlledStudent.factory(Faults.none()))
                .oodScorer(new TestScorer()).batchSize(4).rounds(5).updateStudentEvery(2).seed(8)
                .runDirectory(dir).build().run();

        RunStore.StoredRun stored = RunStore.read(dir);
        assertThat(stored.task()).isEqualTo(Fixtures.topicTask());
        assertThat(stored.config().seed()).isEqualTo(8);
        assertThat(stored.samples()).isEqualTo(result.dataset());
        assertThat(stored.samples().size()).isEqualTo(5 * (4 + 4));
        assertThat(stored.selections()).isEqualTo(result.selections()).hasSize(5);
        assertThat(stored.selections().get(0).scores()).hasSize(4);
        assertThat(stored.rounds()).hasSize(5);
        assertThat(stored.rounds().get(2).studentUpdated()).isTrue();
        assertThat(stored.rounds().get(3).studentUpdated()).isFalse();
        assertThat(stored.rounds().get(1).promptTokens()).isEqualTo(10L * 8);
        assertThat(stored.finished()).isTrue();
        // only the latest two committed checkpoints are kept (the earlier one for rolling back a damaged round)
        assertThat(dir.resolve(RunStore.CHECKPOINTS).toFile().list())
                .containsExactlyInAnyOrder("student-r00002.bin", "student-r00004.bin");

        Map<String, Object> p = stored.provenance();
        assertThat(p).containsKeys("libraryVersion", "startedAt", "finishedAt", "config", "components",
                "dependencies", "runtime");
        assertThat(p.get("masterSeed")).isEqualTo(8.0);
        assertThat(p.get("generatedSamples")).isEqualTo(40.0);
        assertThat(((Map<?, ?>) p.get("dependencies")).containsKey("com.google.code.gson:gson")).isTrue();
        assertThat(((Map<?, ?>) p.get("components")).get("oodScorer")).isEqualTo("test-energy");
    }

    @Test
    void aSpentBudgetStopsCleanlyAndTheRunCanBeResumed() throws Exception {
        Path dir = tmp.resolve("budget");
        DistillationResult stopped = GoldDistiller.builder().task(Fixtures.topicTask()).generator(budgetSpentAt(3))
                .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer())
                .batchSize(4).rounds(6).updateStudentEvery(2).runDirectory(dir).build().run();
        assertThat(stopped.completed()).isFalse();
        assertThat(stopped.stopReason()).isEqualTo("budget: maxRequests=7 reached");
        assertThat(stopped.rounds()).hasSize(3);
        assertThat(stopped.student()).isNotNull();
        assertThat(Files.exists(dir.resolve(RunStore.FINAL_STUDENT))).isTrue();
        // the train batch of round 3 arrived before the budget ran out: it is on disk, not committed
        assertThat(Files.readAllLines(dir.resolve(RunStore.SAMPLES))).hasSize(3 * 8 + 4);
        assertThat(RunStore.read(dir).provenance().get("stopReason")).isEqualTo("budget: maxRequests=7 reached");

        // the same teacher with a larger budget
        DistillationResult resumed = GoldDistiller.resume(dir).generator(budgetSpentAt(Integer.MAX_VALUE))
                .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer()).build().run();
        assertThat(resumed.completed()).isTrue();
        assertThat(resumed.rounds()).hasSize(6);
        assertThat(resumed.dataset().size()).isEqualTo(6 * 8);
    }

    @Test
    void aRunStoreWrittenBeforeRunsNamedTheirMetricStillResumes() throws Exception {
        Path dir = tmp.resolve("old");
        Dataset monitor = Dataset.of(Fixtures.topicTask().demonstrations());
        GoldDistiller.builder().task(Fixtures.topicTask()).generator(new ScriptedGenerator())
                .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer()).monitor(monitor)
                .batchSize(4).rounds(3).updateStudentEvery(2).seed(3).runDirectory(dir).build().run();
        // what the previous version wrote: no metric in config.json, studentAccuracy in rounds.jsonl
        Path config = dir.resolve(RunStore.CONFIG);
        JsonObject c = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
        assertThat(c.remove("metric").getAsString()).isEqualTo("accuracy");
        Files.writeString(config, c.toString());
        Path rounds = dir.resolve(RunStore.ROUNDS);
        String old = Files.readString(rounds).replace("\"studentScore\"", "\"studentAccuracy\"");
        assertThat(old).contains("studentAccuracy");
        Files.writeString(rounds, old);

        RunStore.StoredRun stored = RunStore.read(dir);
        assertThat(stored.config().metric()).isEqualTo("accuracy");
        assertThat(stored.rounds().get(0).studentScore()).isNotNull();
        assertThat(stored.rounds().get(1).studentScore()).isNull();
        assertThat(stored.rounds().get(2).studentScore()).isNotNull();
        DistillationResult resumed = GoldDistiller.resume(dir).rounds(5).generator(new ScriptedGenerator())
                .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer()).monitor(monitor)
                .build().run();
        assertThat(resumed.rounds()).hasSize(5);
        assertThat(resumed.metric().name()).isEqualTo("accuracy");
        assertThat(resumed.rounds().get(4).studentScore()).isNotNull();
    }

    @Test
    void aRunWithAMetricOfItsOwnResumesWhenTheMetricIsGivenAgain() {
        Path dir = tmp.resolve("own-metric");
        Metric firstLetter = new Metric() {
            @Override
            public String name() {
                return "first_letter";
            }

            @Override
            public double score(String prediction, List<String> references) {
                return references.stream().anyMatch(r -> !r.isEmpty() && !prediction.isEmpty()
                        && r.charAt(0) == prediction.charAt(0)) ? 1 : 0;
            }
        };
        GoldDistiller.builder().task(Fixtures.topicTask()).generator(new ScriptedGenerator())
                .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer()).metric(firstLetter)
                .batchSize(4).rounds(2).runDirectory(dir).build().run();
        assertThat(RunStore.read(dir).config().metric()).isEqualTo("first_letter");
        assertThatThrownBy(() -> GoldDistiller.resume(dir).rounds(3).generator(new ScriptedGenerator())
                .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer()).build())
                .hasMessageContaining("metric differs").hasMessageContaining("first_letter");
        DistillationResult resumed = GoldDistiller.resume(dir).rounds(3).generator(new ScriptedGenerator())
                .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer()).metric(firstLetter)
                .build().run();
        assertThat(resumed.rounds()).hasSize(3);
        assertThat(resumed.metric()).isSameAs(firstLetter);
    }

    /** A teacher whose budget runs out at the probe batch of {@code round}. */
    private static Generator budgetSpentAt(int round) {
        ScriptedGenerator scripted = new ScriptedGenerator();
        return request -> {
            if (request.round() == round && request.mode() == GenerationMode.PROBE) {
                throw new BudgetExhaustedException("budget: maxRequests=7 reached");
            }
            return scripted.generate(request);
        };
    }
}
