package io.github.goldkd.core.io;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SquadJsonTest {

    @TempDir
    Path dir;

    private static final String CONTEXT = "The Normans were the people who in the 10th and 11th centuries gave their "
            + "name to Normandy, a region in France.";

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void readsVersion11AndMergesDuplicateAnswerTexts() throws IOException {
        Path f = write("dev-v1.1.json", """
                {"version": "1.1", "data": [{"title": "Normans", "paragraphs": [{"context": "%s", "qas": [
                  {"id": "q1", "question": "In what country is Normandy located?",
                   "answers": [{"text": "France", "answer_start": 104}, {"text": "France", "answer_start": 104},
                               {"text": "a region in France", "answer_start": 92}]},
                  {"id": "q2", "question": "When?", "answers": [{"text": "10th and 11th centuries", "answer_start": 39}]}
                ]}]}]}
                """.formatted(CONTEXT));
        SquadJson.Result r = SquadJson.read(f);
        assertThat(r.unanswerable()).isZero();
        assertThat(r.dataset().size()).isEqualTo(2);
        Sample q1 = r.dataset().get(0);
        assertThat(q1).isEqualTo(new Sample("q1", Map.of("context", CONTEXT,
                "question", "In what country is Normandy located?"), null, "France", Origin.REAL, -1,
                List.of("France", "a region in France"), 104));
        assertThat(q1.inputs().keySet()).containsExactly("context", "question");
        assertThat(r.dataset().get(1).references()).containsExactly("10th and 11th centuries");
    }

    @Test
    void readsVersion20AndSkipsAndCountsUnanswerableQuestions() throws IOException {
        Path f = write("dev-v2.0.json", """
                {"version": "v2.0", "data": [
                 {"title": "Normans", "paragraphs": [{"context": "%s", "qas": [
                  {"id": "a", "question": "Where is Normandy?", "answers": [{"text": "France", "answer_start": 99}],
                   "is_impossible": false},
                  {"id": "b", "question": "Who gave their name to Denmark?", "answers": [],
                   "plausible_answers": [{"text": "The Normans", "answer_start": 0}], "is_impossible": true}]}]},
                 {"title": "Other", "paragraphs": [{"context": "Sky is a broadcaster.", "qas": [
                  {"id": "c", "question": "What is Sky?", "answers": [{"text": "a broadcaster", "answer_start": 7}],
                   "is_impossible": false},
                  {"id": "d", "question": "No answers listed at all?", "answers": []}]}]}]}
                """.formatted(CONTEXT));
        SquadJson.Result r = SquadJson.read(f);
        assertThat(r.unanswerable()).isEqualTo(2);
        assertThat(r.dataset().samples()).extracting(Sample::id).containsExactly("a", "c");
        assertThat(r.dataset().get(1).target()).isEqualTo("a broadcaster");
        assertThat(r.dataset().get(1).input("context")).isEqualTo("Sky is a broadcaster.");
    }

    @Test
    void theFirstAnswersStartIsTheTargetsPlaceUnknownWhenMissingOrMisplaced() throws IOException {
        Path f = write("starts.json", """
                {"data": [{"title": "t", "paragraphs": [{"context": "Rome, then Rome again.", "qas": [
                  {"id": "second", "question": "q", "answers": [{"text": "Rome", "answer_start": 11},
                                                                {"text": "Rome again", "answer_start": 11}]},
                  {"id": "none", "question": "q", "answers": [{"text": "Rome"}]},
                  {"id": "wrong", "question": "q", "answers": [{"text": "Rome", "answer_start": 3}]}]}]}]}
                """);
        Dataset d = SquadJson.read(f).dataset();
        assertThat(d.samples()).extracting(Sample::targetStart).containsExactly(11, -1, -1);
        Path notNumber = write("bad-start.json", """
                {"data": [{"title": "t", "paragraphs": [{"context": "c d", "qas": [
                  {"id": "x", "question": "q", "answers": [{"text": "d", "answer_start": "two"}]}]}]}]}
                """);
        assertThatThrownBy(() -> SquadJson.read(notNumber)).isInstanceOf(GoldException.class)
                .hasMessageContaining("at data[0].paragraphs[0].qas[0].answers[0]: field 'answer_start' must be a "
                        + "character offset");
    }

    @Test
    void errorsNameFilePlaceAndField() throws IOException {
        Path noData = write("a.json", "{\"version\": \"1.1\"}");
        assertThatThrownBy(() -> SquadJson.read(noData)).isInstanceOf(GoldException.class)
                .hasMessageContaining(noData + " at the top level: field 'data' missing");

        Path noQuestion = write("b.json", """
                {"data": [{"title": "t", "paragraphs": [{"context": "c d", "qas": [
                  {"id": "x", "question": "q", "answers": [{"text": "c"}]}, {"id": "y", "answers": [{"text": "d"}]}]}]}]}
                """);
        assertThatThrownBy(() -> SquadJson.read(noQuestion))
                .hasMessageContaining("at data[0].paragraphs[0].qas[1]: field 'question' missing");

        Path notSpan = write("c.json", """
                {"data": [{"title": "t", "paragraphs": [{"context": "c d", "qas": [
                  {"id": "x", "question": "q", "answers": [{"text": "c"}, {"text": "e"}]}]}]}]}
                """);
        assertThatThrownBy(() -> SquadJson.read(notSpan))
                .hasMessageContaining("at data[0].paragraphs[0].qas[0].answers[1]: field 'text' 'e' does not occur");

        Path dup = write("d.json", """
                {"data": [{"title": "t", "paragraphs": [{"context": "c d", "qas": [
                  {"id": "x", "question": "q", "answers": [{"text": "c"}]}]},
                  {"context": "e f", "qas": [{"id": "x", "question": "q", "answers": [{"text": "e"}]}]}]}]}
                """);
        assertThatThrownBy(() -> SquadJson.read(dup))
                .hasMessageContaining("duplicate id 'x', first used at data[0].paragraphs[0].qas[0]");

        Path notJson = write("e.json", "{\"data\": [");
        assertThatThrownBy(() -> SquadJson.read(notJson)).hasMessageContaining(notJson + ": not valid JSON");
    }
}
