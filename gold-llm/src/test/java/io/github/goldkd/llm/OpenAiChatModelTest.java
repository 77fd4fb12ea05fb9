package io.github.goldkd.llm;

import com.google.gson.JsonObject;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class OpenAiChatModelTest {

    private MockWebServer server;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static ChatRequest hello() {
        return ChatRequest.of(ChatMessage.user("hello"));
    }

    /**
     * The status table: with maxRetries = 2 a retriable status is tried 3 times, a non-retriable one once;
     * the exception type, retriability and status are as listed.
     */
    @ParameterizedTest(name = "HTTP {0} -> {1}, {2} attempts")
    @CsvSource({
            "400, InvalidRequestException, 1",
            "401, AuthenticationException, 1",
            "403, AuthenticationException, 1",
            "404, InvalidRequestException, 1",
            "405, InvalidRequestException, 1",
            "408, RetriableException, 3",
            "409, RetriableException, 3",
            "413, InvalidRequestException, 1",
            "422, InvalidRequestException, 1",
            "429, RetriableException, 3",
            "500, RetriableException, 3",
            "502, RetriableException, 3",
            "503, RetriableException, 3",
            "504, RetriableException, 3",
    })
    void statusCodeTable(int status, String exceptionType, int attempts) {
        for (int i = 0; i < 3; i++) {
            server.enqueue(Fixtures.json(status, "{\"error\":{\"message\":\"server says " + status + "\",\"type\":\"x\"}}"));
        }
        ChatModel model = Fixtures.openAi(server).maxRetries(2).build();

        LlmException e = catchThrowableOfType(LlmException.class, () -> model.chat(hello()));

        assertThat(e).isNotNull();
        assertThat(e.getClass().getSimpleName()).isEqualTo(exceptionType);
        assertThat(e.isRetriable()).isEqualTo(attempts > 1);
        assertThat(e.statusCode()).isEqualTo(status);
        assertThat(e.serverMessage()).isEqualTo("server says " + status);
        assertThat(e.getMessage()).contains("HTTP " + status).contains("server says " + status);
        assertThat(server.getRequestCount()).isEqualTo(attempts);
    }

    @Test
    void retriesTransientFailuresThenSucceeds() {
        server.enqueue(Fixtures.json(503, "{\"detail\":\"loading model\"}"));
        server.enqueue(Fixtures.json(429, "{\"error\":\"slow down\"}"));
        server.enqueue(Fixtures.ok("hi there"));
        ChatModel model = Fixtures.openAi(server).maxRetries(3).build();

        ChatResponse r = model.chat(hello());

        assertThat(r.text()).isEqualTo("hi there");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage()).isEqualTo(new TokenUsage(10, 5));
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    /** The waits the client spent between attempts, recorded instead of slept. */
    private final List<Long> sleptNanos = new ArrayList<>();

    /** {@link Fixtures#openAi} whose retry waits are recorded, not slept, against a fixed clock. */
    private OpenAiChatModel.Builder recordingWaits(Instant now, RetryPolicy.Jitter jitter) {
        return Fixtures.openAi(server).retryTiming(Clock.fixed(now, ZoneOffset.UTC), sleptNanos::add, jitter);
    }

    @Test
    void retryAfterSecondsIsObeyed() throws Exception {
        server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "1")
                .body("{\"error\":{\"message\":\"rate limited\"}}").build());
        server.enqueue(Fixtures.ok("done"));
        // Backoff alone would wait at most 5 ms: a wait of exactly 1 s is the header's.
        ChatModel model = recordingWaits(Instant.now(), max -> max).maxRetries(1).build();

        ChatResponse r = model.chat(hello());

        assertThat(r.text()).isEqualTo("done");
        assertThat(sleptNanos).containsExactly(1_000_000_000L);
    }

    @Test
    void retryAfterIsCappedByMaxRetryAfter() {
        server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "120").body("busy").build());
        server.enqueue(new MockResponse.Builder().code(503).addHeader("retry-after-ms", "40").body("busy").build());
        server.enqueue(Fixtures.ok("done"));
        ChatModel model = recordingWaits(Instant.now(), max -> max).maxRetries(2)
                .maxRetryAfter(Duration.ofMillis(300)).build();

        model.chat(hello());

        assertThat(sleptNanos).containsExactly(300_000_000L, 40_000_000L);
    }

    @Test
    void withoutRetryAfterTheClientBacksOffExponentiallyWithJitter() {
        for (int i = 0; i < 4; i++) {
            server.enqueue(Fixtures.json(500, "{\"error\":\"oops\"}"));
        }
        server.enqueue(Fixtures.ok("done"));
        List<Long> jitterRanges = new ArrayList<>();
        ChatModel model = recordingWaits(Instant.now(), max -> {
            jitterRanges.add(max);
            return max / 4;
        }).maxRetries(4).initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofMillis(500)).build();

        model.chat(hello());

        // 100, 200, 400, 500 (capped) ms: half fixed, and a quarter of the other half drawn as jitter.
        assertThat(jitterRanges).containsExactly(50_000_000L, 100_000_000L, 200_000_000L, 250_000_000L);
        assertThat(sleptNanos).containsExactly(62_500_000L, 125_000_000L, 250_000_000L, 312_500_000L);
    }

    @Test
    void retryAfterHttpDateIsObeyedThroughTheExceptionWhenRetriesAreSpent() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(new MockResponse.Builder().code(429)
                    .addHeader("Retry-After", "Wed, 21 Oct 2099 07:28:00 GMT").body("{\"error\":\"later\"}").build());
        }
        Instant now = Instant.parse("2099-10-21T07:27:15Z"); // the date is 45 s later
        ChatModel noRetries = recordingWaits(now, max -> max).maxRetries(0).build();
        ChatModel oneRetry = recordingWaits(now, max -> max).maxRetries(1).build();

        RetriableException e = catchThrowableOfType(RetriableException.class, () -> noRetries.chat(hello()));

        assertThat(e.retryAfter()).contains(Duration.ofSeconds(45));
        assertThat(e.getMessage()).contains("gave up after 1 attempt");
        assertThat(sleptNanos).isEmpty();

        RetriableException again = catchThrowableOfType(RetriableException.class, () -> oneRetry.chat(hello()));

        assertThat(sleptNanos).containsExactly(45_000_000_000L);
        assertThat(again.retryAfter()).contains(Duration.ofSeconds(45));
        assertThat(again.getMessage()).contains("gave up after 2 attempts");
    }

    @Test
    void readTimeoutIsARetriableTimeout() {
        server.enqueue(new MockResponse.Builder().headersDelay(3, TimeUnit.SECONDS).body("late").build());
        ChatModel model = Fixtures.openAi(server).maxRetries(0).readTimeout(Duration.ofMillis(250)).build();

        long t0 = System.nanoTime();
        LlmTimeoutException e = catchThrowableOfType(LlmTimeoutException.class, () -> model.chat(hello()));
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(e).isNotNull();
        assertThat(e.isRetriable()).isTrue();
        assertThat(e.getMessage()).contains("timed out");
        assertThat(ms).isLessThan(2500L);
    }

    @Test
    void callTimeoutBoundsTheWholeCall() {
        // The answer comes after 1.2 s: no read limit is hit, the whole-call limit is.
        server.enqueue(new MockResponse.Builder().body(Fixtures.completion("x", "stop", 1, 1))
                .headersDelay(1200, TimeUnit.MILLISECONDS).build());
        ChatModel model = Fixtures.openAi(server).maxRetries(0).readTimeout(Duration.ofSeconds(5))
                .callTimeout(Duration.ofMillis(500)).build();

        long t0 = System.nanoTime();
        assertThatThrownBy(() -> model.chat(hello())).isInstanceOf(LlmTimeoutException.class);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3000L);
    }

    @Test
    void malformedBodiesAreNonRetriable() {
        server.enqueue(Fixtures.json(200, "<html>proxy error</html>"));
        server.enqueue(Fixtures.json(200, "{\"choices\":[]}"));
        server.enqueue(Fixtures.json(200, "{\"choices\":[{\"message\":{\"content\":\"cut"));
        server.enqueue(Fixtures.json(200, "[1,2]"));
        server.enqueue(Fixtures.json(200, "{\"choices\":[{\"message\":\"not an object\"}]}"));
        server.enqueue(Fixtures.json(200, "{\"choices\":[{\"message\":{\"content\":{\"a\":1}}}]}"));
        ChatModel model = Fixtures.openAi(server).maxRetries(3).build();

        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            MalformedResponseException e = catchThrowableOfType(MalformedResponseException.class,
                    () -> model.chat(hello()));
            assertThat(e).as("body %d", i).isNotNull();
            assertThat(e.isRetriable()).isFalse();
            assertThat(e.statusCode()).isEqualTo(200);
            messages.add(e.getMessage());
        }
        assertThat(server.getRequestCount()).as("malformed bodies are not retried").isEqualTo(6);
        assertThat(messages.get(0)).contains("not valid JSON").contains("proxy error");
        assertThat(messages.get(1)).contains("no choices");
        assertThat(messages.get(2)).contains("not valid JSON");
        assertThat(messages.get(3)).contains("not a JSON object");
    }

    @Test
    void bodyCutOffByTheConnectionIsARetriableIoError() {
        for (int i = 0; i < 2; i++) {
            server.enqueue(new MockResponse.Builder().body(Fixtures.completion("y".repeat(4000), "stop", 1, 1))
                    .onResponseBody(new SocketEffect.CloseSocket()).build());
        }
        ChatModel model = Fixtures.openAi(server).maxRetries(1).build();

        RetriableException e = catchThrowableOfType(RetriableException.class, () -> model.chat(hello()));

        assertThat(e).isNotNull();
        assertThat(e.statusCode()).isZero();
        assertThat(e.getMessage()).contains("I/O error").contains("gave up after 2 attempts");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void finishReasonLengthAndRefusalAreReported() {
        server.enqueue(Fixtures.json(200, Fixtures.completion("{\"text\": \"cut of", "length", 10, 512)));
        server.enqueue(Fixtures.json(200, "{\"choices\":[{\"message\":{\"content\":null,\"refusal\":\"no\"},"
                + "\"finish_reason\":\"stop\"}]}"));
        ChatModel model = Fixtures.openAi(server).build();

        ChatResponse cut = model.chat(hello());
        ChatResponse refused = model.chat(hello());

        assertThat(cut.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(cut.finishReason().isFailure()).isTrue();
        assertThat(cut.usage().completionTokens()).isEqualTo(512);
        assertThat(refused.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(refused.text()).isEmpty();
        assertThat(refused.usage()).isEqualTo(TokenUsage.ZERO);
    }

    @Test
    void requestBodyCarriesEveryParameter() throws Exception {
        server.enqueue(Fixtures.json(200, "{\"choices\":[{\"message\":{\"content\":\"a\"},\"finish_reason\":\"stop\"},"
                + "{\"message\":{\"content\":\"b\"},\"finish_reason\":\"length\"}],"
                + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}"));
        ChatModel model = Fixtures.openAi(server).build();
        ChatRequest req = ChatRequest.builder()
                .addMessage(ChatMessage.system("sys"))
                .addMessage(ChatMessage.user("question"))
                .temperature(0.7).topP(0.9).maxTokens(64).stop(List.of("###")).seed(42L).n(2)
                .responseFormat(ResponseFormat.jsonSchema("s", "{\"type\":\"object\"}"))
                .build();

        ChatResponse r = model.chat(req);

        assertThat(r.texts()).containsExactly("a", "b");
        assertThat(r.finishReasons()).containsExactly(FinishReason.STOP, FinishReason.LENGTH);
        RecordedRequest rec = server.takeRequest();
        assertThat(rec.getMethod()).isEqualTo("POST");
        assertThat(rec.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
        assertThat(rec.getHeaders().get("Authorization")).as("no key, no header").isNull();
        JsonObject b = Fixtures.body(rec);
        assertThat(b.get("model").getAsString()).isEqualTo("test-model");
        assertThat(b.getAsJsonArray("messages").get(0).getAsJsonObject().get("role").getAsString()).isEqualTo("system");
        assertThat(b.get("temperature").getAsDouble()).isEqualTo(0.7);
        assertThat(b.get("top_p").getAsDouble()).isEqualTo(0.9);
        assertThat(b.get("max_tokens").getAsInt()).isEqualTo(64);
        assertThat(b.getAsJsonArray("stop").get(0).getAsString()).isEqualTo("###");
        assertThat(b.get("seed").getAsLong()).isEqualTo(42L);
        assertThat(b.get("n").getAsInt()).isEqualTo(2);
        JsonObject rf = b.getAsJsonObject("response_format");
        assertThat(rf.get("type").getAsString()).isEqualTo("json_schema");
        assertThat(rf.getAsJsonObject("json_schema").get("name").getAsString()).isEqualTo("s");
        assertThat(rf.getAsJsonObject("json_schema").getAsJsonObject("schema").get("type").getAsString())
                .isEqualTo("object");
        assertThat(b.get("stream").getAsBoolean()).isFalse();
    }

    @Test
    void apiKeyIsSentAsBearerToken() throws Exception {
        server.enqueue(Fixtures.ok("x"));
        ChatModel model = Fixtures.openAi(server).apiKey("sk-abc").build();

        model.chat(hello());

        assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer sk-abc");
        assertThat(model.toString()).doesNotContain("sk-abc").contains("apiKey=***");
        assertThat(model.describe().toString()).doesNotContain("sk-abc");
    }

    @Test
    void concurrencyLimitHoldsAtTheServer() throws Exception {
        Fixtures.TeacherDispatcher d = new Fixtures.TeacherDispatcher(150);
        server.setDispatcher(d);
        ChatModel model = Fixtures.openAi(server).maxConcurrency(3).build();
        ExecutorService callers = Executors.newFixedThreadPool(12);
        try {
            List<Future<ChatResponse>> fs = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                fs.add(callers.submit(() -> model.chat(hello())));
            }
            for (Future<ChatResponse> f : fs) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(d.requests.get()).isEqualTo(12);
        assertThat(d.maxInFlight.get()).as("max in flight at the server").isEqualTo(3);
    }

    @Test
    void structuredOutputFallsBackAndRemembersWhatTheServerAccepted() throws Exception {
        server.enqueue(Fixtures.json(400, "{\"error\":{\"message\":\"response_format json_schema is not supported\"}}"));
        server.enqueue(Fixtures.ok("{\"label\":\"a\"}"));
        server.enqueue(Fixtures.ok("{\"label\":\"b\"}"));
        HttpChatModel model = Fixtures.openAi(server).build();
        ChatRequest req = ChatRequest.builder().addMessage(ChatMessage.user("give json"))
                .responseFormat(ResponseFormat.jsonSchema("lab", "{\"type\":\"object\",\"properties\":{\"label\":{\"type\":\"string\"}}}"))
                .build();

        assertThat(model.chat(req).text()).isEqualTo("{\"label\":\"a\"}");
        assertThat(model.chat(req).text()).isEqualTo("{\"label\":\"b\"}");

        assertThat(model.acceptedResponseFormat()).isEqualTo(ResponseFormat.Type.JSON_OBJECT);
        JsonObject first = Fixtures.body(server.takeRequest());
        JsonObject second = Fixtures.body(server.takeRequest());
        JsonObject third = Fixtures.body(server.takeRequest());
        assertThat(first.getAsJsonObject("response_format").get("type").getAsString()).isEqualTo("json_schema");
        assertThat(second.getAsJsonObject("response_format").get("type").getAsString()).isEqualTo("json_object");
        assertThat(third.getAsJsonObject("response_format").get("type").getAsString())
                .as("remembered: no second json_schema attempt").isEqualTo("json_object");
        // The schema moved into the prompt, since JSON mode does not carry it.
        String lastUser = second.getAsJsonArray("messages").get(0).getAsJsonObject().get("content").getAsString();
        assertThat(lastUser).startsWith("give json").contains("JSON schema").contains("\"label\"");
    }

    @Test
    void structuredOutputFallsBackToPromptOnly() throws Exception {
        server.enqueue(Fixtures.json(400, "{\"error\":\"unknown field response_format\"}"));
        server.enqueue(Fixtures.json(400, "{\"error\":\"unknown field response_format\"}"));
        server.enqueue(Fixtures.ok("{}"));
        HttpChatModel model = Fixtures.openAi(server).build();
        ChatRequest req = ChatRequest.builder().addMessage(ChatMessage.user("q"))
                .responseFormat(ResponseFormat.jsonSchema("x", "{\"type\":\"object\"}")).build();

        model.chat(req);

        server.takeRequest();
        server.takeRequest();
        JsonObject third = Fixtures.body(server.takeRequest());
        assertThat(third.has("response_format")).isFalse();
        assertThat(model.acceptedResponseFormat()).isEqualTo(ResponseFormat.Type.TEXT);
    }

    @Test
    void aBadRequestUnrelatedToTheFormatIsNotRetriedWithWeakerFormats() {
        server.enqueue(Fixtures.json(400, "{\"error\":{\"message\":\"maximum context length is 4096 tokens\"}}"));
        HttpChatModel model = Fixtures.openAi(server).build();
        ChatRequest req = ChatRequest.builder().addMessage(ChatMessage.user("q"))
                .responseFormat(ResponseFormat.jsonSchema("x", "{\"type\":\"object\"}")).build();

        assertThatThrownBy(() -> model.chat(req)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("maximum context length");
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(model.acceptedResponseFormat()).isEqualTo(ResponseFormat.Type.JSON_SCHEMA);
    }

    @Test
    void serverEchoOfTheKeyIsRedacted() {
        server.enqueue(Fixtures.json(401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-secret-123\"}}"));
        ChatModel model = Fixtures.openAi(server).apiKey("sk-secret-123").build();

        AuthenticationException e = catchThrowableOfType(AuthenticationException.class, () -> model.chat(hello()));

        assertThat(e.getMessage()).doesNotContain("sk-secret-123").contains("Incorrect API key provided: ***");
        assertThat(e.serverMessage()).doesNotContain("sk-secret-123");
    }

    @Test
    void builderValidationNamesTheSettingAndValue() {
        assertThatThrownBy(() -> OpenAiChatModel.builder().build())
                .hasMessageContaining("modelName");
        assertThatThrownBy(() -> OpenAiChatModel.builder().modelName("m").maxConcurrency(0).build())
                .hasMessage("maxConcurrency must be in [1, 1024], was 0");
        assertThatThrownBy(() -> OpenAiChatModel.builder().modelName("m").baseUrl("ftp:/x").build())
                .hasMessageContaining("baseUrl").hasMessageContaining("ftp:/x");
        assertThatThrownBy(() -> OpenAiChatModel.builder().modelName("m").readTimeout(Duration.ZERO).build())
                .hasMessage("readTimeout must be > 0, was PT0S");
        assertThatThrownBy(() -> OpenAiChatModel.builder().modelName("m")
                .apiKeyFromEnv("GOLD_TEST_SURELY_UNSET_VARIABLE").build())
                .hasMessageContaining("GOLD_TEST_SURELY_UNSET_VARIABLE is not set");
    }
}
