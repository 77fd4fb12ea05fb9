package io.github.goldkd.llm.llamacpp;

import io.github.goldkd.core.Label;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.llm.prompt.PromptTemplates;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GbnfGrammarTest {

    private static final Task SENTIMENT = Task.classification("sentiment", "",
            List.of(new Label("negative", ""), new Label("positive", "")), List.of());

    @Test
    void literalEscapesQuotesBackslashesControlAndNonAsciiCharacters() {
        assertThat(GbnfGrammar.literal("plain text")).isEqualTo("\"plain text\"");
        assertThat(GbnfGrammar.literal("say \"hi\" \\ now")).isEqualTo("\"say \\\"hi\\\" \\\\ now\"");
        assertThat(GbnfGrammar.literal("a\nb\tc")).isEqualTo("\"a\\x0Ab\\x09c\"");
        assertThat(GbnfGrammar.literal("caf\u00e9 \ud83d\ude00")).isEqualTo("\"caf\\u00E9 \\U0001F600\"");
        assertThat(GbnfGrammar.literal("\u007f")).isEqualTo("\"\\x7F\"");
    }

    @Test
    void sampleGrammarFixesTheRequestedLabelAsJsonText() {
        String g = GbnfGrammar.forSample(SENTIMENT, "positive", 50);
        assertThat(g).startsWith("root ::= \"{\" ws \"\\\"text\\\"\" ws \":\" ws string-1-50 \",\" ws "
                + "\"\\\"label\\\"\" ws \":\" ws \"\\\"positive\\\"\" ws \"}\"\n");
        assertThat(g).contains("string-1-50 ::= \"\\\"\" first char{0,49} \"\\\"\"")
                .contains("ws ::= \" \"?")
                .doesNotContain("negative");
    }

    @Test
    void labelWithQuotesIsJsonEscapedThenGbnfEscaped() {
        Task t = Task.classification("odd", "", List.of(new Label("say \"yes\"", ""), new Label("no", "")), List.of());
        String g = GbnfGrammar.forSample(t, "say \"yes\"", 10);
        // JSON text "say \"yes\"" as a GBNF literal: every quote and backslash escaped once more.
        assertThat(g).contains("\"\\\"say \\\\\\\"yes\\\\\\\"\\\"\"");
    }

    @Test
    void nullLabelAllowsEveryLabelOfTheTask() {
        String g = GbnfGrammar.forSample(SENTIMENT, null, 20);
        assertThat(g).contains("( \"\\\"negative\\\"\" | \"\\\"positive\\\"\" )");
    }

    @Test
    void unknownLabelIsRejectedWithTheAllowedOnes() {
        assertThatThrownBy(() -> GbnfGrammar.forSample(SENTIMENT, "neutral", 20))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("neutral").hasMessageContaining("[negative, positive]");
    }

    @Test
    void sequenceTasksGetTheirOutputFieldAsAStringAfterTheInputsInOrder() {
        Task qa = new Task("qa", TaskKind.EXTRACTIVE_QA, "", List.of("context", "question"), List.of(), List.of());
        String g = GbnfGrammar.forSample(qa, null, 30);
        assertThat(g).startsWith("root ::= \"{\" ws \"\\\"context\\\"\" ws \":\" ws string-1-30 \",\" ws "
                + "\"\\\"question\\\"\" ws \":\" ws string-1-30 \",\" ws "
                + "\"\\\"answer\\\"\" ws \":\" ws string-1-30 ws \"}\"\n");
        assertThat(g).doesNotContain("label").doesNotContain("target");
        Task gen = Task.sequence("nl4opt", TaskKind.TEXT_GENERATION, "", List.of("document"), "formulation", List.of());
        assertThat(GbnfGrammar.forSample(gen, null, 30)).contains("\"\\\"formulation\\\"\"");
        assertThatThrownBy(() -> GbnfGrammar.forSample(qa, "positive", 30))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes no label");
    }

    @Test
    void schemaOfEachSequenceTemplateBecomesTheSameOrderedGrammar() {
        List<Task> tasks = List.of(
                new Task("qa", TaskKind.EXTRACTIVE_QA, "", List.of("context", "question"), List.of(), List.of()),
                Task.sequence("svamp", TaskKind.MATH_WORD_PROBLEM, "", List.of("body", "question"), null, List.of()),
                Task.sequence("nl4opt", TaskKind.TEXT_GENERATION, "", List.of("document"), "formulation", List.of()));
        for (Task t : tasks) {
            String schema = PromptTemplates.defaults().forKind(t.kind()).responseFormat(t).schema();
            String fromSchema = GbnfGrammar.fromJsonSchema(schema, 40);
            String direct = GbnfGrammar.forSample(t, null, 40);
            // The schema's grammar has one more indirection (root ::= root-object); the object rule is the same.
            String object = direct.lines().findFirst().orElseThrow().substring("root ::= ".length());
            assertThat(fromSchema).startsWith("root ::= root-object\n").contains("root-object ::= " + object + "\n");
            assertThat(object.indexOf(GbnfGrammar.literal("\"" + t.outputField() + "\"")))
                    .isGreaterThan(object.indexOf(GbnfGrammar.literal("\"" + t.inputFields().get(0) + "\"")));
        }
    }

    @Test
    void arrayGrammarHasOneObjectPerRequestedLabelInOrder() {
        String g = GbnfGrammar.forSamples(SENTIMENT, List.of("negative", "positive", "negative"), 20);
        assertThat(g).startsWith("root ::= \"[\" ws sample0 \",\" ws sample1 \",\" ws sample2 ws \"]\"\n");
        assertThat(g).containsPattern("sample1 ::= .*\"\\\\\"positive\\\\\"\"");
        assertThat(g).containsPattern("sample2 ::= .*\"\\\\\"negative\\\\\"\"");
    }

    @Test
    void schemaOfTheClassificationTemplateBecomesAnEnumGrammar() {
        String schema = PromptTemplates.defaults().forKind(TaskKind.CLASSIFICATION).responseFormat(SENTIMENT).schema();
        String g = GbnfGrammar.fromJsonSchema(schema, 40);
        assertThat(g).startsWith("root ::= root-object\n")
                .contains("root-object ::= \"{\" ws \"\\\"text\\\"\" ws \":\" ws string-1-40")
                .contains("( \"\\\"negative\\\"\" | \"\\\"positive\\\"\" )");
    }

    @Test
    void schemaStringBoundsAndScalarTypesAreHonoured() {
        String g = GbnfGrammar.fromJsonSchema("{\"type\":\"object\",\"properties\":{"
                + "\"a\":{\"type\":\"string\",\"minLength\":0,\"maxLength\":5},"
                + "\"b\":{\"type\":\"string\",\"minLength\":3,\"maxLength\":9999},"
                + "\"n\":{\"type\":\"integer\"},\"x\":{\"type\":\"number\"},\"f\":{\"type\":\"boolean\"},"
                + "\"z\":{\"type\":\"null\"},\"c\":{\"const\":\"k\"},"
                + "\"l\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":1,\"maxItems\":3}}}", 100);
        assertThat(g).contains("string-0-5 ::= \"\\\"\" char{0,5} \"\\\"\"")
                .contains("string-3-100 ::= \"\\\"\" first char{2,99} \"\\\"\"")
                .contains("integer ::= ").contains("number ::= ").contains("( \"true\" | \"false\" )")
                .contains("\"null\"").contains("\"\\\"k\\\"\"")
                .contains("root-l ::= \"[\" ws integer ( \",\" ws integer ){0,2} ws \"]\"");
    }

    @Test
    void unsupportedSchemaKeywordsAreReportedForAFallback() {
        assertThatThrownBy(() -> GbnfGrammar.fromJsonSchema(
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":\"^x$\"}}}", 10))
                .isInstanceOf(GbnfGrammar.UnsupportedSchemaException.class)
                .hasMessageContaining("'pattern'").hasMessageContaining("root-a");
        assertThatThrownBy(() -> GbnfGrammar.fromJsonSchema("{\"anyOf\":[]}", 10))
                .isInstanceOf(GbnfGrammar.UnsupportedSchemaException.class);
        assertThatThrownBy(() -> GbnfGrammar.fromJsonSchema("[1]", 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON object");
    }

    @Test
    void maxStringLengthIsValidated() {
        assertThatThrownBy(() -> GbnfGrammar.forSample(SENTIMENT, "positive", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxStringLength must be in [1, 100000], was 0");
    }

    @Test
    void jsonObjectGrammarBoundsItsStrings() {
        String g = GbnfGrammar.jsonObject(64);
        assertThat(g).startsWith("root ::= object\n").contains("string-0-64 ::= \"\\\"\" char{0,64} \"\\\"\"")
                .contains("value ::= object | array | string-0-64 | number");
    }
}
