package io.github.goldkd.llm.langchain4j;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.langchain4j.model.chat.Capability;
import io.github.goldkd.core.GeneratedBatch;
import io.github.goldkd.core.GenerationMode;
import io.github.goldkd.core.GenerationRequest;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.llm.AuthenticationException;
import io.github.goldkd.llm.Budget;
import io.github.goldkd.llm.ChatMessage;
import io.github.goldkd.llm.ChatRequest;
import io.github.goldkd.llm.ChatResponse;
import io.github.goldkd.llm.FinishReason;
import io.github.goldkd.llm.InvalidRequestException;
import io.github.goldkd.llm.LlmGenerator;
import io.github.goldkd.llm.LlmTimeoutException;
import io.github.goldkd.llm.ResponseFormat;
import io.github.goldkd.llm.RetriableException;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The adapter end to end: langchain4j's own OpenAI model against a local MockWebServer, wrapped as a GOLD chat
 * model, through retries, failures, finish reasons, structured output and a whole generation batch.
 */
public class LangChain4jChatModelTest {

    static final Task SENTIMENT = Task.classification("sentiment", "Decide whether a movie review is positive or negative.",
            List.of(new Label("positive", "the reviewer liked the movie"),
                    new Label("negative", "the reviewer disliked the movie")),
            List.of(Sample.real("d1", "A moving story with superb acting.", "positive"),
                    Sample.real("d2", "Two hours of my life I will never get back.", "negative")));

    private static final Pattern LABEL = Pattern.compile("whose label is \\\\+\"(\\w+)\\\\+\"");

    @TempDir
    Path dir;

    public static dev.langchain4j.model.openai.OpenAiChatModel.OpenAiChatModelBuilder openAi(MockWebServer server, String key) {
        return dev.langchain4j.model.openai.OpenAiChatModel.builder()
                .baseUrl(server.url("/v1").toString())
                .apiKey(key)
                .modelName("gpt-test")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(10));
    }

    static LangChain4jChatModel.Builder adapter(dev.langchain4j.model.chat.ChatModel model, String key) {
        return LangChain4jChatModel.builder().chatModel(model).redacting(key)
                .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5));
    }

    static String completion(String content, String finishReason, long prompt, long completion) {
        JsonObject msg = new JsonObject();
        msg.addProperty("role", "assistant");
        msg.addProperty("content", content);
        JsonObject choice = new JsonObject();
        choice.addProperty("index", 0);
        choice.add("message", msg);
        choice.addProperty("finish_reason", finishReason);
        com.google.gson.JsonArray choices = new com.google.gson.JsonArray();
        choices.add(choice);
        JsonObject usage = new JsonObject();
        usage.addProperty("prompt_tokens", prompt);
        usage.addProperty("completion_tokens", completion);
        usage.addProperty("total_tokens", prompt + completion);
        JsonObject o = new JsonObject();
        o.addProperty("id", "chatcmpl-1");
        o.addProperty("object", "chat.completion");
        o.addProperty("created", 1);
        o.addProperty("model", "gpt-test");
        o.add("choices", choices);
        o.add("usage", usage);
        return o.toString();
    }

    public static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }

    /** A server answering request i (from 1) with {@code answers.apply(i)}, recording the bodies. */
    static final class Scripted extends Dispatcher {
        final List<String> bodies = new ArrayList<>();
        final List<String> authorizations = new ArrayList<>();
        private final BiFunction<Integer, String, MockResponse> answers;

        Scripted(BiFunction<Integer, String, MockResponse> answers) {
            this.answers = answers;
        }

        @Override
        public synchronized MockResponse dispatch(RecordedRequest r) {
            bodies.add(r.getBody().utf8());
            authorizations.add(r.getHeaders().get("Authorization"));
            return answers.apply(bodies.size(), bodies.get(bodies.size() - 1));
        }
    }

    /** A teacher: a JSON sample with the requested label and a text distinct per request. */
    public static MockResponse teacherAnswer(String body, int n) {
        Matcher m = LABEL.matcher(body);
        String label = m.find() ? m.group(1) : "?";
        JsonObject sample = new JsonObject();
        String[] words = {"acting", "plot", "score", "camera", "pacing", "dialogue", "ending", "cast", "script",
                "villain", "hero", "twist", "sequel", "director"};
        StringBuilder text = new StringBuilder("A review about");
        for (int i = 0, s = n * 7919; i < 5; i++, s = s / words.length + 31 * (i + n)) {
            text.append(' ').append(words[Math.floorMod(s, words.length)]);
        }
        sample.addProperty("text", text.append(" number ").append(n).append('.').toString());
        sample.addProperty("label", label);
        return json(200, completion(sample.toString(), "stop", 20, 8));
    }

    private static ChatRequest hello() {
        return ChatRequest.builder().addMessage(ChatMessage.system("Be brief."))
                .addMessage(ChatMessage.user("Say hello.")).temperature(0.7).maxTokens(32).stop(List.of("END"))
                .build();
    }

    @Test
    void anAnswerMapsTextFinishReasonAndTokens() throws Exception {
        Scripted s = new Scripted((i, body) -> json(200, completion("hello there", "stop", 12, 3)));
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(s);
            server.start();
            LangChain4jChatModel model = adapter(openAi(server, "sk-a").build(), "sk-a").build();
            ChatResponse r = model.chat(hello());
            assertThat(r.text()).isEqualTo("hello there");
            assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(r.usage().promptTokens()).isEqualTo(12);
            assertThat(r.usage().completionTokens()).isEqualTo(3);
            assertThat(model.modelName()).isEqualTo("gpt-test");
            JsonObject body = JsonParser.parseString(s.bodies.get(0)).getAsJsonObject();
            assertThat(body.get("model").getAsString()).isEqualTo("gpt-test");
            assertThat(body.getAsJsonArray("messages")).hasSize(2);
            assertThat(body.getAsJsonArray("messages").get(0).getAsJsonObject().get("role").getAsString())
                    .isEqualTo("system");
            assertThat(body.get("temperature").getAsDouble()).isEqualTo(0.7);
            assertThat(body.has("max_tokens") || body.has("max_completion_tokens")).isTrue();
            assertThat(body.getAsJsonArray("stop").get(0).getAsString()).isEqualTo("END");
            assertThat(s.authorizations.get(0)).isEqualTo("Bearer sk-a");
        }
    }

    @Test
    void a429WithRetryAfterAndA500AreRetriedAndThenAnswered() throws Exception {
        Scripted s = new Scripted((i, body) -> switch (i) {
            case 1 -> new MockResponse.Builder().code(429).addHeader("Retry-After", "0")
                    .addHeader("Content-Type", "application/json")
                    .body("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}").build();
            case 2 -> json(500, "{\"error\":{\"message\":\"The server had an error\"}}");
            default -> json(200, completion("finally", "stop", 5, 1));
        });
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(s);
            server.start();
            LangChain4jChatModel model = adapter(openAi(server, "sk-b").build(), "sk-b").build();
            assertThat(model.chat(hello()).text()).isEqualTo("finally");
            assertThat(s.bodies).hasSize(3);
        }
    }

    @Test
    void retriableFailuresGiveUpAfterTheRetriesWithTheStatus() throws Exception {
        Scripted s = new Scripted((i, body) -> i % 2 == 1
                ? new MockResponse.Builder().code(429).addHeader("Retry-After", "1").body("{\"error\":{\"message\":\"slow down\"}}").build()
                : json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(s);
            server.start();
            LangChain4jChatModel model = adapter(openAi(server, "sk-c").build(), "sk-c").maxRetries(2).build();
            assertThatThrownBy(() -> model.chat(hello()))
                    .isInstanceOfSatisfying(RetriableException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(429);
                        assertThat(e.isRetriable()).isTrue();
                        assertThat(e.getMessage()).contains("HTTP 429").contains("slow down")
                                .contains("gave up after 3 attempts");
                    });
            assertThat(s.bodies).hasSize(3);
        }
    }

    @Test
    void nonRetriableFailuresAreTypedAndNotRepeated() throws Exception {
        Scripted s = new Scripted((i, body) -> i == 1 ? json(401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-secret-1\"}}")
                : json(404, "{\"error\":{\"message\":\"The model does not exist\"}}"));
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(s);
            server.start();
            LangChain4jChatModel model = adapter(openAi(server, "sk-secret-1").build(), "sk-secret-1").build();
            assertThatThrownBy(() -> model.chat(hello())).isInstanceOfSatisfying(AuthenticationException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(401);
                assertThat(e.getMessage()).contains("Incorrect API key provided: ***").doesNotContain("sk-secret-1");
                assertThat(e.getCause()).isNull();
            });
            assertThatThrownBy(() -> model.chat(hello())).isInstanceOfSatisfying(InvalidRequestException.class,
                    e -> assertThat(e.statusCode()).isEqualTo(404));
            assertThat(s.bodies).hasSize(2);
        }
    }

    @Test
    void anUnreachableServerIsRetriableAndATimeoutIsATimeout() throws Exception {
        MockWebServer gone = new MockWebServer();
        gone.start();
        String url = gone.url("/v1").toString();
        gone.close();
        LangChain4jChatModel refused = adapter(dev.langchain4j.model.openai.OpenAiChatModel.builder().baseUrl(url)
                .apiKey("k").modelName("m").maxRetries(0).build(), "k").maxRetries(1).build();
        assertThatThrownBy(() -> refused.chat(hello())).isInstanceOf(RetriableException.class)
                .hasMessageContaining("gave up after 2 attempts");
        try (MockWebServer slow = new MockWebServer()) {
            slow.setDispatcher(new Scripted((i, body) -> new MockResponse.Builder()
                    .headersDelay(2, java.util.concurrent.TimeUnit.SECONDS).body("{}").build()));
            slow.start();
            LangChain4jChatModel model = adapter(openAi(slow, "k").timeout(Duration.ofMillis(300)).build(), "k")
                    .maxRetries(0).build();
            assertThatThrownBy(() -> model.chat(hello())).isInstanceOf(LlmTimeoutException.class);
        }
    }

    @Test
    void finishReasonLengthIsACutOffAnswerThatTheGeneratorRejects() throws Exception {
        AtomicInteger n = new AtomicInteger();
        Scripted s = new Scripted((i, body) -> i <= 2
                ? json(200, completion("{\"text\": \"A review that goes on and on and", "length", 30, 64))
                : teacherAnswer(body, n.incrementAndGet()));
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(s);
            server.start();
            LangChain4jChatModel model = adapter(openAi(server, "sk-d").build(), "sk-d").maxConcurrency(1).build();
            assertThat(model.chat(hello()).finishReason()).isEqualTo(FinishReason.LENGTH);
            try (LlmGenerator gen = LlmGenerator.builder().chatModel(model).parallelism(1).build()) {
                GeneratedBatch b = gen.generate(new GenerationRequest(SENTIMENT, GenerationMode.TRAIN,
                        List.of("positive"), List.of(), 0, 1));
                assertThat(b.stats().rejects()).containsEntry(LlmGenerator.FINISH_LENGTH, 1);
                assertThat(b.stats().requests()).isEqualTo(2);
                assertThat(b.stats().promptTokens()).isEqualTo(50);
                assertThat(b.samples()).hasSize(1);
            }
        }
    }

    @Test
    void aJsonSchemaGoesAsStructuredOutputWhereTheModelSupportsIt() throws Exception {
        Scripted s = new Scripted((i, body) -> teacherAnswer(body, i));
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(s);
            server.start();
            ResponseFormat format = ResponseFormat.jsonSchema("gold_sample", "{\"type\":\"object\",\"properties\":"
                    + "{\"text\":{\"type\":\"string\"},\"label\":{\"type\":\"string\",\"enum\":[\"positive\"]}},"
                    + "\"required\":[\"text\",\"label\"],\"additionalProperties\":false}");
            ChatRequest req = hello().toBuilder().responseFormat(format).build();

            LangChain4jChatModel strict = adapter(openAi(server, "k")
                    .supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA).strictJsonSchema(true).build(), "k")
                    .build();
            assertThat(strict.acceptedResponseFormat()).isEqualTo(ResponseFormat.Type.JSON_SCHEMA);
            strict.chat(req);
            JsonObject rf = JsonParser.parseString(s.bodies.get(0)).getAsJsonObject().getAsJsonObject("response_format");
            assertThat(rf.get("type").getAsString()).isEqualTo("json_schema");
            JsonObject schema = rf.getAsJsonObject("json_schema").getAsJsonObject("schema");
            assertThat(schema.getAsJsonObject("properties").getAsJsonObject("label").getAsJsonArray("enum").toString())
                    .isEqualTo("[\"positive\"]");
            assertThat(schema.getAsJsonArray("required").toString()).contains("text", "label");

            LangChain4jChatModel plain = adapter(openAi(server, "k").build(), "k").build();
            assertThat(plain.acceptedResponseFormat()).isEqualTo(ResponseFormat.Type.JSON_OBJECT);
            plain.chat(req);
            JsonObject body = JsonParser.parseString(s.bodies.get(1)).getAsJsonObject();
            assertThat(body.getAsJsonObject("response_format").get("type").getAsString()).isEqualTo("json_object");
            assertThat(s.bodies.get(1)).contains("Answer with JSON only, following this JSON schema");
        }
    }

    @Test
    void aRefusedSchemaFallsBackToJsonModeForGood() throws Exception {
        Scripted s = new Scripted((i, body) -> i == 1
                ? json(400, "{\"error\":{\"message\":\"response_format json_schema is not supported by this model\"}}")
                : teacherAnswer(body, i));
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(s);
            server.start();
            LangChain4jChatModel model = adapter(openAi(server, "k")
                    .supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA).build(), "k").build();
            ChatRequest req = hello().toBuilder().responseFormat(ResponseFormat.jsonSchema("s",
                    "{\"type\":\"object\",\"properties\":{\"label\":{\"type\":\"string\"}}}")).build();
            model.chat(req);
            model.chat(req);
            assertThat(s.bodies).hasSize(3);
            assertThat(s.bodies.get(0)).contains("json_schema");
            assertThat(s.bodies.get(1)).contains("json_object").doesNotContain("\"json_schema\"");
            assertThat(s.bodies.get(2)).contains("json_object");
            assertThat(model.acceptedResponseFormat()).isEqualTo(ResponseFormat.Type.JSON_OBJECT);
        }
    }

    @Test
    void aWholeBatchGoesThroughTheCacheAndTheBudget() throws Exception {
        AtomicInteger answers = new AtomicInteger();
        Dispatcher teacher = new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                return teacherAnswer(r.getBody().utf8(), answers.incrementAndGet());
            }
        };
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(teacher);
            server.start();
            Path cache = dir.resolve("llm-cache.jsonl");
            GenerationRequest request = new GenerationRequest(SENTIMENT, GenerationMode.TRAIN,
                    List.of("positive", "negative", "positive", "negative", "positive", "negative"), List.of(), 0, 5);
            List<Sample> first;
            try (LlmGenerator gen = LlmGenerator.builder()
                    .chatModel(adapter(openAi(server, "k").build(), "k").maxConcurrency(3).build())
                    .cacheFile(cache).build()) {
                GeneratedBatch b = gen.generate(request);
                first = b.samples();
                assertThat(first).hasSize(6);
                assertThat(first).extracting(Sample::label)
                        .containsExactly("positive", "negative", "positive", "negative", "positive", "negative");
                assertThat(b.stats().requests()).isEqualTo(6);
                assertThat(gen.usage().promptTokens()).isEqualTo(120);
            }
            try (LlmGenerator gen = LlmGenerator.builder()
                    .chatModel(adapter(openAi(server, "k").build(), "k").build()).cacheFile(cache)
                    .budget(Budget.builder().maxRequests(1).build()).build()) {
                GeneratedBatch again = gen.generate(request);
                assertThat(again.stats().cacheHits()).isEqualTo(6);
                assertThat(again.stats().requests()).isZero();
                assertThat(again.samples()).extracting(Sample::inputs)
                        .containsExactlyElementsOf(first.stream().map(Sample::inputs).toList());
            }
            assertThat(answers.get()).isEqualTo(6);
        }
    }

    @Test
    void settingsAreValidated() {
        dev.langchain4j.model.chat.ChatModel unnamed = new dev.langchain4j.model.chat.ChatModel() {
        };
        assertThatThrownBy(() -> LangChain4jChatModel.builder().build())
                .hasMessage("chatModel must be set (a langchain4j ChatModel)");
        assertThatThrownBy(() -> LangChain4jChatModel.builder().chatModel(unnamed).build())
                .hasMessage("modelName must be set: the langchain4j model names none");
        assertThatThrownBy(() -> LangChain4jChatModel.builder().chatModel(unnamed).modelName("m").maxConcurrency(0)
                .build()).hasMessage("maxConcurrency must be in [1, 1024], was 0");
        assertThatThrownBy(() -> LangChain4jChatModel.builder().chatModel(unnamed).modelName("m").maxRetries(-1)
                .build()).hasMessage("maxRetries must be in [0, 100], was -1");
        assertThat(LangChain4jChatModel.builder().chatModel(unnamed).modelName("m").build().describe())
                .containsEntry("model", "m").containsEntry("maxConcurrency", 4);
    }
}
