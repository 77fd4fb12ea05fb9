package io.github.goldkd.core;

import io.github.goldkd.core.testing.ControlledStudent;
import io.github.goldkd.core.testing.Faults;
import io.github.goldkd.core.testing.Fixtures;
import io.github.goldkd.core.testing.ScriptedGenerator;
import io.github.goldkd.core.testing.TestScorer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A teacher that yields nothing usable ends the run loudly: the empty (or too thin) round is not committed,
 * the rounds before it stay on disk, and no final student is trained on nothing. A feedback selector that
 * returns indices outside the probe batch, or twice, is stopped with its name and the round.
 */
class TeacherYieldTest {

    @TempDir
    Path tmp;

    /** Delivers normally before round {@code failFrom}, then nothing, reporting 3 length cut-offs and 1 schema reject per batch. */
    private static final class FailingFrom implements Generator {
        private final int failFrom;
        private final ScriptedGenerator scripted = new ScriptedGenerator();

        FailingFrom(int failFrom) {
            this.failFrom = failFrom;
        }

        @Override
        public GeneratedBatch generate(GenerationRequest request) {
            if (request.round() < failFrom) {
                return scripted.generate(request);
            }
            return new GeneratedBatch(List.of(), new GenerationStats(request.count(), 0, 40, 400,
                    Map.of("schema", 1, "finish-length", 3)));
        }

        @Override
        public void restore(List<Sample> generatedSoFar) {
            scripted.restore(generatedSoFar);
        }
    }

    private static Generator failingFrom(int failFrom) {
        return new FailingFrom(failFrom);
    }

    private GoldDistiller.Builder builder(Path dir, Generator generator) {
        return GoldDistiller.builder().task(Fixtures.topicTask()).generator(generator)
                .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer())
                .batchSize(4).rounds(6).updateStudentEvery(2).seed(3).runDirectory(dir);
    }

    @Test
    void aRoundThatAcceptsNothingEndsTheRunWithTheRejectionsCountedAndKeepsTheCommittedRounds() {
        Path dir = tmp.resolve("empty-round");
        ControlledStudent.Factory students = ControlledStudent.factory(Faults.none());
        assertThatThrownBy(() -> builder(dir, failingFrom(3)).student(students).build().run())
                .isInstanceOf(TeacherYieldException.class)
                .hasMessage("the teacher produced nothing usable in round 3: 0 of 8 requested samples accepted; "
                        + "rejected: finish-length=6, schema=2; rounds 0-2 are committed in " + dir)
                .satisfies(e -> {
                    TeacherYieldException t = (TeacherYieldException) e;
                    assertThat(t.round()).isEqualTo(3);
                    assertThat(t.rejects()).isEqualTo(Map.of("finish-length", 6, "schema", 2));
                });
        RunStore.StoredRun stored = RunStore.read(dir);
        assertThat(stored.rounds()).hasSize(3);
        assertThat(stored.samples().size()).isEqualTo(3 * 8);
        assertThat(stored.selections()).hasSize(3);
        assertThat(Files.exists(dir.resolve(RunStore.FINAL_STUDENT))).as("no final student").isFalse();
        // the in-loop updates of rounds 0 and 2 trained; no final fit of 5 epochs happened
        assertThat(students.fits()).allSatisfy(f -> assertThat(f.epochs()).isEqualTo(1));

        // once the teacher works again, the run continues after its last committed round
        DistillationResult resumed = GoldDistiller.resume(dir).generator(failingFrom(Integer.MAX_VALUE))
                .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer()).build().run();
        assertThat(resumed.rounds()).hasSize(6);
        assertThat(resumed.dataset().size()).isEqualTo(6 * 8);
        assertThat(resumed.dataset().samples().subList(0, 24)).isEqualTo(stored.samples().samples());
    }

    @Test
    void anEmptyFirstRoundCommitsNothing() {
        Path dir = tmp.resolve("first");
        assertThatThrownBy(() -> builder(dir, failingFrom(0)).build().run())
                .isInstanceOf(TeacherYieldException.class)
                .hasMessageStartingWith("the teacher produced nothing usable in round 0: 0 of 8 requested samples")
                .hasMessageContaining("no round is committed");
        assertThat(RunStore.read(dir).rounds()).isEmpty();
        assertThat(Files.exists(dir.resolve(RunStore.FINAL_STUDENT))).isFalse();
    }

    @Test
    void partialRoundsAreToleratedDownToMinAcceptedShare() {
        // train batches deliver 1 of 4, probes 4 of 4: a round accepts 5 of 8 = 0.625
        ScriptedGenerator thin = new ScriptedGenerator().deliver((round, mode) -> mode == GenerationMode.TRAIN ? 1
                : Integer.MAX_VALUE);
        DistillationResult ok = builder(tmp.resolve("tolerated"), thin).minAcceptedShare(0.625).build().run();
        assertThat(ok.rounds()).hasSize(6);
        assertThat(ok.dataset().size()).isEqualTo(6 * 5);

        ScriptedGenerator thinToo = new ScriptedGenerator().deliver((round, mode) -> mode == GenerationMode.TRAIN
                && round == 4 ? 0 : mode == GenerationMode.TRAIN ? 1 : Integer.MAX_VALUE);
        Path dir = tmp.resolve("too-thin");
        assertThatThrownBy(() -> builder(dir, thinToo).minAcceptedShare(0.6).build().run())
                .isInstanceOf(TeacherYieldException.class)
                .hasMessage("the teacher's yield in round 4 is below minAcceptedShare 0.6: 4 of 8 requested samples "
                        + "accepted; the generator reported no rejected candidates; rounds 0-3 are committed in "
                        + dir);
        assertThat(RunStore.read(dir).rounds()).hasSize(4);
    }

    @Test
    void aRunWithNoDataTrainsAndSavesNoFinalStudent() {
        Path dir = tmp.resolve("no-data");
        Generator spent = request -> {
            throw new BudgetExhaustedException("budget: maxRequests=0 reached");
        };
        assertThatThrownBy(() -> builder(dir, spent).build().run())
                .isInstanceOf(TeacherYieldException.class)
                .hasMessage("no generated data to train the final student on after 0 committed rounds (budget: "
                        + "maxRequests=0 reached); no final student was saved in " + dir);
        assertThat(Files.exists(dir.resolve(RunStore.FINAL_STUDENT))).isFalse();
    }

    private record BadSelector(String name, int[] indices) implements FeedbackSelector {
        @Override
        public int[] select(double[] scores, long seed) {
            return indices;
        }
    }

    @Test
    void aSelectorReturningIndicesOutsideTheBatchOrTwiceIsNamedWithTheRound() {
        assertThatThrownBy(() -> builder(tmp.resolve("out-of-range"), new ScriptedGenerator())
                .selector(new BadSelector("off-by-one", new int[] {1, 4})).build().run())
                .isInstanceOf(GoldException.class)
                .hasMessage("feedback selector off-by-one returned index 4 in round 0 for a probe batch of 4 samples; "
                        + "allowed: distinct indices in [0, 3]");
        assertThatThrownBy(() -> builder(tmp.resolve("twice"), new ScriptedGenerator())
                .selector(new BadSelector("stutter", new int[] {2, 2})).build().run())
                .isInstanceOf(GoldException.class)
                .hasMessage("feedback selector stutter returned index 2 twice in round 0; allowed: distinct indices "
                        + "in [0, 3]");
        assertThatThrownBy(() -> builder(tmp.resolve("negative"), new ScriptedGenerator())
                .selector(new BadSelector("minus", new int[] {-1})).build().run())
                .hasMessageContaining("feedback selector minus returned index -1 in round 0");
        assertThatThrownBy(() -> builder(tmp.resolve("null"), new ScriptedGenerator())
                .selector(new BadSelector("nothing", null)).build().run())
                .hasMessage("feedback selector nothing returned null in round 0; allowed: distinct indices in [0, 3]");
        // nothing of the round was committed
        assertThat(RunStore.read(tmp.resolve("twice")).rounds()).isEmpty();
    }

    @Test
    void aScorerReturningNaNIsARunFailureNamingTheSampleNotABadSetting() {
        OodScorer nanAtTwo = new OodScorer() {
            @Override
            public double[] score(List<Logits> batch) {
                double[] scores = new double[batch.size()];
                scores[2] = Double.NaN;
                return scores;
            }

            @Override
            public String name() {
                return "nan-at-2";
            }
        };
        // Not an IllegalArgumentException: the command line reports those as refused settings (status 2).
        assertThatThrownBy(() -> builder(tmp.resolve("nan"), new ScriptedGenerator()).oodScorer(nanAtTwo).build()
                .run())
                .isExactlyInstanceOf(GoldException.class)
                .hasMessage("scorer nan-at-2 returned NaN for probe sample r00000-p-02 in round 0");
        assertThat(RunStore.read(tmp.resolve("nan")).rounds()).isEmpty();
    }
}
