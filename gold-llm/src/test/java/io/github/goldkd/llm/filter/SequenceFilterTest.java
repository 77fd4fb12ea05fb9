package io.github.goldkd.llm.filter;

import io.github.goldkd.core.Label;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SequenceFilterTest {

    private static final Task QA = new Task("squad", TaskKind.EXTRACTIVE_QA, "", List.of("context", "question"),
            List.of(), List.of());
    private static final Task MATH = Task.sequence("svamp", TaskKind.MATH_WORD_PROBLEM, "", List.of("body", "question"),
            null, List.of());
    private static final Task GEN = Task.sequence("nl4opt", TaskKind.TEXT_GENERATION, "", List.of("document"),
            "formulation", List.of());

    private static final String CONTEXT = "The Loire is the longest river in France; it flows for 1,006 km.";
    private static final SequenceFilter DEFAULTS = SequenceFilter.defaults();

    private static Map<String, String> qa(String context, String question) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("context", context);
        m.put("question", question);
        return m;
    }

    private static Map<String, String> problem(String body, String question) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("body", body);
        m.put("question", question);
        return m;
    }

    private static SequenceFilter.Verdict qaCheck(String answer) {
        return DEFAULTS.check(QA, qa(CONTEXT, "Which is the longest river in France?"), answer, Map.of());
    }

    private static SequenceFilter.Verdict math(String body, String equation, Map<String, String> extras) {
        return DEFAULTS.check(MATH, problem(body, "How many are there in all?"), equation, extras);
    }

    private static void accepted(SequenceFilter.Verdict v, String target) {
        assertThat(v.ok()).as("%s: %s", v.reject(), v.detail()).isTrue();
        assertThat(v.target()).isEqualTo(target);
    }

    private static void rejected(SequenceFilter.Verdict v, String reason) {
        assertThat(v.reject()).as(String.valueOf(v.detail())).isEqualTo(reason);
        assertThat(v.detail()).isNotBlank();
        assertThat(v.target()).isNull();
    }

    // --- extractive QA

    @Test
    void qaAnswerThatIsASpanIsKeptAsWritten() {
        accepted(qaCheck("The Loire"), "The Loire");
        accepted(qaCheck("  1,006 km "), "1,006 km");
        assertThat(qaCheck("The Loire").references()).isEmpty();
    }

    @Test
    void qaAnswerMatchingOnlyIgnoringCaseIsCorrectedToTheContextsText() {
        accepted(qaCheck("the loire"), "The Loire");
        accepted(qaCheck("LONGEST RIVER IN FRANCE"), "longest river in France");
    }

    @Test
    void qaAnswerInQuotesOrEndingASentenceIsUnwrapped() {
        accepted(qaCheck("\"The Loire\""), "The Loire");
        accepted(qaCheck("the Loire."), "The Loire");
    }

    @Test
    void qaAnswerNotInTheContextOrEmptyIsRejected() {
        rejected(qaCheck("The Seine"), SequenceFilter.ANSWER_NOT_IN_SPAN);
        rejected(qaCheck("1006 km"), SequenceFilter.ANSWER_NOT_IN_SPAN);
        rejected(qaCheck("   "), SequenceFilter.OUTPUT_EMPTY);
        rejected(qaCheck(null), SequenceFilter.OUTPUT_EMPTY);
        rejected(qaCheck("x".repeat(201)), SequenceFilter.OUTPUT_TOO_LONG);
    }

    @Test
    void qaFieldLengthsFollowTheReferenceForTheQuestionAndALooserBoundForTheContext() {
        // The reference keeps 10 < length < 400.
        rejected(DEFAULTS.check(QA, qa(CONTEXT, "Which one?"), "The Loire", Map.of()), SequenceFilter.FIELD_TOO_SHORT);
        accepted(DEFAULTS.check(QA, qa(CONTEXT, "Which river?"), "The Loire", Map.of()), "The Loire");
        accepted(DEFAULTS.check(QA, qa(CONTEXT, "Which river is it" + "?".repeat(382)), "The Loire", Map.of()),
                "The Loire");
        rejected(DEFAULTS.check(QA, qa(CONTEXT, "Which river is it" + "?".repeat(383)), "The Loire", Map.of()),
                SequenceFilter.FIELD_TOO_LONG);
        // A real SQuAD paragraph of 600 characters passes by default, not with the reference's bound.
        String longContext = CONTEXT + " " + "It drains a fifth of the country.".repeat(16);
        assertThat(longContext.length()).isGreaterThan(500);
        accepted(DEFAULTS.check(QA, qa(longContext, "Which river?"), "The Loire", Map.of()), "The Loire");
        SequenceFilter reference = SequenceFilter.builder().spanChars(11, 399).build();
        rejected(reference.check(QA, qa(longContext, "Which river?"), "The Loire", Map.of()),
                SequenceFilter.FIELD_TOO_LONG);
        rejected(DEFAULTS.check(QA, qa("Too short", "Which river?"), "short", Map.of()), SequenceFilter.FIELD_TOO_SHORT);
    }

    // --- math word problems

    @Test
    void mathExpressionOverTheProblemsNumbersIsAcceptedWithItsValueAsReference() {
        SequenceFilter.Verdict v = math("Sara has 12 apples and buys 30 more.", "( 12.0 + 30.0 )", Map.of());
        accepted(v, "( 12.0 + 30.0 )");
        assertThat(v.references()).containsExactly("42.0");
        accepted(math("A box holds 1,000 pins; 2.5 boxes are full.", "1000 * 2.5", Map.of()), "1000 * 2.5");
        accepted(math("Each of .5 litres costs $ 3.", "(3 / 0.5)", Map.of()), "(3 / 0.5)");
    }

    @Test
    void mathConstantsAreAllowedAndConfigurable() {
        String body = "A shirt costs 40 dollars and is 25 percent off.";
        accepted(math(body, "40 - 40 * 25 / 100", Map.of()), "40 - 40 * 25 / 100");
        accepted(math(body, "40 * ( 1 - 25 * 0.01 )", Map.of()), "40 * ( 1 - 25 * 0.01 )");
        rejected(math(body, "40 * 0.75", Map.of()), SequenceFilter.EQUATION_UNKNOWN_NUMBER);
        SequenceFilter none = SequenceFilter.builder().mathConstants(List.of()).build();
        rejected(none.check(MATH, problem(body, "What is the price now?"), "40 - 40 * 25 / 100", Map.of()),
                SequenceFilter.EQUATION_UNKNOWN_NUMBER);
        SequenceFilter withQuarter = SequenceFilter.builder().mathConstants(List.of(0.75)).build();
        accepted(withQuarter.check(MATH, problem(body, "What is the price now?"), "40 * 0.75", Map.of()), "40 * 0.75");
    }

    @Test
    void mathExpressionThatDoesNotEvaluateIsRejected() {
        String body = "Sara has 12 apples and buys 30 more.";
        rejected(math(body, "12 + x", Map.of()), SequenceFilter.EQUATION_INVALID);
        rejected(math(body, "12 + 30 = 42", Map.of()), SequenceFilter.EQUATION_INVALID);
        rejected(math(body, "( 12 + 30", Map.of()), SequenceFilter.EQUATION_INVALID);
        rejected(math(body, "12 / ( 30 - 30 )", Map.of()), SequenceFilter.EQUATION_INVALID);
        rejected(math(body, "", Map.of()), SequenceFilter.OUTPUT_EMPTY);
    }

    @Test
    void mathNumberNotInTheProblemIsRejected() {
        rejected(math("Sara has 12 apples and buys 30 more.", "( 12 + 31 )", Map.of()),
                SequenceFilter.EQUATION_UNKNOWN_NUMBER);
        // The question counts as much as the body.
        accepted(DEFAULTS.check(MATH, problem("Sara has 12 apples.", "How many after 30 more?"), "12 + 30", Map.of()),
                "12 + 30");
    }

    @Test
    void mathStatedAnswerMustEqualTheExpressionsValue() {
        String body = "Sara has 12 apples and buys 30 more.";
        accepted(math(body, "( 12.0 + 30.0 )", Map.of("answer", "42")), "( 12.0 + 30.0 )");
        accepted(math(body, "( 12.0 + 30.0 )", Map.of("answer", "42.00001 apples")), "( 12.0 + 30.0 )");
        rejected(math(body, "( 12.0 + 30.0 )", Map.of("answer", "41")), SequenceFilter.ANSWER_MISMATCH);
        rejected(math(body, "( 12.0 + 30.0 )", Map.of("answer", "forty-two")), SequenceFilter.ANSWER_MISMATCH);
        accepted(math("Sara has 12 apples and gives away 30.", "12 - 30", Map.of("answer", "-18")), "12 - 30");
        // Another field name when configured; other fields are ignored.
        SequenceFilter f = SequenceFilter.builder().statedAnswerField("result").build();
        rejected(f.check(MATH, problem(body, "How many are there?"), "12 + 30", Map.of("result", "40")),
                SequenceFilter.ANSWER_MISMATCH);
        accepted(f.check(MATH, problem(body, "How many are there?"), "12 + 30", Map.of("answer", "40")), "12 + 30");
    }

    @Test
    void mathFieldLengthsFollowTheReference() {
        rejected(math("12 and 30.", "12 + 30", Map.of()), SequenceFilter.FIELD_TOO_SHORT);
        rejected(math("Sara has 12 apples and buys 30 more." + " Really.".repeat(50), "12 + 30", Map.of()),
                SequenceFilter.FIELD_TOO_LONG);
    }

    @Test
    void textNumbersAreReadAsNumbers() {
        assertThat(SequenceFilter.textNumbers("$ 1,000.50 for 3 items, .5 kg and 2.0 m"))
                .contains(1000.5, 3.0, 0.5, 2.0, 1.0).doesNotContain(50.0, 1000.0);
    }

    // --- text generation

    @Test
    void generationOutputMustBeNonEmptyAndWithinBounds() {
        Map<String, String> doc = Map.of("document", "A farmer grows wheat and corn on at most 50 acres.");
        accepted(DEFAULTS.check(GEN, doc, " x + y <= 50 ", Map.of()), "x + y <= 50");
        rejected(DEFAULTS.check(GEN, doc, "", Map.of()), SequenceFilter.OUTPUT_EMPTY);
        SequenceFilter f = SequenceFilter.builder().outputChars(TaskKind.TEXT_GENERATION, 5, 20)
                .inputChars(TaskKind.TEXT_GENERATION, 11, 60).build();
        rejected(f.check(GEN, doc, "x<=5", Map.of()), SequenceFilter.OUTPUT_TOO_SHORT);
        rejected(f.check(GEN, doc, "x + y <= 50 and more text", Map.of()), SequenceFilter.OUTPUT_TOO_LONG);
        accepted(f.check(GEN, doc, "x + y <= 50", Map.of()), "x + y <= 50");
        rejected(f.check(GEN, Map.of("document", "A farmer grows wheat and corn on at most 50 acres of land."
                + " He sells both."), "x + y <= 50", Map.of()), SequenceFilter.FIELD_TOO_LONG);
        rejected(DEFAULTS.check(GEN, Map.of("document", "A farm."), "x + y <= 50", Map.of()),
                SequenceFilter.FIELD_TOO_SHORT);
    }

    // --- settings

    @Test
    void settingsAreValidatedWithTheirNameAndRange() {
        assertThatThrownBy(() -> SequenceFilter.builder().inputChars(TaskKind.EXTRACTIVE_QA, 0, 10))
                .hasMessage("inputChars min must be in [1, 100000], was 0");
        assertThatThrownBy(() -> SequenceFilter.builder().spanChars(50, 10))
                .hasMessage("spanChars max must be in [min=50, 100000], was 10");
        assertThatThrownBy(() -> SequenceFilter.builder().outputChars(TaskKind.CLASSIFICATION, 1, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outputChars")
                .hasMessageContaining("CLASSIFICATION");
        assertThatThrownBy(() -> SequenceFilter.builder().mathConstants(List.of(1.0, Double.NaN)))
                .hasMessageContaining("mathConstants must be finite numbers >= 0");
        assertThatThrownBy(() -> SequenceFilter.builder().mathConstants(List.of(-1.0)))
                .hasMessageContaining("mathConstants must be finite numbers >= 0");
        assertThatThrownBy(() -> SequenceFilter.builder().statedAnswerField(" "))
                .hasMessageContaining("statedAnswerField");
        Task cls = Task.classification("t", "", List.of(new Label("a", ""), new Label("b", "")), List.of());
        assertThatThrownBy(() -> DEFAULTS.check(cls, Map.of("text", "abc"), "a", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CLASSIFICATION");
    }

    @Test
    void describeNamesTheSettings() {
        assertThat(DEFAULTS.describe()).containsEntry("extractive_qa.inputChars", "[11, 399]")
                .containsEntry("extractive_qa.spanChars", "[11, 2000]")
                .containsEntry("math.constants", List.of(1.0, 100.0, 0.01));
    }
}
