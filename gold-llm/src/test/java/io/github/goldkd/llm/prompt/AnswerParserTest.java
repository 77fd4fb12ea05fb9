package io.github.goldkd.llm.prompt;

import io.github.goldkd.core.Label;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AnswerParserTest {

    private static final Task TASK = Task.classification("t", "", List.of(new Label("pos", ""), new Label("neg", "")),
            List.of());
    private static final Task PAIR = new Task("nli", TaskKind.CLASSIFICATION, "", List.of("premise", "hypothesis"),
            List.of(new Label("yes", ""), new Label("no", "")), List.of());

    private static AnswerParser.Candidate ok(String answer) {
        AnswerParser.Result r = AnswerParser.parse(answer, TASK);
        assertThat(r.ok()).as("%s: %s", answer, r.detail()).isTrue();
        return r.candidates().get(0);
    }

    @Test
    void plainObject() {
        AnswerParser.Candidate c = ok("{\"text\": \"Great film.\", \"label\": \"pos\"}");
        assertThat(c.inputs()).isEqualTo(Map.of("text", "Great film."));
        assertThat(c.statedLabel()).isEqualTo("pos");
    }

    @Test
    void codeFenceWithLanguage() {
        assertThat(ok("```json\n{\"text\": \"A\", \"label\": \"neg\"}\n```").inputs().get("text")).isEqualTo("A");
    }

    @Test
    void codeFenceWithoutClosingFence() {
        assertThat(ok("```\n{\"text\": \"B\"}").inputs().get("text")).isEqualTo("B");
    }

    @Test
    void leadingAndTrailingProse() {
        AnswerParser.Candidate c = ok("Sure! Here is a new example {with braces}:\n{\"text\": \"C }{ inside\", "
                + "\"label\": \"pos\"}\nI hope this helps.");
        assertThat(c.inputs().get("text")).isEqualTo("C }{ inside");
    }

    @Test
    void arrayWhereOneObjectWasAskedGivesItsFirstObject() {
        AnswerParser.Candidate c = ok("[{\"text\": \"first\", \"label\": \"pos\"}, {\"text\": \"second\"}]");
        assertThat(c.inputs().get("text")).isEqualTo("first");
    }

    @Test
    void missingLabelIsAcceptedWithoutStatedLabel() {
        assertThat(ok("{\"text\": \"no label\"}").statedLabel()).isNull();
    }

    @Test
    void multipleInputFieldsKeepTheTasksOrder() {
        AnswerParser.Result r = AnswerParser.parse("{\"hypothesis\": \"h\", \"premise\": \"p\", \"label\": \"yes\"}", PAIR);
        assertThat(r.candidates().get(0).inputs().keySet()).containsExactly("premise", "hypothesis");
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
            "'   '                                        | parse-empty",
            "I cannot help with that.                     | parse-no-json",
            "{\"text\": \"cut off in the midd             | parse-truncated",
            "{'text': 'single quotes'}                    | parse-invalid-json",
            "{\"text\": \"a\",}                           | parse-invalid-json",
            "[1, 2, 3]                                    | parse-not-object",
            "[]                                           | parse-not-object",
            "{\"label\": \"pos\"}                         | parse-missing-field",
            "{\"text\": 42, \"label\": \"pos\"}           | parse-missing-field",
            "{\"text\": [\"a\"], \"label\": \"pos\"}      | parse-missing-field",
    })
    void rejectsWithAReason(String answer, String reason) {
        AnswerParser.Result r = AnswerParser.parse(answer, TASK);
        assertThat(r.ok()).isFalse();
        assertThat(r.reject()).isEqualTo(reason);
        assertThat(r.detail()).isNotBlank();
        assertThat(r.candidates()).isEmpty();
    }

    private static final Task QA = new Task("squad", TaskKind.EXTRACTIVE_QA, "", List.of("context", "question"),
            List.of(), List.of());
    private static final Task MATH = Task.sequence("svamp", TaskKind.MATH_WORD_PROBLEM, "", List.of("body", "question"),
            null, List.of());
    private static final Task GEN = Task.sequence("nl4opt", TaskKind.TEXT_GENERATION, "", List.of("document"),
            "formulation", List.of());

    private static AnswerParser.Candidate ok(String answer, Task task) {
        AnswerParser.Result r = AnswerParser.parse(answer, task);
        assertThat(r.ok()).as("%s: %s", answer, r.detail()).isTrue();
        return r.candidates().get(0);
    }

    @Test
    void sequenceAnswerGivesInputsInTheTasksOrderAndTheOutputFieldAsTarget() {
        AnswerParser.Candidate c = ok("{\"question\": \"Where?\", \"answer\": \"Paris\", \"context\": \"In Paris.\"}", QA);
        assertThat(c.inputs().keySet()).containsExactly("context", "question");
        assertThat(c.inputs()).containsEntry("context", "In Paris.").containsEntry("question", "Where?");
        assertThat(c.target()).isEqualTo("Paris");
        assertThat(c.statedLabel()).isNull();
        assertThat(c.extras()).isEmpty();
    }

    @Test
    void sequenceAnswerToleratesFencesAndProseAndKeepsOtherScalarsAsExtras() {
        AnswerParser.Candidate c = ok("Here is a new problem:\n```json\n{\"body\": \"Tom has 3 pens and buys 4.\", "
                + "\"question\": \"How many pens?\", \"equation\": \"( 3.0 + 4.0 )\", \"answer\": 7}\n```\nEnjoy!", MATH);
        assertThat(c.target()).isEqualTo("( 3.0 + 4.0 )");
        assertThat(c.extras()).isEqualTo(Map.of("answer", "7"));

        AnswerParser.Candidate g = ok("Sure. {\"document\": \"A farm {of} 50 acres.\", \"formulation\": \"x + y <= 50\"} Done.",
                GEN);
        assertThat(g.target()).isEqualTo("x + y <= 50");
        assertThat(g.inputs()).isEqualTo(Map.of("document", "A farm {of} 50 acres."));
    }

    @Test
    void inAnArrayTheFirstObjectWithInputsAndOutputIsTaken() {
        AnswerParser.Candidate c = ok("[{\"document\": \"no output here\"}, {\"document\": \"d\", \"formulation\": \"f\"}]",
                GEN);
        assertThat(c.target()).isEqualTo("f");
        assertThat(c.inputs().get("document")).isEqualTo("d");
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
            "{\"context\": \"c\", \"question\": \"q\"}                        | parse-missing-output",
            "{\"context\": \"c\", \"question\": \"q\", \"answer\": 42}          | parse-missing-output",
            "{\"context\": \"c\", \"question\": \"q\", \"target\": \"a\"}       | parse-missing-output",
            "{\"context\": \"c\", \"answer\": \"a\"}                          | parse-missing-field",
            "[{\"context\": \"c\", \"question\": \"q\"}, {\"answer\": \"a\"}]   | parse-missing-output",
            "Here you go: {\"context\": \"c\", \"question\":                | parse-truncated",
            "The answer is Paris.                                         | parse-no-json",
    })
    void sequenceAnswersAreRejectedWithAReason(String answer, String reason) {
        AnswerParser.Result r = AnswerParser.parse(answer, QA);
        assertThat(r.ok()).isFalse();
        assertThat(r.reject()).isEqualTo(reason);
        assertThat(r.detail()).isNotBlank();
        assertThat(r.candidates()).isEmpty();
    }

    @Test
    void theMissingOutputDetailNamesTheField() {
        AnswerParser.Result r = AnswerParser.parse("{\"body\": \"b\", \"question\": \"q\", \"answer\": \"5\"}", MATH);
        assertThat(r.reject()).isEqualTo(AnswerParser.MISSING_OUTPUT);
        assertThat(r.detail()).contains("'equation'");
    }

    @Test
    void classificationCandidatesHaveNoTarget() {
        AnswerParser.Candidate c = ok("{\"text\": \"Great.\", \"label\": \"pos\", \"answer\": \"x\"}");
        assertThat(c.target()).isNull();
        assertThat(c.extras()).isEmpty();
    }
}
