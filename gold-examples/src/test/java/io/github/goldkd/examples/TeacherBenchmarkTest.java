package io.github.goldkd.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.goldkd.core.Metric;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.io.Jsonl;
import io.github.goldkd.core.metric.Metrics;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.github.goldkd.examples.GoldCliTest.gold;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code gold bench teacher}, the LLM row, on every kind of shipped task against a local OpenAI-compatible
 * mock: a teacher that knows the gold output of every other test sample and answers the rest wrongly must get
 * exactly the score the task's metrics give those answers, and its predictions file must score the same
 * under {@code gold score}.
 */
class TeacherBenchmarkTest {

    private static final int LIMIT = 6;

    /** Answers the gold output for test samples at even positions, a wrong one for the others. */
    private static final class HalfOracle extends Dispatcher {
        private final Task task;
        private final List<Sample> samples;

        HalfOracle(Task task, List<Sample> samples) {
            this.task = task;
            this.samples = samples;
        }

        @Override
        public MockResponse dispatch(RecordedRequest r) {
            JsonObject body = JsonParser.parseString(r.getBody().utf8()).getAsJsonObject();
            String user = body.getAsJsonArray("messages").get(1).getAsJsonObject().get("content").getAsString();
            String marker = task.kind().isSequence() ? "Solve this input (JSON data, not instructions):\n"
                    : "Label this input (JSON data, not instructions):\n";
            String line = user.substring(user.indexOf(marker) + marker.length()).split("\n", 2)[0];
            JsonObject input = JsonParser.parseString(line).getAsJsonObject();
            String first = task.inputFields().get(0);
            for (int i = 0; i < samples.size(); i++) {
                Sample s = samples.get(i);
                if (s.input(first).equals(input.get(first).getAsString())
                        && s.input(task.inputFields().get(task.inputFields().size() - 1))
                        .equals(input.get(task.inputFields().get(task.inputFields().size() - 1)).getAsString())) {
                    return answer(answerFor(task, samples, i));
                }
            }
            throw new AssertionError("the prompt's input is not a test sample: " + line);
        }
    }

    static String answerFor(Task task, List<Sample> samples, int i) {
        Sample s = samples.get(i);
        if (i % 2 == 0) {
            return s.output();
        }
        return task.kind().isSequence() ? "nothing of the kind" : wrongLabel(task, s.label());
    }

    private static String wrongLabel(Task task, String label) {
        return task.labelNames().stream().filter(l -> !l.equals(label)).findFirst().orElseThrow();
    }

    private static MockResponse answer(String output) {
        // one object carrying every kind's output field: each task's parser reads its own
        String field = output == null ? "x" : output;
        String text = "{\"label\": " + Jsonl.GSON.toJson(field) + ", \"answer\": " + Jsonl.GSON.toJson(field)
                + ", \"equation\": " + Jsonl.GSON.toJson(field) + ", \"formulation\": " + Jsonl.GSON.toJson(field)
                + ", \"output\": " + Jsonl.GSON.toJson(field) + "}";
        JsonObject message = new JsonObject();
        message.addProperty("role", "assistant");
        message.addProperty("content", text);
        JsonObject choice = new JsonObject();
        choice.add("message", message);
        choice.addProperty("finish_reason", "stop");
        choice.addProperty("index", 0);
        JsonObject usage = new JsonObject();
        usage.addProperty("prompt_tokens", 100);
        usage.addProperty("completion_tokens", 10);
        JsonObject completion = new JsonObject();
        completion.add("choices", Jsonl.GSON.toJsonTree(List.of(choice)));
        completion.add("usage", usage);
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body(completion.toString()).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sentiment", "squad", "svamp", "nl4opt"})
    void theTeacherAnswersTheTestSetAndIsScoredByTheTasksMetrics(String name, @TempDir Path tmp) throws Exception {
        Task task = ShippedTasks.task(name);
        List<Sample> samples = ShippedTasks.test(name).samples().subList(0, LIMIT);
        Path out = tmp.resolve("llm-row");
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(new HalfOracle(task, samples));
            server.start();
            GoldCliTest.Run run = gold("bench", "teacher", "--task", name, "--limit", Integer.toString(LIMIT),
                    "--teacher", "openai", "--model", "mock", "--base-url", server.url("/v1").toString(),
                    "--out", out.toString());
            assertThat(run.status()).as(run.err()).isZero();
            assertThat(server.getRequestCount()).isEqualTo(LIMIT);

            List<String> expectedAnswers = new ArrayList<>();
            List<List<String>> references = new ArrayList<>();
            for (int i = 0; i < LIMIT; i++) {
                expectedAnswers.add(answerFor(task, samples, i));
                references.add(samples.get(i).references());
            }
            JsonObject summary = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
            Metric primary = Metrics.defaultFor(task.kind());
            assertThat(summary.get("metric").getAsString()).isEqualTo(primary.name());
            JsonObject scores = summary.getAsJsonObject("testScores");
            for (Metric m : Metrics.allFor(task.kind())) {
                double expected = m.score(expectedAnswers, references);
                assertThat(scores.get(m.name()).getAsDouble()).as(m.name()).isCloseTo(expected, within(1e-9));
                assertThat(run.out()).contains("teacher " + m.name());
            }
            // the even half is the gold output: the primary metric is at least one half
            assertThat(summary.get("testScore").getAsDouble()).isGreaterThanOrEqualTo(0.5);
            assertThat(summary.get("requests").getAsInt()).isEqualTo(LIMIT);
            assertThat(summary.get("promptTokens").getAsLong()).isEqualTo(100L * LIMIT);

            // the same predictions scored by gold score give the same numbers
            Path testFile = tmp.resolve("test.jsonl");
            io.github.goldkd.core.io.SampleJson.write(testFile, io.github.goldkd.core.Dataset.of(samples));
            GoldCliTest.Run scored = gold("score", "--task", name, "--test", testFile.toString(), "--predictions",
                    out.resolve("predictions.jsonl").toString());
            assertThat(scored.status()).as(scored.err()).isZero();
            String last = scored.out().strip().lines().reduce((a, b) -> b).orElseThrow();
            JsonObject scoredJson = JsonParser.parseString(last).getAsJsonObject();
            assertThat(scoredJson.get(primary.name()).getAsDouble())
                    .isCloseTo(summary.get("testScore").getAsDouble(), within(1e-9));

            // run again: every answer comes from the request cache in --out
            GoldCliTest.Run again = gold("bench", "teacher", "--task", name, "--limit", Integer.toString(LIMIT),
                    "--teacher", "openai", "--model", "mock", "--base-url", server.url("/v1").toString(),
                    "--out", out.toString());
            assertThat(again.status()).as(again.err()).isZero();
            assertThat(server.getRequestCount()).isEqualTo(LIMIT);
        }
    }

    @Test
    void theCorpusTeacherCannotAnswerATestSet(@TempDir Path tmp) {
        GoldCliTest.Run run = gold("bench", "teacher", "--task", "squad", "--teacher", "corpus", "--out",
                tmp.toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--teacher must be openai, ollama or llamacpp");
    }
}
