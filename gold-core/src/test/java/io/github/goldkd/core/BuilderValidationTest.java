package io.github.goldkd.core;

import io.github.goldkd.core.testing.ControlledStudent;
import io.github.goldkd.core.testing.Faults;
import io.github.goldkd.core.testing.Fixtures;
import io.github.goldkd.core.testing.ScriptedGenerator;
import io.github.goldkd.core.testing.TestScorer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every check of {@link GoldDistiller.Builder#build()}, with the exact message a user sees. */
class BuilderValidationTest {

    private static GoldDistiller.Builder valid() {
        return GoldDistiller.builder().task(Fixtures.topicTask()).generator(new ScriptedGenerator())
                .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer())
                .runDirectory(Path.of("unused"));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad(b -> b.task(null), "task is required, was null"),
                bad(b -> b.generator(null), "generator is required, was null"),
                bad(b -> b.student(null), "student is required, was null"),
                bad(b -> b.runDirectory(null), "runDirectory is required, was null"),
                bad(b -> b.finalLoss(null), "finalLoss is required, was null"),
                bad(b -> b.selector(null), "selector is required, was null"),
                bad(b -> b.loopLoss(null), "loopLoss is required, was null"),
                bad(b -> b.batchFilter(null), "batchFilter is required, was null"),
                bad(b -> b.probePolicy(null), "probePolicy is required, was null"),
                bad(b -> b.feedbackMode(null), "feedbackMode is required, was null"),
                bad(b -> b.feedbackLifetime(null), "feedbackLifetime is required, was null"),
                bad(b -> b.labelPlan(null), "labelPlan is required, was null"),
                bad(b -> b.studentUpdate(null), "studentUpdate is required, was null"),
                bad(b -> b.batchSize(0), "batchSize must be in [1, 10000], was 0"),
                bad(b -> b.batchSize(10_001), "batchSize must be in [1, 10000], was 10001"),
                bad(b -> b.probeSize(-1), "probeSize must be in [0, 10000], was -1"),
                bad(b -> b.rounds(0), "rounds must be in [1, 1000000], was 0"),
                bad(b -> b.feedbackEvery(0), "feedbackEvery must be in [1, 1000000], was 0"),
                bad(b -> b.updateStudentEvery(-3), "updateStudentEvery must be in [1, 1000000], was -3"),
                bad(b -> b.updateEpochs(0), "updateEpochs must be in [1, 1000], was 0"),
                bad(b -> b.feedbackPoolLimit(0), "feedbackPoolLimit must be in [1, 1000], was 0"),
                bad(b -> b.finalEpochs(0), "finalEpochs must be in [1, 10000], was 0"),
                bad(b -> b.minAcceptedShare(-0.1), "minAcceptedShare must be in [0, 1], was -0.1"),
                bad(b -> b.minAcceptedShare(1.5), "minAcceptedShare must be in [0, 1], was 1.5"),
                bad(b -> b.minAcceptedShare(Double.NaN), "minAcceptedShare must be in [0, 1], was NaN"),
                bad(b -> b.selectionBand(-0.1, 0.8), "selection band lower bound must be in [0, 1), was -0.1"),
                bad(b -> b.selectionBand(1.0, 1.0), "selection band lower bound must be in [0, 1), was 1.0"),
                bad(b -> b.selectionBand(0.8, 0.5), "selection band upper bound must be in (0.8, 1], was 0.5"),
                bad(b -> b.selectionBand(0.5, 1.5), "selection band upper bound must be in (0.5, 1], was 1.5"),
                bad(b -> b.probePolicy(ProbePolicy.NEVER),
                        "feedbackMode ON needs probes, but probePolicy is NEVER and probeSize is 8; allowed: "
                                + "probePolicy EVERY_ROUND or FEEDBACK_ROUNDS with probeSize >= 1, or feedbackMode "
                                + "OFF_NO_PROBES"),
                bad(b -> b.probeSize(0).feedbackMode(FeedbackMode.OFF_PROBES_KEPT),
                        "feedbackMode OFF_PROBES_KEPT needs probes, but probePolicy is EVERY_ROUND and probeSize is 0; "
                                + "allowed: probePolicy EVERY_ROUND or FEEDBACK_ROUNDS with probeSize >= 1, or "
                                + "feedbackMode OFF_NO_PROBES"),
                bad(b -> b.feedbackMode(FeedbackMode.OFF_PROBES_KEPT).keepProbes(false),
                        "feedbackMode OFF_PROBES_KEPT keeps probes as data, but keepProbes is false; allowed: "
                                + "keepProbes true, or feedbackMode OFF_NO_PROBES"),
                bad(b -> b.oodScorer(null), "oodScorer is required when feedbackMode is ON, was null; "
                        + "e.g. io.github.goldkd.ood.OodScores.energy(1.0)"),
                bad(b -> b.monitor(Dataset.of(List.of(Sample.real("t1", "x", "weather")))),
                        "monitor sample t1 has label 'weather', allowed: [sports, politics, science]"));
    }

    private static Arguments bad(UnaryOperator<GoldDistiller.Builder> change, String message) {
        return Arguments.of(change, message);
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsWithAMessageNamingSettingValueAndRange(UnaryOperator<GoldDistiller.Builder> change, String message) {
        assertThatThrownBy(() -> change.apply(valid()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void defaultsAreTheReferenceValues() {
        GoldConfig c = valid().build().config();
        assertThat(c.batchSize()).isEqualTo(8);
        assertThat(c.probeSize()).isEqualTo(8);
        assertThat(c.rounds()).isEqualTo(375);
        assertThat(c.feedbackEvery()).isEqualTo(2);
        assertThat(c.updateStudentEvery()).isEqualTo(25);
        assertThat(c.probePolicy()).isEqualTo(ProbePolicy.EVERY_ROUND);
        assertThat(c.keepProbes()).isTrue();
        assertThat(c.selector()).isEqualTo("band[0.5,0.8)");
        assertThat(c.feedbackLifetime()).isEqualTo(FeedbackLifetime.REPLACE);
        assertThat(c.labelPlan()).isEqualTo(LabelPlan.BALANCED);
        assertThat(c.feedbackMode()).isEqualTo(FeedbackMode.ON);
        assertThat(c.finalLoss()).isEqualTo("sce(alpha=0.1,beta=1.0,labelClamp=1.0E-4)");
        assertThat(c.loopLoss()).isEqualTo("ce");
        assertThat(c.batchFilter()).isEqualTo("none");
        assertThat(c.seed()).isEqualTo(42);
    }

    @Test
    void noFeedbackRunsNeedNoScorer() {
        assertThat(valid().oodScorer(null).feedbackMode(FeedbackMode.OFF_NO_PROBES).build().config().scorer())
                .isEqualTo("none");
        assertThat(valid().oodScorer(null).feedbackMode(FeedbackMode.OFF_PROBES_KEPT).build().config().scorer())
                .isEqualTo("none");
    }
}
