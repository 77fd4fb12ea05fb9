package io.github.goldkd.student.seq;

import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.TrainingOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Seq2SeqConfig#plausibleAnswers()}: the math codec's choice among hand-made hypotheses, the setting's
 * default, its refusal for text, and its round trip through a student file. The choice in a trained student's
 * decoding is checked in {@link Seq2SeqStudentTest}.
 */
class PlausibleAnswersTest {

    static MathCodec codec;

    @BeforeAll
    static void prepare() {
        codec = new MathCodec(SeqToyData.MATH.inputFields(), 1, 8000);
        codec.prepare(SeqToyData.math(64, 1).samples());
    }

    /** A problem whose numbers are {@code a} and {@code b}, in that order. */
    static Sample problem(String a, String b) {
        return Sample.withTarget("p", Map.of("body", "tom has " + a + " apples and gives away " + b + " of them .",
                "question", "how many apples are left ?"), "( " + a + " - " + b + " )", List.of(), Origin.REAL);
    }

    /** A finished hypothesis writing {@code infix} over the problem's numbers, scored {@code score}. */
    static BeamSearch.Hypothesis hypothesis(Sample problem, SeqCodec.Source source, String infix, double score) {
        int[] ids = codec.target(problem.withTarget(infix), source, 32);
        assertThat(ids).as(infix).isNotNull();
        int[] tokens = Arrays.copyOf(ids, ids.length - 1); // without the end token
        assertThat(ids[ids.length - 1]).isEqualTo(codec.eos());
        return new BeamSearch.Hypothesis(tokens, score, score, true);
    }

    @Test
    void theFirstHypothesisWithANonNegativeAnswerIntegralForIntegerNumbersIsChosen() {
        Sample p = problem("30", "28");
        SeqCodec.Source src = codec.source(p, 128);
        BeamSearch.Hypothesis swapped = hypothesis(p, src, "( 28.0 - 30.0 )", -0.1);
        BeamSearch.Hypothesis right = hypothesis(p, src, "( 30.0 - 28.0 )", -0.2);
        BeamSearch.Hypothesis sum = hypothesis(p, src, "( 30.0 + 28.0 )", -0.3);
        BeamSearch.Hypothesis ratio = hypothesis(p, src, "( 30.0 / 28.0 )", -0.15);
        assertThat(codec.render(swapped.tokens(), src)).isEqualTo("( 28.0 - 30.0 )");
        // negative first, positive second: the second
        assertThat(codec.plausibleChoice(List.of(swapped, right, sum), src)).isEqualTo(1);
        // 30 / 28 is not whole though every number of the problem is: passed over as well
        assertThat(codec.plausibleChoice(List.of(swapped, ratio, sum, right), src)).isEqualTo(2);
        // the best already plausible: kept
        assertThat(codec.plausibleChoice(List.of(right, swapped), src)).isZero();
        // an unfinished hypothesis is no answer, however it would evaluate
        BeamSearch.Hypothesis cut = new BeamSearch.Hypothesis(right.tokens(), -0.2, -0.2, false);
        assertThat(codec.plausibleChoice(List.of(swapped, cut, sum), src)).isEqualTo(2);
        // none plausible: the best, as without the setting
        assertThat(codec.plausibleChoice(List.of(swapped, ratio), src)).isZero();
        assertThat(codec.plausibleChoice(List.of(swapped), src)).isZero();
        // float rounding is no fraction: ( 1 / 49 ) * 49 is 0.9999999999999999 in doubles
        Sample small = problem("1", "49");
        SeqCodec.Source smallSrc = codec.source(small, 128);
        assertThat(codec.plausibleChoice(List.of(hypothesis(small, smallSrc, "( 1.0 - 49.0 )", -0.1),
                hypothesis(small, smallSrc, "( ( 1.0 / 49.0 ) * 49.0 )", -0.2)), smallSrc)).isEqualTo(1);
        // a zero answer is non-negative and whole
        Sample same = problem("30", "30");
        SeqCodec.Source sameSrc = codec.source(same, 128);
        assertThat(codec.plausibleChoice(List.of(hypothesis(same, sameSrc, "( 30.0 / 30.0 )", -0.1),
                hypothesis(same, sameSrc, "( 30.0 - 30.0 )", -0.2)), sameSrc)).isZero();
    }

    @Test
    void aFractionIsPlausibleWhenTheProblemHasANonIntegerNumber() {
        Sample p = problem("7.5", "3");
        SeqCodec.Source src = codec.source(p, 128);
        assertThat(src.numbers()).containsExactly(7.5, 3.0);
        BeamSearch.Hypothesis swapped = hypothesis(p, src, "( 3.0 - 7.5 )", -0.1);
        BeamSearch.Hypothesis right = hypothesis(p, src, "( 7.5 - 3.0 )", -0.2);
        assertThat(codec.plausibleChoice(List.of(swapped, right), src)).isEqualTo(1);
        BeamSearch.Hypothesis ratio = hypothesis(p, src, "( 3.0 / 7.5 )", -0.2);
        assertThat(codec.plausibleChoice(List.of(swapped, ratio, right), src)).isEqualTo(1);
    }

    @Test
    void theTextCodecKeepsTheBest() {
        SeqCodec text = new TextCodec(SeqToyData.TEXT.inputFields(), 1, 8000);
        text.prepare(SeqToyData.text(16, 1).samples());
        SeqCodec.Source src = text.source(SeqToyData.text(1, 2).get(0), 256);
        assertThat(text.plausibleChoice(List.of(new BeamSearch.Hypothesis(new int[0], -1, -1, true),
                new BeamSearch.Hypothesis(new int[0], -2, -2, true)), src)).isZero();
    }

    @Test
    void onByDefaultForMathWithABeamAndRefusedForText() {
        assertThat(Seq2SeqConfig.defaults(TaskKind.MATH_WORD_PROBLEM).plausibleAnswers()).isTrue();
        assertThat(Seq2SeqConfig.defaults(TaskKind.MATH_WORD_PROBLEM).beamWidth()).isEqualTo(8);
        assertThat(Seq2SeqConfig.defaults(TaskKind.TEXT_GENERATION).plausibleAnswers()).isFalse();
        assertThat(Seq2SeqConfig.defaults(TaskKind.TEXT_GENERATION).beamWidth()).isEqualTo(1);
        Seq2SeqConfig on = Seq2SeqConfig.builder(TaskKind.MATH_WORD_PROBLEM).plausibleAnswers(true).build();
        assertThat(on.plausibleAnswers()).isTrue();
        assertThat(on.toBuilder().build()).isEqualTo(on);
        assertThat(Seq2SeqStudent.factory(on).create(SeqToyData.MATH, TrainingOptions.defaults(1)).config()
                .plausibleAnswers()).isTrue();
        Seq2SeqConfig textOn = Seq2SeqConfig.builder(TaskKind.TEXT_GENERATION).plausibleAnswers(true).build();
        assertThatThrownBy(() -> Seq2SeqStudent.factory(textOn).create(SeqToyData.TEXT, TrainingOptions.defaults(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plausibleAnswers")
                .hasMessageContaining("MATH_WORD_PROBLEM").hasMessageContaining("TEXT_GENERATION");
        Seq2SeqStudent text = Seq2SeqStudent.factory(Seq2SeqConfig.defaults(TaskKind.TEXT_GENERATION))
                .create(SeqToyData.TEXT, TrainingOptions.defaults(1));
        assertThatThrownBy(() -> text.predict(SeqToyData.text(1, 1).samples(), 2, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plausibleAnswers");
    }

    @Test
    void theSettingSurvivesSaveAndLoad(@TempDir Path dir) {
        Seq2SeqConfig on = Seq2SeqStudentTest.MATH_CONFIG.toBuilder().plausibleAnswers(true).beamWidth(3).build();
        Seq2SeqStudent student = Seq2SeqStudent.factory(on).create(SeqToyData.MATH, TrainingOptions.defaults(1));
        Path untrained = dir.resolve("untrained.zip");
        student.save(untrained);
        assertThat(Seq2SeqStudent.factory().load(untrained).config()).isEqualTo(on);
        student.fit(SeqToyData.math(32, 1), 1, 1);
        Path trained = dir.resolve("trained.zip");
        student.save(trained);
        Seq2SeqStudent back = Seq2SeqStudent.factory().load(trained);
        assertThat(back.config()).isEqualTo(on);
        List<Sample> probe = SeqToyData.math(8, 2).samples();
        assertThat(back.predict(probe)).isEqualTo(student.predict(probe))
                .isEqualTo(back.predict(probe, 3, true)); // the configured choice is the one predict makes
        // and off stays off
        Seq2SeqStudent off = Seq2SeqStudent.factory(Seq2SeqStudentTest.MATH_CONFIG)
                .create(SeqToyData.MATH, TrainingOptions.defaults(1));
        off.save(dir.resolve("off.zip"));
        assertThat(Seq2SeqStudent.factory().load(dir.resolve("off.zip")).config().plausibleAnswers()).isFalse();
    }
}
