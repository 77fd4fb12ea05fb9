package io.github.goldkd.ood;

import io.github.goldkd.core.DistillationResult;
import io.github.goldkd.core.GoldDistiller;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.OodScorer;
import io.github.goldkd.core.Selection;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.testing.Fixtures;
import io.github.goldkd.core.testing.ScriptedGenerator;
import io.github.goldkd.core.testing.SequenceStudent;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The energy score as the loop uses it on a sequence student's logits: by default the mean over the real
 * target positions of -T logsumexp(z/T), padding excluded; the reference scripts' padded average only when
 * asked for. The student's padding rows are large, so the two rules pick different feedback.
 */
class SequenceEnergyInTheLoopTest {

    private static final double T = 2.0;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(SequenceAveraging.class)
    void probesAreScoredOverTheChosenPositions(SequenceAveraging averaging) {
        for (Task task : Fixtures.sequenceTasks()) {
            List<List<Logits>> seen = new ArrayList<>();
            OodScorer energy = OodScores.energy(T, averaging);
            OodScorer recording = new OodScorer() {
                @Override
                public double[] score(List<Logits> batch) {
                    seen.add(List.copyOf(batch));
                    return energy.score(batch);
                }

                @Override
                public String name() {
                    return energy.name();
                }
            };
            DistillationResult result = GoldDistiller.builder().task(task).generator(new ScriptedGenerator())
                    .student(SequenceStudent.factory()).oodScorer(recording).batchSize(2).probeSize(5).rounds(4)
                    .feedbackEvery(1).updateStudentEvery(2).seed(9)
                    .runDirectory(tmp.resolve(task.name() + "-" + averaging)).build().run();

            assertThat(result.selections()).hasSize(4);
            boolean anyPadding = false;
            for (int r = 0; r < result.selections().size(); r++) {
                Selection sel = result.selections().get(r);
                List<Logits> batch = seen.get(r);
                for (int i = 0; i < batch.size(); i++) {
                    Logits z = batch.get(i);
                    anyPadding |= z.realPositions() < z.positions();
                    double expected = handEnergy(z, averaging == SequenceAveraging.REAL_TOKENS);
                    assertThat(sel.scores()[i]).as("%s round %d probe %d", task.name(), r, i)
                            .isCloseTo(expected, within(1e-9));
                    if (z.realPositions() < z.positions()) {
                        assertThat(sel.scores()[i]).isNotCloseTo(
                                handEnergy(z, averaging != SequenceAveraging.REAL_TOKENS), within(1e-3));
                    }
                }
            }
            assertThat(anyPadding).as("the test student pads short targets").isTrue();
        }
    }

    /** -T logsumexp(z_t / T), averaged over the real positions or over all of them. */
    private static double handEnergy(Logits z, boolean realOnly) {
        double sum = 0;
        int n = 0;
        for (int t = 0; t < z.positions(); t++) {
            if (realOnly && !z.isReal(t)) {
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < z.width(); k++) {
                max = Math.max(max, z.get(t, k) / T);
            }
            double s = 0;
            for (int k = 0; k < z.width(); k++) {
                s += Math.exp(z.get(t, k) / T - max);
            }
            sum += -T * (max + Math.log(s));
            n++;
        }
        return sum / n;
    }
}
