package io.github.goldkd.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.goldkd.core.RunStore;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.io.Jsonl;
import io.github.goldkd.core.io.SampleJson;
import io.github.goldkd.core.metric.Metrics;
import io.github.goldkd.llm.filter.SequenceFilter;
import io.github.goldkd.llm.llamacpp.TinyGguf;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static io.github.goldkd.examples.GoldCliTest.Run;
import static io.github.goldkd.examples.GoldCliTest.gold;
import static io.github.goldkd.examples.GoldCliTest.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code gold distill} on the shipped sequence tasks (squad, svamp, nl4opt) with every chat-model teacher, and a
 * sequence run killed with SIGKILL that resumes to the same data and score. Tiny settings throughout: one round
 * of 2 + 2 samples, one final epoch, one to four test samples.
 */
class SequenceDistillTest {

    /**
     * Test samples per task: decoding dominates a tiny run, and a seq2seq student that has seen four samples
     * writes formulations to their full length (192 steps), so NL4OPT scores one.
     */
    private static final Map<String, Integer> TEST_SAMPLES = Map.of("squad", 4, "svamp", 4, "nl4opt", 1);

    @TempDir
    static Path data;

    /** The first test samples of each shipped sequence task, as a file for --test. */
    private static final Map<String, Path> TESTS = new LinkedHashMap<>();
    private static Path tinyModel;

    @BeforeAll
    static void files() {
        for (String name : List.of("squad", "svamp", "nl4opt")) {
            Path test = data.resolve(name + "-test.jsonl");
            SampleJson.write(test, ShippedTasks.test(name).head(TEST_SAMPLES.get(name)));
            TESTS.put(name, test);
        }
        tinyModel = TinyGguf.builder().seed(3).build().write(data.resolve("tiny.gguf"));
    }

    /** The smoke tests' run: one round of 2 + 2 samples, one final epoch, the task's tiny test file. */
    private static List<String> distill(String task, Path out, String... teacher) {
        return distill(task, out, 1, 2, 1, 3, teacher);
    }

    private static List<String> distill(String task, Path out, int rounds, int batchSize, int updateEvery, long seed,
                                        String... teacher) {
        List<String> a = new ArrayList<>(List.of("distill", "--task", task, "--test", TESTS.get(task).toString(),
                "--rounds", Integer.toString(rounds), "--batch-size", Integer.toString(batchSize), "--update-every",
                Integer.toString(updateEvery), "--final-epochs", "1", "--seed", Long.toString(seed), "--out",
                out.toString()));
        a.addAll(List.of(teacher));
        return a;
    }

    // ---- resume after SIGKILL on a sequence task ----

    @Test
    void aSvampDistillKilledWithSigkillResumesToTheSameDataAndScore(@TempDir Path tmp) throws Exception {
        // 8 rounds, the student updated every 2: the kill lands after an update, so the resumed run must
        // restore the in-loop seq2seq student from its checkpoint to select the same feedback.
        Path whole = tmp.resolve("whole");
        List<String> wholeArgs = distill("svamp", whole, 8, 4, 2, 11, "--teacher", "corpus");
        Run uninterrupted = gold(wholeArgs.toArray(String[]::new));
        assertThat(uninterrupted.status()).as(uninterrupted.err()).isZero();

        Path killed = tmp.resolve("killed");
        List<String> killedArgs = distill("svamp", killed, 8, 4, 2, 11, "--teacher", "corpus");
        int committed = GoldCliTest.killOnceCommitted(killedArgs, killed, 3, tmp.resolve("child.log"));
        assertThat(committed).isBetween(3, 7);
        assertThat(killed.resolve("summary.json")).doesNotExist();

        List<String> resumeArgs = new ArrayList<>(killedArgs);
        resumeArgs.add("--resume");
        Run resumed = gold(resumeArgs.toArray(String[]::new));
        assertThat(resumed.status()).as(resumed.err()).isZero();

        assertThat(Files.readString(killed.resolve(RunStore.SAMPLES), StandardCharsets.UTF_8))
                .isEqualTo(Files.readString(whole.resolve(RunStore.SAMPLES), StandardCharsets.UTF_8));
        assertThat(RunStore.read(killed).samples().size()).isEqualTo(8 * 8);
        assertThat(RunStore.read(killed).selections()).isEqualTo(RunStore.read(whole).selections());
        JsonObject a = json(whole.resolve("summary.json"));
        JsonObject b = json(killed.resolve("summary.json"));
        assertThat(b.get("metric").getAsString()).isEqualTo("execution_accuracy");
        assertThat(b.get("testScore").getAsDouble()).isEqualTo(a.get("testScore").getAsDouble());
        assertThat(b.get("testScores")).isEqualTo(a.get("testScores"));
    }

    // ---- every chat-model teacher on every sequence kind ----

    /**
     * An OpenAI-compatible or Ollama server that answers each request with the next sample of the task's pool,
     * in the schema the prompt asks for (the input fields and the output field): only samples the sequence
     * filter accepts, none of the task's demonstrations, and one per span-field paragraph so that no answer is
     * a near-duplicate of another.
     */
    static final class PoolTeacher extends Dispatcher {
        final Task task;
        final List<Sample> answers = new ArrayList<>();
        private final boolean ollama;
        private final AtomicInteger next = new AtomicInteger();

        PoolTeacher(String name, boolean ollama) {
            this.task = ShippedTasks.task(name);
            this.ollama = ollama;
            SequenceFilter filter = SequenceFilter.defaults();
            String first = task.inputFields().get(0);
            Set<String> seen = new HashSet<>();
            task.demonstrations().forEach(d -> seen.add(d.input(first)));
            for (Sample s : ShippedTasks.pool(name)) {
                if (answers.size() < 64 && filter.check(task, s.inputs(), s.target(), Map.of()).ok()
                        && seen.add(s.input(first))) {
                    answers.add(s);
                }
            }
        }

        @Override
        public MockResponse dispatch(RecordedRequest r) {
            Sample s = answers.get(next.getAndIncrement() % answers.size());
            JsonObject answer = new JsonObject();
            task.inputFields().forEach(f -> answer.addProperty(f, s.input(f)));
            answer.addProperty(task.outputField(), s.target());
            String content = answer.toString();
            if (!ollama) {
                return DistillCommandTest.chat(content, "stop");
            }
            JsonObject message = new JsonObject();
            message.addProperty("role", "assistant");
            message.addProperty("content", content);
            JsonObject body = new JsonObject();
            body.addProperty("model", "mock");
            body.add("message", message);
            body.addProperty("done", true);
            body.addProperty("done_reason", "stop");
            body.addProperty("prompt_eval_count", 10);
            body.addProperty("eval_count", 5);
            return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                    .body(Jsonl.GSON.toJson(body)).build();
        }

        /** The answer sent for the sample with these inputs and target, or null. */
        Sample answered(Sample stored) {
            for (Sample s : answers) {
                if (s.inputs().equals(stored.inputs()) && s.target().equals(stored.target())) {
                    return s;
                }
            }
            return null;
        }
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({"squad, openai, exact_match", "svamp, openai, execution_accuracy", "nl4opt, openai, rouge_l",
            "squad, ollama, exact_match", "svamp, ollama, execution_accuracy", "nl4opt, ollama, rouge_l"})
    void anHttpTeacherAnsweringInTheKindsSchemaDistilsTheTasksStudent(String name, String teacher, String metric,
                                                                       @TempDir Path tmp) throws Exception {
        PoolTeacher answers = new PoolTeacher(name, teacher.equals("ollama"));
        Path out = tmp.resolve("run");
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(answers);
            server.start();
            String url = server.url(teacher.equals("ollama") ? "/" : "/v1").toString();
            Run r = gold(distill(name, out, "--teacher", teacher, "--model", "mock", "--base-url", url)
                    .toArray(String[]::new));
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(server.getRequestCount()).as("one request per sample, each accepted").isEqualTo(4);

            // the request asked for the kind's schema: the input fields and the output field, all strings
            JsonObject request = JsonParser.parseString(server.takeRequest().getBody().utf8()).getAsJsonObject();
            JsonObject schema = teacher.equals("ollama") ? request.getAsJsonObject("format")
                    : request.getAsJsonObject("response_format").getAsJsonObject("json_schema")
                    .getAsJsonObject("schema");
            List<String> fields = new ArrayList<>(answers.task.inputFields());
            fields.add(answers.task.outputField());
            assertThat(schema.getAsJsonObject("properties").keySet()).containsExactlyInAnyOrderElementsOf(fields);
        }
        JsonObject summary = json(out.resolve("summary.json"));
        assertThat(summary.get("teacher").getAsString()).isEqualTo(teacher);
        assertThat(summary.get("metric").getAsString()).isEqualTo(metric);
        assertThat(summary.getAsJsonObject("testScores").keySet())
                .containsExactlyElementsOf(Metrics.allFor(answers.task.kind()).stream().map(m -> m.name()).toList());
        assertThat(summary.get("testScore").getAsDouble()).isBetween(0.0, 1.0);
        assertThat(summary.get("generatedSamples").getAsInt()).isEqualTo(4);
        assertThat(summary.get("requests").getAsInt()).isEqualTo(4);
        assertThat(summary.getAsJsonArray("servers")).hasSize(1);
        // what the run stored is what the teacher sent, with the references the filter derived
        for (Sample s : RunStore.read(out).samples()) {
            Sample sent = answers.answered(s);
            assertThat(sent).as("stored sample %s was answered by the teacher", s.id()).isNotNull();
            if (name.equals("svamp")) {
                assertThat(Double.parseDouble(s.references().get(0)))
                        .isEqualTo(Double.parseDouble(sent.references().get(0)));
            }
        }
        assertThat(out.resolve(RunStore.FINAL_STUDENT)).exists();
        assertThat(out.resolve("report.md")).exists();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"squad, answer-not-in-span", "svamp, equation-invalid"})
    void anInProcessLlamaCppTeacherWithRandomWeightsParsesEveryAnswerAndTheFiltersRejectIt(String name,
                                                                                         String reason,
                                                                                         @TempDir Path tmp) {
        // The GBNF grammar of the kind's schema makes every answer parse; random weights write gibberish that
        // is no span of its context and no arithmetic expression: the run fails with status 1 saying why, and
        // leaves nothing behind.
        Path out = tmp.resolve("run");
        Run r = gold(distill(name, out, 1, 1, 1, 3, "--teacher", "llamacpp", "--model-file", tinyModel.toString())
                .toArray(String[]::new));
        assertThat(r.status()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("gold: failed: the teacher produced nothing usable in round 0: 0 of 2 "
                        + "requested samples accepted; rejected: ").contains(reason + "=")
                .contains("no round is committed in " + out).doesNotContain("parse-").doesNotContain("malformed");
        assertThat(out).doesNotExist();
    }

    @Test
    void anInProcessLlamaCppTeacherWithRandomWeightsWritesFormulationsTheSeq2SeqStudentLearns(@TempDir Path tmp)
            throws Exception {
        // Text generation has no content rule a random model must break: its answers parse and are kept.
        Path out = tmp.resolve("run");
        Run r = gold(distill("nl4opt", out, "--teacher", "llamacpp", "--model-file", tinyModel.toString())
                .toArray(String[]::new));
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("test rouge_l");
        JsonObject summary = json(out.resolve("summary.json"));
        assertThat(summary.get("student").getAsString()).isEqualTo("seq2seq");
        assertThat(summary.get("metric").getAsString()).isEqualTo("rouge_l");
        assertThat(summary.get("generatedSamples").getAsInt()).isEqualTo(4);
        assertThat(summary.get("completionTokens").getAsLong()).isPositive();
        assertThat(RunStore.read(out).samples()).allSatisfy(s -> {
            assertThat(s.input("document")).isNotBlank();
            assertThat(s.target()).isNotBlank();
        });
    }
}
