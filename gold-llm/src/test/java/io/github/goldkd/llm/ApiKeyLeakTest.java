package io.github.goldkd.llm;

import io.github.goldkd.core.BudgetExhaustedException;
import io.github.goldkd.core.GeneratedBatch;
import io.github.goldkd.core.GenerationMode;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.io.Jsonl;
import io.github.goldkd.core.io.SampleJson;
import io.github.goldkd.llm.langchain4j.LangChain4jChatModel;
import io.github.goldkd.llm.langchain4j.LangChain4jChatModelTest;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole generation run with an API key, through retries, a structured-output fallback, a budget stop and
 * an authentication failure, with servers that echo the key back: the key must appear in no log line
 * (the module's tests log to a file at DEBUG, see the pom), in nothing printed, in no exception text and
 * in no file the run wrote.
 */
class ApiKeyLeakTest {

    @TempDir
    Path runDir;

    @Test
    void theApiKeyAppearsInNoLogLineNoOutputAndNoFileOfTheRun() throws Exception {
        String key = "sk-gold-" + UUID.randomUUID();
        Path logFile = Path.of(System.getProperty("gold.llm.testLog"));
        // Initialise the SLF4J binding first: it opens (and truncates) the log file when the first logger is made.
        org.slf4j.LoggerFactory.getLogger(ApiKeyLeakTest.class).debug("api key leak test starts");
        long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
        AtomicInteger n = new AtomicInteger();
        Fixtures.TeacherDispatcher teacher = new Fixtures.TeacherDispatcher(0);
        List<String> authHeaders = new ArrayList<>();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        List<String> exceptionTexts = new ArrayList<>();
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest r) {
                    synchronized (authHeaders) {
                        authHeaders.add(r.getHeaders().get("Authorization"));
                    }
                    return switch (n.incrementAndGet()) {
                        case 1 -> Fixtures.json(400, "{\"error\":{\"message\":\"response_format json_schema not "
                                + "allowed for key " + key + "\"}}");
                        case 2 -> Fixtures.json(500, "{\"error\":{\"message\":\"upstream failed for key " + key + "\"}}");
                        case 7 -> Fixtures.json(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + key + "\"}}");
                        default -> teacher.answer(r);
                    };
                }
            });
            server.start();
            PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
            System.setOut(capture);
            System.setErr(capture);
            Path cache = runDir.resolve("llm-cache.jsonl");
            List<Sample> data = new ArrayList<>();
            OpenAiChatModel model = Fixtures.openAi(server).apiKey(key).maxRetries(2).build();
            try (LlmGenerator gen = LlmGenerator.builder().chatModel(model).cacheFile(cache).parallelism(1)
                    .budget(Budget.builder().maxRequests(4).build()).build()) {
                Files.writeString(runDir.resolve("provenance.json"), Jsonl.GSON.toJson(gen.describe()));
                for (int round = 0; round < 5; round++) {
                    try {
                        GeneratedBatch b = gen.generate(Fixtures.request(GenerationMode.TRAIN, round, round,
                                "positive", "negative"));
                        data.addAll(b.samples());
                        Jsonl.write(runDir.resolve("generated.jsonl"), data, SampleJson::toJson);
                    } catch (BudgetExhaustedException e) {
                        exceptionTexts.add(stackTrace(e));
                        break;
                    }
                }
            }
            // A fresh client whose next request is refused with the key echoed back.
            try {
                model.chat(ChatRequest.of(ChatMessage.user("hello")));
            } catch (AuthenticationException e) {
                exceptionTexts.add(stackTrace(e));
            }
            exceptionTexts.add(model.toString());
            exceptionTexts.add(String.valueOf(model.describe()));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }

        // The key was really in play: sent on every request and echoed by the server.
        assertThat(authHeaders).isNotEmpty().allMatch(("Bearer " + key)::equals);
        assertThat(n.get()).isEqualTo(7);
        assertThat(exceptionTexts).hasSize(4);
        assertThat(exceptionTexts.get(0)).contains("maxRequests=4");
        assertThat(exceptionTexts.get(1)).contains("Incorrect API key provided: ***");

        byte[] logBytes = Files.readAllBytes(logFile);
        String log = new String(logBytes, (int) logStart, logBytes.length - (int) logStart, StandardCharsets.UTF_8);
        assertThat(log).as("the log captured this run").contains("upstream failed for key ***")
                .contains("rejected response format").contains("budget: maxRequests=4");
        assertThat(log).doesNotContain(key);
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain(key);
        assertThat(exceptionTexts).noneMatch(t -> t.contains(key));
        List<Path> files;
        try (Stream<Path> s = Files.walk(runDir)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("llm-cache.jsonl", "generated.jsonl", "provenance.json");
        for (Path f : files) {
            assertThat(Files.readString(f, StandardCharsets.UTF_8)).as(f.toString()).isNotEmpty().doesNotContain(key);
        }
    }

    /**
     * The same through the langchain4j adapter, with langchain4j's own OpenAI model holding the key: a refused
     * schema, a 500 and a 401 that echo it, a budget stop.
     */
    @Test
    void theApiKeyGivenToALangChain4jModelAppearsInNoLogLineNoOutputAndNoFileOfTheRun() throws Exception {
        String key = "sk-l4j-" + UUID.randomUUID();
        Path logFile = Path.of(System.getProperty("gold.llm.testLog"));
        org.slf4j.LoggerFactory.getLogger(ApiKeyLeakTest.class).debug("api key leak test (langchain4j) starts");
        long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
        AtomicInteger n = new AtomicInteger();
        List<String> authHeaders = new ArrayList<>();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        List<String> exceptionTexts = new ArrayList<>();
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest r) {
                    synchronized (authHeaders) {
                        authHeaders.add(r.getHeaders().get("Authorization"));
                    }
                    int i = n.incrementAndGet();
                    return switch (i) {
                        case 1 -> LangChain4jChatModelTest.json(400, "{\"error\":{\"message\":\"response_format "
                                + "json_schema not allowed for key " + key + "\"}}");
                        case 2 -> LangChain4jChatModelTest.json(500, "{\"error\":{\"message\":\"upstream failed for key "
                                + key + "\"}}");
                        case 7 -> LangChain4jChatModelTest.json(401, "{\"error\":{\"message\":\"Incorrect API key "
                                + "provided: " + key + "\"}}");
                        default -> LangChain4jChatModelTest.teacherAnswer(r.getBody().utf8(), i);
                    };
                }
            });
            server.start();
            PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
            System.setOut(capture);
            System.setErr(capture);
            Path cache = runDir.resolve("llm-cache.jsonl");
            List<Sample> data = new ArrayList<>();
            LangChain4jChatModel model = LangChain4jChatModel.builder()
                    .chatModel(LangChain4jChatModelTest.openAi(server, key)
                            .supportedCapabilities(dev.langchain4j.model.chat.Capability.RESPONSE_FORMAT_JSON_SCHEMA)
                            .build())
                    .redacting(key).maxRetries(2).initialBackoff(java.time.Duration.ofMillis(1))
                    .maxBackoff(java.time.Duration.ofMillis(2)).build();
            try (LlmGenerator gen = LlmGenerator.builder().chatModel(model).cacheFile(cache).parallelism(1)
                    .budget(Budget.builder().maxRequests(4).build()).build()) {
                Files.writeString(runDir.resolve("provenance.json"), Jsonl.GSON.toJson(gen.describe()));
                for (int round = 0; round < 5; round++) {
                    try {
                        GeneratedBatch b = gen.generate(Fixtures.request(GenerationMode.TRAIN, round, round,
                                "positive", "negative"));
                        data.addAll(b.samples());
                        Jsonl.write(runDir.resolve("generated.jsonl"), data, SampleJson::toJson);
                    } catch (BudgetExhaustedException e) {
                        exceptionTexts.add(stackTrace(e));
                        break;
                    }
                }
            }
            try {
                model.chat(ChatRequest.of(ChatMessage.user("hello")));
            } catch (AuthenticationException e) {
                exceptionTexts.add(stackTrace(e));
            }
            exceptionTexts.add(model.toString());
            exceptionTexts.add(String.valueOf(model.describe()));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }

        assertThat(authHeaders).isNotEmpty().allMatch(("Bearer " + key)::equals);
        assertThat(n.get()).isEqualTo(7);
        assertThat(exceptionTexts).hasSize(4);
        assertThat(exceptionTexts.get(0)).contains("maxRequests=4");
        assertThat(exceptionTexts.get(1)).contains("Incorrect API key provided: ***");

        byte[] logBytes = Files.readAllBytes(logFile);
        String log = new String(logBytes, (int) logStart, logBytes.length - (int) logStart, StandardCharsets.UTF_8);
        assertThat(log).as("the log captured this run").contains("upstream failed for key ***")
                .contains("refused response format").contains("budget: maxRequests=4");
        assertThat(log).doesNotContain(key);
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain(key);
        assertThat(exceptionTexts).noneMatch(t -> t.contains(key));
        List<Path> files;
        try (Stream<Path> s = Files.walk(runDir)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("llm-cache.jsonl", "generated.jsonl", "provenance.json");
        for (Path f : files) {
            assertThat(Files.readString(f, StandardCharsets.UTF_8)).as(f.toString()).isNotEmpty().doesNotContain(key);
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }
}
