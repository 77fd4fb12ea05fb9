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
}
