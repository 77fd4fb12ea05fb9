package io.github.goldkd.examples;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.goldkd.core.GoldConfig;
import io.github.goldkd.core.RunStore;
import io.github.goldkd.core.io.SampleJson;
import io.github.goldkd.core.io.TaskJson;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import io.github.goldkd.examples.GoldCliTest.Run;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.github.goldkd.examples.GoldCliTest.gold;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code gold distill} as a user meets it when something is off: a resume that takes its settings from the
 * run, a teacher that yields nothing usable, options and files that are wrong, and starts that fail —
 * which must leave nothing behind.
 */
class DistillCommandTest {

    @TempDir
    static Path data;

    /** The small sentiment files in {@link #data}, written once for all tests by {@link #smallFiles}. */
    static Path task, pool, test;

    @BeforeAll
    static void smallFiles() {
        task = GoldCliTest.writeSentimentFiles(data, 200, 60);
        pool = data.resolve(GoldCliTest.POOL);
        test = data.resolve(GoldCliTest.TEST);
    }

    private static List<String> corpus(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("distill", "--task", task.toString(), "--teacher", "corpus",
                "--pool", pool.toString(), "--out", out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    private static List<String> openai(MockWebServer server, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("distill", "--task", task.toString(), "--teacher", "openai",
                "--base-url", server.url("/v1").toString(), "--model", "mock", "--student", "bag",
                "--out", out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    // ---- point 2: a resume takes every setting from the run ----

    @Test
    void aResumeWithoutOptionsTakesEverySettingFromTheRunAndOnlyAnExplicitRoundsGrowsIt(@TempDir Path tmp)
            throws Exception {
        Path out = tmp.resolve("run");
        Run first = gold(corpus(out, "--rounds", "2", "--batch-size", "2", "--update-every", "1", "--final-epochs",
                "1", "--feedback", "off", "--seed", "7"));
        assertThat(first.status()).as(first.err()).isZero();
        GoldConfig before = RunStore.read(out).config();

        // no --rounds, no --batch-size, no --feedback, no --seed: nothing is re-applied from the defaults
        Run resumed = gold(corpus(out, "--resume"));
        assertThat(resumed.status()).as(resumed.err()).isZero();
        RunStore.StoredRun after = RunStore.read(out);
        assertThat(after.config()).isEqualTo(before);
        assertThat(after.rounds()).hasSize(2);
        assertThat(after.samples().size()).isEqualTo(2 * 4);
        JsonObject summary = json(out.resolve("summary.json"));
        assertThat(summary.get("feedback").getAsString()).isEqualTo("off");
        assertThat(summary.get("seed").getAsLong()).isEqualTo(7);

        // the same values typed again are fine; a different one is refused naming the option
        Run same = gold(corpus(out, "--resume", "--batch-size", "2", "--seed", "7", "--feedback", "off"));
        assertThat(same.status()).as(same.err()).isZero();
        Run other = gold(corpus(out, "--resume", "--batch-size", "4"));
        assertThat(other.status()).isEqualTo(2);
        assertThat(other.err().strip()).isEqualTo("gold: --batch-size 4 differs from the run in " + out
                + ", which was made with --batch-size 2; a resumed run keeps its settings: leave --batch-size out "
                + "(only --rounds may grow) (see 'gold distill --help')");
        Run fewer = gold(corpus(out, "--resume", "--rounds", "1"));
        assertThat(fewer.status()).isEqualTo(2);
        assertThat(fewer.err()).contains("--rounds 1 is fewer than the 2 rounds of the run in " + out);

        Run grown = gold(corpus(out, "--resume", "--rounds", "3"));
        assertThat(grown.status()).as(grown.err()).isZero();
        assertThat(RunStore.read(out).rounds()).hasSize(3);
        assertThat(RunStore.read(out).samples().size()).isEqualTo(3 * 4);
    }

    // ---- point 6: a teacher that yields nothing usable fails the run ----

    @Test
    void aTeacherThatOnlyHitsTheTokenLimitFailsWithStatusOneAndLeavesNothingBehind(@TempDir Path tmp)
            throws Exception {
        AtomicInteger requests = new AtomicInteger();
        try (MockWebServer server = server(r -> {
            requests.incrementAndGet();
            return chat("{\"text\": \"This sentence was cut off by the", "length");
        })) {
            Path out = tmp.resolve("run");
            Run r = gold(openai(server, out, "--rounds", "3", "--batch-size", "2", "--test", test.toString()));
            assertThat(r.status()).as(r.err()).isEqualTo(1);
            assertThat(r.err().strip().lines()).hasSize(1);
            assertThat(r.err()).startsWith("gold: failed: the teacher produced nothing usable in round 0: 0 of 4 "
                    + "requested samples accepted; rejected: finish-length=12; no round is committed in " + out)
                    .contains("removed " + out.toAbsolutePath());
            assertThat(r.out()).doesNotContain("test accuracy");
            assertThat(requests.get()).as("3 attempts for each of 4 samples, then the run stops").isEqualTo(12);
            assertThat(out).doesNotExist();
        }
    }

    @Test
    void aResumeWithAnotherTaskIsRefused(@TempDir Path tmp) {
        Path out = tmp.resolve("run");
        Run first = gold(corpus(out, "--rounds", "1", "--batch-size", "2", "--final-epochs", "1"));
        assertThat(first.status()).as(first.err()).isZero();
        Run other = gold(List.of("distill", "--task", "qnli", "--teacher", "corpus", "--out", out.toString(),
                "--resume"));
        assertThat(other.status()).as(other.err()).isEqualTo(2);
        assertThat(other.err()).contains("--task qnli is not the task of the run in " + out);
        assertThat(RunStore.read(out).rounds()).hasSize(1);
    }

    @Test
    void aTeacherThatStopsYieldingKeepsTheCommittedRoundsAndTheRunResumesOnceItWorks(@TempDir Path tmp)
            throws Exception {
        AtomicInteger requests = new AtomicInteger();
        boolean[] broken = {false};
        try (MockWebServer server = server(r -> {
            // rounds 0 and 1 (4 requests each) are answered; then the model only hits the token limit
            if (requests.incrementAndGet() > 8 && broken[0]) {
                return chat("[]", "length");
            }
            return LlmTeacherRunTest.answer(r);
        })) {
            broken[0] = true;
            Path out = tmp.resolve("run");
            Run r = gold(openai(server, out, "--rounds", "4", "--batch-size", "2", "--update-every", "1",
                    "--final-epochs", "1", "--test", test.toString()));
            assertThat(r.status()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).startsWith("gold: failed: the teacher produced nothing usable in round 2: 0 of 4 "
                    + "requested samples accepted; rejected: finish-length=12; rounds 0-1 are committed in " + out
                    + "; its answers were dropped from the request cache; continue the run with --resume --out " + out
                    + " once the teacher answers usably");
            assertThat(r.err()).doesNotContain("GoldDistiller");
            RunStore.StoredRun stored = RunStore.read(out);
            assertThat(stored.rounds()).hasSize(2);
            assertThat(stored.samples().size()).isEqualTo(8);
            assertThat(out.resolve(RunStore.FINAL_STUDENT)).doesNotExist();
            assertThat(out.resolve("summary.json")).doesNotExist();

            broken[0] = false;
            Run resumed = gold(openai(server, out, "--resume", "--test", test.toString()));
            assertThat(resumed.status()).as(resumed.err()).isZero();
            assertThat(RunStore.read(out).rounds()).hasSize(4);
            assertThat(json(out.resolve("summary.json")).get("completed").getAsBoolean()).isTrue();
        }
    }

    @Test
    void aShareBelowMinAcceptedShareFailsAndTheOptionIsChecked(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        Run bad = gold(corpus(out, "--rounds", "2", "--min-accepted-share", "1.5"));
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).startsWith("gold: --min-accepted-share must be in [0, 1], was 1.5");
        assertThat(out).doesNotExist();
    }

    @Test
    void aUsedUpCorpusPoolStopsTheRunEarlyLikeABudgetInsteadOfFailingIt(@TempDir Path tmp) throws Exception {
        Path small = tmp.resolve("small.jsonl");
        SampleJson.write(small, ShippedData.sentimentPool().shuffle(3).head(12));
        Path out = tmp.resolve("run");
        Run r = gold(List.of("distill", "--task", task.toString(), "--teacher", "corpus", "--pool", small.toString(),
                "--rounds", "6", "--batch-size", "2", "--update-every", "3", "--final-epochs", "1", "--out",
                out.toString()));
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("stopped early: the corpus teacher's pool is used up");
        JsonObject summary = json(out.resolve("summary.json"));
        assertThat(summary.get("completed").getAsBoolean()).isFalse();
        assertThat(summary.get("rounds").getAsInt()).isBetween(1, 5);
        assertThat(out.resolve(RunStore.FINAL_STUDENT)).exists();
    }

    // ---- point 8: messages that name the option, the file and the reason ----

    @Test
    void rangeErrorsNameTheOptionAndComeBeforeAnyTeacherIsBuilt(@TempDir Path tmp) throws Exception {
        Path model = io.github.goldkd.llm.llamacpp.TinyGguf.builder().seed(3).build().write(tmp.resolve("tiny.gguf"));
        Path out = tmp.resolve("llama");
        Run zero = gold(List.of("distill", "--task", task.toString(), "--teacher", "llamacpp", "--model-file",
                model.toString(), "--rounds", "0", "--out", out.toString()));
        assertThat(zero.status()).isEqualTo(2);
        assertThat(zero.err().strip())
                .isEqualTo("gold: --rounds must be in [1, 1000000], was 0 (see 'gold distill --help')");
        assertThat(out).as("no teacher was built: no run directory, no request cache").doesNotExist();

        for (String[] option : new String[][] {{"--batch-size", "0", "[1, 10000]"},
                {"--update-every", "-1", "[1, 1000000]"}, {"--final-epochs", "0", "[1, 10000]"}}) {
            Run r = gold(corpus(out, option[0], option[1]));
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err()).startsWith("gold: " + option[0] + " must be in " + option[2] + ", was " + option[1]);
        }
        Run bench = gold(List.of("bench", "ablation", "--rounds", "0", "--out", out.toString()));
        assertThat(bench.status()).isEqualTo(2);
        assertThat(bench.err()).startsWith("gold: --rounds must be in [1, 1000000], was 0");
        assertThat(out).doesNotExist();
    }

    @Test
    void aStudentThatCannotLearnTheTasksKindIsRefusedBeforeAnythingIsBuilt(@TempDir Path tmp) {
        Path out = tmp.resolve("run");
        Run r = gold(List.of("distill", "--task", "squad", "--teacher", "corpus", "--student", "bag", "--out",
                out.toString()));
        assertThat(r.status()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("--student bag does not learn extractive_qa tasks").contains("span-qa");
        Run qaOnSentiment = gold(List.of("distill", "--task", "sentiment", "--teacher", "corpus", "--student",
                "span-qa", "--out", out.toString()));
        assertThat(qaOnSentiment.status()).isEqualTo(2);
        assertThat(qaOnSentiment.err()).contains("--student span-qa does not learn classification tasks")
                .contains("bag, cnn, encoder");
        Run bench = gold(List.of("bench", "ablation", "--task", "squad", "--students", "encoder", "--seeds", "1",
                "--out", out.toString()));
        assertThat(bench.status()).as(bench.err()).isEqualTo(2);
        assertThat(bench.err()).contains("--student encoder does not learn extractive_qa tasks");
        assertThat(out).doesNotExist();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"svamp, execution_accuracy", "nl4opt, rouge_l"})
    void aSeq2SeqRunOnTheShippedMathAndFormulationTasks(String name, String metric, @TempDir Path tmp)
            throws Exception {
        Path test = tmp.resolve("test.jsonl");
        io.github.goldkd.core.io.SampleJson.write(test, ShippedTasks.test(name).head(4));
        Path out = tmp.resolve(name);
        Run r = gold(List.of("distill", "--task", name, "--teacher", "corpus", "--rounds", "2", "--batch-size", "4",
                "--update-every", "2", "--final-epochs", "1", "--seed", "3", "--test", test.toString(), "--out",
                out.toString()));
        assertThat(r.status()).as(r.err()).isZero();
        com.google.gson.JsonObject summary = com.google.gson.JsonParser.parseString(
                Files.readString(out.resolve("summary.json"))).getAsJsonObject();
        assertThat(summary.get("student").getAsString()).isEqualTo("seq2seq");
        assertThat(summary.get("metric").getAsString()).isEqualTo(metric);
        assertThat(summary.get("testScore").getAsDouble()).isBetween(0.0, 1.0);
        assertThat(summary.get("generatedSamples").getAsInt()).isEqualTo(2 * 8);
        assertThat(io.github.goldkd.student.Students.load(out)).isInstanceOf(
                io.github.goldkd.student.seq.Seq2SeqStudent.class);
    }

    @Test
    void anExtractiveQaRunWithTheShippedSquadTaskAndItsEval(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("squad");
        Run r = gold(List.of("distill", "--task", "squad", "--teacher", "corpus", "--rounds", "2", "--batch-size",
                "4", "--update-every", "1", "--final-epochs", "1", "--seed", "3", "--out", out.toString()));
        assertThat(r.status()).as(r.err()).isZero();
        com.google.gson.JsonObject summary = com.google.gson.JsonParser.parseString(
                Files.readString(out.resolve("summary.json"))).getAsJsonObject();
        assertThat(summary.get("student").getAsString()).isEqualTo("span-qa");
        assertThat(summary.get("metric").getAsString()).isEqualTo("exact_match");
        assertThat(summary.getAsJsonObject("testScores").keySet())
                .containsExactlyInAnyOrder("exact_match", "f1", "strict_exact_match");
        assertThat(summary.has("testAccuracy")).isFalse();
        assertThat(summary.get("generatedSamples").getAsInt()).isEqualTo(2 * 8);
        assertThat(r.out()).contains("test exact_match").contains("test f1");

        Path test = tmp.resolve("normans.jsonl");
        io.github.goldkd.core.io.SampleJson.write(test, ShippedTasks.test("squad").head(12));
        Run eval = gold(List.of("eval", "--model", out.toString(), "--test", test.toString(), "--out",
                tmp.resolve("eval").toString()));
        assertThat(eval.status()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("test exact_match").contains("test f1").contains("on 12 samples");
    }

    @Test
    void teacherOptionsThatDoNotApplyAreRefused(@TempDir Path tmp) {
        Path out = tmp.resolve("run");
        for (String[] option : new String[][] {{"--model", "gpt-4o"}, {"--base-url", "http://127.0.0.1:9/v1"},
                {"--api-key-env", "MY_KEY"}, {"--model-file", "x.gguf"}}) {
            Run r = gold(corpus(out, option));
            assertThat(r.status()).as(option[0]).isEqualTo(2);
            assertThat(r.err().strip()).isEqualTo("gold: " + option[0] + " does not apply to --teacher corpus (it "
                    + "takes --pool) (see 'gold distill --help')");
        }
        Run poolWithOllama = gold(List.of("distill", "--task", task.toString(), "--teacher", "ollama", "--model", "m",
                "--pool", pool.toString(), "--out", out.toString()));
        assertThat(poolWithOllama.status()).isEqualTo(2);
        assertThat(poolWithOllama.err()).startsWith("gold: --pool does not apply to --teacher ollama (it takes "
                + "--model, --base-url, --timeout)");
        assertThat(out).doesNotExist();
    }

    @Test
    void anEmptyTestFileFailsWithStatusOneBeforeTheRun(@TempDir Path tmp) throws Exception {
        Path empty = tmp.resolve("empty.jsonl");
        Files.writeString(empty, "\n", StandardCharsets.UTF_8);
        Path out = tmp.resolve("run");
        Run r = gold(corpus(out, "--rounds", "1", "--test", empty.toString()));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("gold: failed: --test " + empty + " holds no labelled samples");
        assertThat(out).doesNotExist();

        Run missing = gold(corpus(out, "--rounds", "1", "--test", tmp.resolve("nope.jsonl").toString()));
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).startsWith("gold: --test file not found: " + tmp.resolve("nope.jsonl"));
    }

    @Test
    void anOutThatHoldsARunPointsToResumeNotToTheLibrary(@TempDir Path tmp) {
        Path out = tmp.resolve("run");
        assertThat(gold(corpus(out, "--rounds", "1", "--batch-size", "2")).status()).isZero();
        Run again = gold(corpus(out, "--rounds", "1", "--batch-size", "2"));
        assertThat(again.status()).isEqualTo(2);
        assertThat(again.err().strip()).isEqualTo("gold: --out " + out + " already holds a run; continue it with "
                + "--resume, or choose another --out (see 'gold distill --help')");
    }

    @Test
    void aHandWrittenTaskFileWorksAndABrokenOneIsOneLineNamingTheFile(@TempDir Path tmp) throws Exception {
        Path shorthand = tmp.resolve("short.json");
        Files.writeString(shorthand, """
                {"name": "sentiment", "description": "Is a review positive or negative?",
                 "labels": {"negative": "the reviewer disliked it", "positive": "the reviewer liked it"},
                 "demonstrations": [{"text": "Great food, friendly staff.", "label": "positive"}]}
                """, StandardCharsets.UTF_8);
        Path out = tmp.resolve("run");
        Run ok = gold(List.of("distill", "--task", shorthand.toString(), "--teacher", "corpus", "--pool",
                pool.toString(), "--rounds", "1", "--batch-size", "2", "--out", out.toString()));
        assertThat(ok.status()).as(ok.err()).isZero();

        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, "{\"name\": \"s\",\n \"labels\": [\"a\", \"b\"\n}\n", StandardCharsets.UTF_8);
        Run r = gold(List.of("distill", "--task", broken.toString(), "--teacher", "corpus", "--pool",
                pool.toString(), "--out", tmp.resolve("x").toString()));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("gold: failed: " + broken + " line 3, column 2: not valid JSON (")
                .doesNotContain("http");

        Path latin1 = tmp.resolve("latin1.jsonl");
        Files.write(latin1, "{\"text\": \"caf\u00e9\", \"label\": \"positive\"}\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        Run notUtf8 = gold(corpus(tmp.resolve("y"), "--test", latin1.toString()));
        assertThat(notUtf8.status()).isEqualTo(1);
        assertThat(notUtf8.err().strip()).isEqualTo("gold: failed: " + latin1 + " line 1: not valid UTF-8 text "
                + "(byte 0xE9 at byte offset 13); save the file as UTF-8");
    }

    @Test
    void aRunDirectoryThatCannotBeCreatedSaysWhy(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("plain.txt");
        Files.writeString(file, "not a directory");
        Run r = gold(corpus(file.resolve("run"), "--rounds", "1"));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("gold: failed: cannot create run directory " + file.resolve("run")
                + ": Not a directory");
    }

    // ---- point 9: a refused or failed start leaves nothing new on disk ----

    @Test
    void aStartThatFailsBeforeItsFirstRoundLeavesNothingNew(@TempDir Path tmp) throws Exception {
        try (MockWebServer server = server(r -> new MockResponse.Builder().code(401)
                .addHeader("Content-Type", "application/json")
                .body("{\"error\":{\"message\":\"invalid api key\"}}").build())) {
            // a directory this invocation creates (with a parent) goes entirely
            Path out = tmp.resolve("new/run");
            Run r = gold(openai(server, out, "--rounds", "2"));
            assertThat(r.status()).isEqualTo(1);
            assertThat(r.err()).startsWith("gold: failed: ").contains("401");
            assertThat(tmp.resolve("new")).doesNotExist();

            // a directory that was there stays, as it was
            Path existing = Files.createDirectories(tmp.resolve("mine"));
            Files.writeString(existing.resolve("notes.txt"), "my notes");
            Run again = gold(openai(server, existing, "--rounds", "2"));
            assertThat(again.status()).isEqualTo(1);
            try (Stream<Path> s = Files.list(existing)) {
                assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("notes.txt");
            }
        }
        // a refused start (usage error) writes nothing at all
        Path refused = tmp.resolve("refused");
        try (MockWebServer server = server(r -> chat("{}", "stop"))) {
            Run r = gold(openai(server, refused, "--rounds", "2", "--feedback", "maybe"));
            assertThat(r.status()).isEqualTo(2);
        }
        assertThat(refused).doesNotExist();
    }

    // ---- a mock OpenAI-compatible server ----

    private static MockWebServer server(Function<RecordedRequest, MockResponse> answer) throws Exception {
        MockWebServer server = new MockWebServer();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                return answer.apply(r);
            }
        });
        server.start();
        return server;
    }

    /** An OpenAI chat completion whose message is {@code content}, with 10 prompt and 5 completion tokens. */
    static MockResponse chat(String content, String finishReason) {
        JsonObject message = new JsonObject();
        message.addProperty("role", "assistant");
        message.addProperty("content", content);
        JsonObject choice = new JsonObject();
        choice.add("message", message);
        choice.addProperty("finish_reason", finishReason);
        choice.addProperty("index", 0);
        JsonArray choices = new JsonArray();
        choices.add(choice);
        JsonObject usage = new JsonObject();
        usage.addProperty("prompt_tokens", 10);
        usage.addProperty("completion_tokens", 5);
        JsonObject out = new JsonObject();
        out.add("choices", choices);
        out.add("usage", usage);
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body(out.toString()).build();
    }

    static JsonObject json(Path file) throws Exception {
        return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
    }
}
