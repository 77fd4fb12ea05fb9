package io.github.goldkd.core.io;

import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Task files as people write them by hand, and errors that name the field at fault. */
class TaskJsonTest {

    @TempDir
    Path tmp;

    private Path write(String json) throws Exception {
        Path f = tmp.resolve("task.json");
        Files.writeString(f, json, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void acceptsLabelsAsAnObjectOfNameAndMeaningAndFlatDemonstrations() throws Exception {
        Path f = write("""
                {"name": "spam", "description": "Is an SMS spam?",
                 "labels": {"ham": "an ordinary message", "spam": "unsolicited advertising"},
                 "demonstrations": [{"text": "See you at 5", "label": "ham"},
                                    {"text": "WIN a prize now", "label": "spam"}]}
                """);
        Task t = TaskJson.read(f);
        assertThat(t.labels()).containsExactly(new Label("ham", "an ordinary message"),
                new Label("spam", "unsolicited advertising"));
        assertThat(t.demonstrations()).containsExactly(
                new Sample("demo-0", Map.of("text", "See you at 5"), "ham", null, Origin.DEMONSTRATION, -1),
                new Sample("demo-1", Map.of("text", "WIN a prize now"), "spam", null, Origin.DEMONSTRATION, -1));
        // and it writes back in the long form, which reads to the same task
        TaskJson.write(f, t);
        assertThat(TaskJson.read(f)).isEqualTo(t);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{\"labels\": [\"a\", \"b\"]}"
                    + "| name is required: a non-blank string naming the task",
            "{\"name\": [\"x\"], \"labels\": [\"a\", \"b\"]}"
                    + "| name must be a string, found an array",
            "{\"name\": \"t\", \"labels\": \"a,b\"}"
                    + "| labels must be an array of names, an array of {\"name\", \"meaning\"} objects or an object of "
                    + "name: meaning, found a string",
            "{\"name\": \"t\", \"labels\": [{\"meaning\": \"x\"}, \"b\"]}"
                    + "| labels[0].name is required: a non-blank label name",
            "{\"name\": \"t\", \"labels\": {\"a\": [1], \"b\": \"\"}}"
                    + "| labels.a must be a string, found an array",
            "{\"name\": \"t\", \"labels\": [\"a\", {\"name\": \"b\", \"meaning\": {}}]}"
                    + "| labels[1].meaning must be a string, found an object",
            "{\"name\": \"t\", \"inputFields\": {\"text\": 1}, \"labels\": [\"a\", \"b\"]}"
                    + "| inputFields must be an array of field names, e.g. [\"text\"], found an object",
            "{\"name\": \"t\", \"inputFields\": [\"text\", 3, true], \"labels\": [\"a\", \"b\"]}"
                    + "| inputFields[2] must be a string, found a boolean",
            "{\"name\": \"t\", \"labels\": [\"a\", \"b\"], \"demonstrations\": {\"text\": \"x\", \"label\": \"a\"}}"
                    + "| demonstrations must be an array of objects like {\"text\": \"...\", \"label\": \"...\"}, "
                    + "found an object",
            "{\"name\": \"t\", \"labels\": [\"a\", \"b\"], \"demonstrations\": [\"x\"]}"
                    + "| demonstrations[0] must be an object like {\"text\": \"...\", \"label\": \"...\"}, found a string",
            "{\"name\": \"t\", \"labels\": [\"a\", \"b\"], \"demonstrations\": [{\"text\": \"x\", \"label\": \"a\"}, "
                    + "{\"sentence\": \"y\", \"label\": \"b\"}]}"
                    + "| demonstrations[1].text is missing (the task's input fields are [text], this demonstration has "
                    + "[sentence, label])",
            "{\"name\": \"t\", \"labels\": [\"a\", \"b\"], \"demonstrations\": [{\"text\": \"x\", \"label\": \"c\"}]}"
                    + "| demonstrations[0].label 'c' is not a label of the task, allowed: [a, b]",
            "{\"name\": \"t\", \"labels\": [\"a\", \"b\"], \"demonstrations\": [{\"text\": \"x\"}]}"
                    + "| demonstrations[0].label is missing, allowed: [a, b]",
            "{\"name\": \"t\", \"labels\": [\"a\", \"b\"], \"demonstrations\": [{\"text\": [\"x\"], \"label\": \"a\"}]}"
                    + "| demonstrations[0].text must be a string, found an array",
            "{\"name\": \"t\", \"kind\": \"poetry\"}"
                    + "| kind: unknown task kind 'poetry', allowed: classification, extractive_qa, math_word_problem, "
                    + "text_generation"})
    void everyErrorNamesTheFileAndTheField(String json, String reason) throws Exception {
        Path f = write(json);
        assertThatThrownBy(() -> TaskJson.read(f)).isInstanceOf(GoldException.class)
                .hasMessage("task file " + f + ": " + reason);
    }

    @Test
    void brokenJsonIsOneLineWithTheLineAndColumn() throws Exception {
        Path f = write("{\"name\": \"t\",\n \"labels\": [\"a\", \"b\"\n}\n");
        assertThatThrownBy(() -> TaskJson.read(f)).isInstanceOf(GoldException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("http")
                        .startsWith(f + " line 3, column 2: not valid JSON ("));
        Path empty = write("");
        assertThatThrownBy(() -> TaskJson.read(empty))
                .hasMessage("task file " + empty + ": must hold one JSON object, found nothing");
        Path array = write("[1]");
        assertThatThrownBy(() -> TaskJson.read(array))
                .hasMessage("task file " + array + ": must hold one JSON object, found an array");
    }

    @Test
    void aFileThatIsNotUtf8IsNamedWithItsLine() throws Exception {
        Path f = tmp.resolve("latin1.json");
        Files.write(f, "{\"name\": \"t\",\n \"description\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> TaskJson.read(f)).isInstanceOf(GoldException.class)
                .hasMessage(f + " line 2: not valid UTF-8 text (byte 0xE9 at byte offset 34); save the file as UTF-8");
    }

    @Test
    void aMissingFileSaysNotFound() {
        Path f = tmp.resolve("nowhere.json");
        assertThatThrownBy(() -> TaskJson.read(f)).hasMessage("cannot read " + f + ": not found");
        assertThatThrownBy(() -> TaskJson.read(tmp)).hasMessage("cannot read " + tmp + ": Is a directory");
    }
}
