package io.github.goldkd.core;

import io.github.goldkd.core.testing.ControlledStudent;
import io.github.goldkd.core.testing.Faults;
import io.github.goldkd.core.testing.Fixtures;
import io.github.goldkd.core.testing.ScriptedGenerator;
import io.github.goldkd.core.testing.TestScorer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The loop hands a selector the probe samples, their scores and logits, the task and the seed. */
class SelectionContextTest {

    @TempDir
    Path tmp;

    @Test
    void theLoopPassesTheProbeBatchItsScoresAndLogitsToTheSelector() {
        List<SelectionContext> seen = new ArrayList<>();
        // Chooses the probe sample whose student logits have the largest first entry: a rule the scores alone
        // cannot express, so the loop must pass the logits for the choice to land where it does.
        FeedbackSelector byLogits = new FeedbackSelector() {
            @Override
            public int[] select(double[] scores, long seed) {
                throw new AssertionError("the loop must call select(SelectionContext)");
            }

            @Override
            public int[] select(SelectionContext c) {
                seen.add(c);
                int best = 0;
                for (int i = 1; i < c.size(); i++) {
                    if (c.logits().get(i).get(0, 0) > c.logits().get(best).get(0, 0)) {
                        best = i;
                    }
                }
                return c.size() == 0 ? new int[0] : new int[] {best};
            }

            @Override
            public String name() {
                return "by-logits";
            }
        };
        DistillationResult r = GoldDistiller.builder()
                .task(Fixtures.topicTask()).generator(new ScriptedGenerator())
                .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer()).selector(byLogits)
                .batchSize(4).probeSize(5).rounds(4).updateStudentEvery(2)
                .runDirectory(tmp.resolve("run")).seed(11).build().run();

        assertThat(seen).hasSize(r.selections().size()).isNotEmpty();
        for (int k = 0; k < seen.size(); k++) {
            SelectionContext c = seen.get(k);
            Selection sel = r.selections().get(k);
            assertThat(c.task()).isEqualTo(Fixtures.topicTask());
            assertThat(c.probe()).extracting(Sample::id).containsExactlyElementsOf(sel.probeIds());
            assertThat(c.scores()).containsExactly(sel.scores());
            assertThat(c.logits()).hasSize(c.size());
            assertThat(sel.selectedIds()).hasSize(1);
        }
        // Different rounds draw from different seeds.
        assertThat(seen.stream().map(SelectionContext::seed).distinct().count()).isEqualTo(seen.size());
    }

    @Test
    void theDefaultMethodReadsOnlyScoresAndSeed() {
        RankBandSelector band = RankBandSelector.reference();
        double[] scores = {0.8, 0.1, 0.7, 0.3, 0.5, 0.2, 0.6, 0.4};
        List<Sample> probe = new ArrayList<>();
        List<Logits> logits = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            probe.add(Sample.real("p" + i, "text " + i, "sports"));
            logits.add(Logits.ofClasses(1f, 0f));
        }
        SelectionContext c = new SelectionContext(probe, scores, logits, Fixtures.topicTask(), 5);
        assertThat(band.select(c)).containsExactly(band.select(scores, 5));
    }

    @Test
    void mismatchedLengthsAreRejectedWithTheCounts() {
        assertThatThrownBy(() -> new SelectionContext(List.of(Sample.real("a", "x", "sports")), new double[2],
                List.of(Logits.ofClasses(1f, 0f)), Fixtures.topicTask(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 samples, 2 scores, 1 logits");
    }
}
