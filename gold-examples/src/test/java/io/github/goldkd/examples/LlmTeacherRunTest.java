package io.github.goldkd.examples;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.goldkd.core.DistillationResult;
import io.github.goldkd.core.GoldDistiller;
import io.github.goldkd.core.RoundReport;
import io.github.goldkd.core.testing.ControlledStudent;
import io.github.goldkd.core.testing.Faults;
import io.github.goldkd.llm.LlmGenerator;
import io.github.goldkd.llm.OpenAiChatModel;
import io.github.goldkd.ood.OodScores;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole loop with an HTTP teacher (an OpenAI-compatible mock on loopback) and an API key: rounds record
 * requests and tokens, the key reaches no log line and no file of the run store, and a resumed run is
 * answered from the request cache without a single new request.
 */
class LlmTeacherRunTest {

    private static final Pattern LABEL = Pattern.compile("whose label is \\\\?\"(\\w+)\\\\?\"");

    @Test
    void anHttpTeacherRunKeepsTheKeySecretAndResumesFromTheCache(@TempDir Path tmp) throws Exception {
        String key = "sk-run-" + UUID.randomUUID();
        AtomicInteger requests = new AtomicInteger();
        Path dir = tmp.resolve("run");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream err = System.err;
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest r) {
                    int n = requests.incrementAndGet();
                    if (n == 2) {
                        // a transient failure that echoes the key: retried, and logged without the key
                        return json(503, "{\"error\":{\"message\":\"overloaded for key " + key + "\"}}");
                    }
                    return answer(r);
                }
            });
            server.start();
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            DistillationResult first;
            try (LlmGenerator teacher = generator(server, key, dir)) {
                first = GoldDistiller.builder().task(ShippedData.sentimentTask()).generator(teacher)
                        .student(ControlledStudent.factory(Faults.none())).oodScorer(OodScores.energy(1.0))
                        .batchSize(3).probeSize(3).rounds(4).updateStudentEvery(2).seed(3).runDirectory(dir)
                        .build().run();
            } finally {
                System.setErr(err);
            }
            assertThat(first.dataset().size()).isEqualTo(4 * 6);
            assertThat(first.rounds().stream().mapToLong(RoundReport::requests).sum()).isEqualTo(24);
            assertThat(first.rounds().stream().mapToLong(RoundReport::promptTokens).sum()).isEqualTo(24 * 10);
            int requestsOfFirstRun = requests.get();
            assertThat(requestsOfFirstRun).isEqualTo(25);

            // resume the finished run for two more rounds: the first four rounds are not asked again
            try (LlmGenerator teacher = generator(server, key, dir)) {
                DistillationResult longer = GoldDistiller.resume(dir).generator(teacher)
                        .student(ControlledStudent.factory(Faults.none())).oodScorer(OodScores.energy(1.0))
                        .rounds(6).build().run();
                assertThat(longer.dataset().samples().subList(0, 24)).isEqualTo(first.dataset().samples());
            }
            assertThat(requests.get() - requestsOfFirstRun).isEqualTo(2 * 6);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).as("the loop and the client logged this run").contains("round 4/4").contains("503");
        assertThat(log).doesNotContain(key);
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString()).contains("samples.jsonl", "rounds.jsonl",
                "provenance.json", "config.json", "selections.jsonl", "student.bin", "request-cache.jsonl");
        for (Path f : files) {
            assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                    .doesNotContain(key);
        }
    }

    private static LlmGenerator generator(MockWebServer server, String key, Path dir) {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(server.url("/v1").toString()).modelName("mock")
                .apiKey(key).initialBackoff(java.time.Duration.ofMillis(1)).build();
        return LlmGenerator.builder().chatModel(model).cacheFile(dir.resolve("request-cache.jsonl"))
                .parallelism(1).build();
    }

    /** An OpenAI-style answer to a generation request: a sample of the requested label, its text from the seed. */
    static MockResponse answer(RecordedRequest r) {
        JsonObject body = JsonParser.parseString(r.getBody().utf8()).getAsJsonObject();
        JsonArray msgs = body.getAsJsonArray("messages");
        String prompt = msgs.get(msgs.size() - 1).getAsJsonObject().get("content").getAsString();
        Matcher m = LABEL.matcher(prompt);
        String label = m.find() ? m.group(1) : "positive";
        long seed = body.has("seed") ? body.get("seed").getAsLong() : 0;
        JsonObject sample = new JsonObject();
        sample.addProperty("text", "A sentence written for seed " + seed + " with words " + Long.toHexString(seed * 31));
        sample.addProperty("label", label);
        return DistillCommandTest.chat(sample.toString(), "stop");
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }
}
