package io.github.goldkd.core.io;

import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonlTest {

    @TempDir
    Path tmp;

    @Test
    void anyTextRoundTripsExactly() {
        List<String> texts = List.of("plain", "line one\nline two\r\nthree", "quotes \" and 'single' and \\ backslash",
                "tab\there", "Ünïcödé, 日本語のテキスト, العربية, русский, 🎉 emoji", "<html> & =", "",
                "\u0000 nul and \u001f control", "trailing space ");
        List<Sample> samples = new java.util.ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            samples.add(new Sample("s" + i, Map.of("text", texts.get(i), "second", "x" + texts.get(i)),
                    i % 2 == 0 ? "sports" : null, i % 2 == 0 ? null : texts.get(i), Origin.values()[i % 4],
                    i % 4 == 1 || i % 4 == 2 ? i : -1));
        }
        Path f = tmp.resolve("s.jsonl");
        SampleJson.write(f, samples);
        assertThat(SampleJson.read(f)).isEqualTo(samples);
    }

    @Test
    void aTargetStartRoundTripsAndIsCheckedAgainstTheInputs() {
        Map<String, String> in = new java.util.LinkedHashMap<>();
        in.put("context", "Rome, then Rome again.");
        in.put("question", "Which city?");
        Sample placed = new Sample("p", in, null, "Rome", Origin.REAL, -1, List.of("Rome", "Rome again"), 11);
        Sample unknown = Sample.withTarget("u", in, "Rome", List.of(), Origin.REAL);
        Path f = tmp.resolve("placed.jsonl");
        SampleJson.write(f, List.of(placed, unknown));
        assertThat(SampleJson.read(f)).containsExactly(placed, unknown);
        assertThat(SampleJson.toJson(placed).get("targetStart").getAsInt()).isEqualTo(11);
        assertThat(SampleJson.toJson(unknown).has("targetStart")).isFalse();
        assertThat(unknown.targetStart()).isEqualTo(-1);
        // a copy keeps the place unless the target changes
        assertThat(placed.stamped("r1", Origin.TRAIN, 1).targetStart()).isEqualTo(11);
        assertThat(placed.withTarget("then").targetStart()).isEqualTo(-1);
        assertThatThrownBy(() -> new Sample("x", in, null, "Rome", Origin.REAL, -1, List.of(), 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sample x: targetStart 3 does not point at the target 'Rome'");
        assertThatThrownBy(() -> new Sample("y", in, null, "Rome", Origin.REAL, -1, List.of(), -2))
                .hasMessageContaining("targetStart must be >= 0, or -1 when unknown, was -2");
        com.google.gson.JsonObject bad = SampleJson.toJson(placed);
        bad.addProperty("targetStart", "eleven");
        assertThatThrownBy(() -> SampleJson.fromJson(bad)).hasMessageContaining("sample p: 'targetStart' must be an "
                + "integer");
    }

    @Test
    void taskRoundTripsAndAcceptsShortDemonstrations() throws Exception {
        Task t = Fixtures.topicTask();
        Path f = tmp.resolve("task.json");
        TaskJson.write(f, t);
        assertThat(TaskJson.read(f)).isEqualTo(t);

        Files.writeString(f, "{\"name\":\"s\",\"labels\":[\"neg\",\"pos\"],"
                + "\"demonstrations\":[{\"text\":\"good\",\"label\":\"pos\"}]}", StandardCharsets.UTF_8);
        Task shortForm = TaskJson.read(f);
        assertThat(shortForm.inputFields()).containsExactly("text");
        assertThat(shortForm.demonstrations().get(0))
                .isEqualTo(new Sample("demo-0", Map.of("text", "good"), "pos", null, Origin.DEMONSTRATION, -1));

        Files.writeString(f, "{\"name\":\"s\",\"kind\":\"poetry\"}", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> TaskJson.read(f)).isInstanceOf(GoldException.class)
                .hasMessageContaining("task file " + f)
                .hasMessageContaining("unknown task kind 'poetry', allowed: classification, extractive_qa, "
                        + "math_word_problem, text_generation");
    }

    @Test
    void sequenceTasksAndReferencesRoundTrip() throws Exception {
        List<Task> tasks = new java.util.ArrayList<>(Fixtures.sequenceTasks());
        tasks.add(new Task("rte", io.github.goldkd.core.TaskKind.CLASSIFICATION, "", List.of("premise", "hypothesis",
                "genre"), Fixtures.topicTask().labels(), List.of(), null, null, List.of("premise", "hypothesis")));
        for (Task t : tasks) {
            Path f = tmp.resolve(t.name() + ".json");
            TaskJson.write(f, t);
            assertThat(TaskJson.read(f)).isEqualTo(t);
        }
        Path samples = tmp.resolve("refs.jsonl");
        List<Sample> written = List.of(
                Sample.withTarget("q1", Map.of("context", "In 911.", "question", "When?"), "911",
                        List.of("911", "In 911"), Origin.REAL),
                Sample.withTarget("m1", Map.of("body", "3 and 4"), "( 3 + 4 )", List.of("7"), Origin.TRAIN),
                Sample.withTarget("g1", Map.of("document", "d"), "max: x", List.of(), Origin.PROBE));
        SampleJson.write(samples, written);
        assertThat(SampleJson.read(samples)).isEqualTo(written);
        assertThat(Files.readAllLines(samples).get(2)).doesNotContain("references");

        // hand-written: the output under the task's own field name, answers as a list
        Path f = tmp.resolve("qa.json");
        Files.writeString(f, "{\"name\":\"qa\",\"kind\":\"extractive_qa\",\"inputFields\":[\"context\",\"question\"],"
                + "\"demonstrations\":[{\"context\":\"Rollo led the Normans.\",\"question\":\"Who led?\","
                + "\"answer\":\"Rollo\"},{\"context\":\"In 911.\",\"question\":\"When?\","
                + "\"answers\":[\"911\",\"In 911\"]}]}", StandardCharsets.UTF_8);
        Task qa = TaskJson.read(f);
        assertThat(qa.demonstrations().get(0).inputs()).containsOnlyKeys("context", "question");
        assertThat(qa.demonstrations().get(0).target()).isEqualTo("Rollo");
        assertThat(qa.demonstrations().get(1).target()).isEqualTo("911");
        assertThat(qa.demonstrations().get(1).references()).containsExactly("911", "In 911");
    }

    @Test
    void badLinesNameFileAndLine() throws Exception {
        Path f = tmp.resolve("bad.jsonl");
        Files.writeString(f, "{\"id\":\"a\",\"origin\":\"real\",\"inputs\":{\"text\":\"x\"}}\n[1,2]\n",
                StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SampleJson.read(f)).isInstanceOf(GoldException.class)
                .hasMessage(f + " line 2: expected a JSON object, found an array");
        Files.writeString(f, "{\"id\":\"a\",\"origin\":\"elsewhere\",\"inputs\":{\"text\":\"x\"}}\n",
                StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SampleJson.read(f))
                .hasMessage(f + " line 1: unknown origin 'elsewhere', allowed: demonstration, train, probe, real");
        // a cut-off last line is an error unless the caller tolerates it
        Files.writeString(f, "{\"id\":\"a\",\"origin\":\"real\",\"inputs\":{\"text\":\"x\"}}\n{\"id\":\"b\",\"or",
                StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SampleJson.read(f)).hasMessageStartingWith(f + " line 2: ");
        assertThat(Jsonl.read(f, SampleJson::fromJson, Jsonl.CutOffLastLine.DROP_WITH_WARNING)).hasSize(1);
    }
}
