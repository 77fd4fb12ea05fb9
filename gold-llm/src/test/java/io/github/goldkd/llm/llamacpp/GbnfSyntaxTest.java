package io.github.goldkd.llm.llamacpp;

import de.kherud.llama.LlamaModel;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GbnfSyntaxTest {

    private static final Task SENTIMENT = Task.classification("sentiment", "",
            List.of(new Label("negative", ""), new Label("positive", "")), List.of());

    @Test
    void everyGrammarThisLibraryWritesPasses() {
        Task qa = new Task("qa", TaskKind.EXTRACTIVE_QA, "", List.of("context", "question"), List.of(), List.of());
        Task gen = Task.sequence("nl4opt", TaskKind.TEXT_GENERATION, "", List.of("document"), "formulation", List.of());
        List<String> grammars = List.of(
                GbnfGrammar.forSample(SENTIMENT, "positive", 50),
                GbnfGrammar.forSample(SENTIMENT, null, 2000),
                GbnfGrammar.forSamples(SENTIMENT, List.of("negative", "positive", "negative"), 80),
                GbnfGrammar.forSample(qa, null, 30),
                GbnfGrammar.forSample(gen, null, 30),
                GbnfGrammar.jsonObject(100),
                GbnfGrammar.fromJsonSchema("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\","
                        + "\"maxLength\":9},\"n\":{\"type\":\"integer\"},\"xs\":{\"type\":\"array\",\"items\":"
                        + "{\"type\":\"number\"},\"maxItems\":3},\"e\":{\"enum\":[\"x\",\"y\\\"z\"]}}}", 40));
        for (String g : grammars) {
            assertThatCode(() -> GbnfSyntax.check(g)).as(g).doesNotThrowAnyException();
        }
    }

    /** llama.cpp's own converter writes the forms (comments aside) that hand-written grammars use. */
    @Test
    void grammarsLlamaCppWritesPass() {
        for (String schema : List.of("{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}",
                "{\"type\":\"object\",\"properties\":{\"when\":{\"type\":\"string\",\"format\":\"date\"},"
                        + "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"minItems\":1}},"
                        + "\"required\":[\"when\"]}",
                "{\"type\":\"string\",\"pattern\":\"^[a-z]{2,4}-[0-9]+$\"}")) {
            String g = LlamaModel.jsonSchemaToGrammar(schema); // valid schemas only: invalid ones end the JVM
            assertThatCode(() -> GbnfSyntax.check(g)).as(g).doesNotThrowAnyException();
        }
    }

    @Test
    void commentsContinuationsAndEscapesAreAccepted() {
        String g = """
                # a comment line
                root ::= greeting ( " " name )+ tail? # trailing comment
                greeting ::= "hi" | "h\\x65llo" |
                    "\\u00e9t\\U0001F600" | [^\\n\\t\\[\\]-]
                name ::= [a-zA-Z_] [a-z0-9]{0,15} (
                    "-" [0-9]{2,}
                  | .
                )*
                tail ::= "!"{1,3}
                """;
        assertThatCode(() -> GbnfSyntax.check(g)).doesNotThrowAnyException();
    }

    @Test
    void faultsAreNamedWithTheirLineAndColumn() {
        assertFault("root ::= \"a\" (", "expecting ')' to close the group opened at line 1, column 14");
        assertFault("root ::= item\n", "rule 'item' is used but never defined at line 1, column 10");
        assertFault("start ::= \"a\"", "no 'root' rule");
        assertFault("root ::= \"a\\q\"", "unknown escape '\\q' at line 1, column 12");
        assertFault("root ::= \"\\x4\"", "escape needs 2 hexadecimal digits at line 1, column 11");
        assertFault("root ::= * \"a\"", "'*' has no item before it to repeat at line 1, column 10");
        assertFault("root ::= \"a\"{3,1}", "maximum below its minimum");
        assertFault("root ::= \"a\"{2", "expecting '}' to close the repetition opened at line 1, column 13");
        assertFault("root ::= \"a\"\nnext = \"b\"", "expecting '::=' after the rule name 'next' at line 2, column 6");
        assertFault("root ::= \"abc", "string literal never closed at line 1, column 10");
        assertFault("root ::= [a-", "character class never closed");
        assertFault("root ::= \"a\" )", "expecting the end of the line after rule 'root', found ')' at line 1, column 14");
        assertFault("root_x ::= \"a\"", "expecting '::=' after the rule name 'root'");
        assertFault("  \n ", "the grammar is empty");
    }

    /** At the top level a rule ends at the line end: an alternative must continue after '|' or inside a group. */
    @Test
    void aTopLevelAlternativeOnTheNextLineIsAFault() {
        assertFault("root ::= \"a\"\n  | \"b\"", "expecting a rule name");
        assertThatCode(() -> GbnfSyntax.check("root ::= \"a\" |\n  \"b\"")).doesNotThrowAnyException();
    }

    private static void assertFault(String grammar, String message) {
        assertThatThrownBy(() -> GbnfSyntax.check(grammar)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
