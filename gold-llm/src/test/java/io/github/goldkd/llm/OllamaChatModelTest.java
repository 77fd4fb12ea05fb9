package io.github.goldkd.llm;

import com.google.gson.JsonObject;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class OllamaChatModelTest {

    private MockWebServer server;
    private OllamaChatModel model;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        model = OllamaChatModel.builder().baseUrl(server.url("/").toString()).modelName("llama3.1:8b")
                .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2)).maxRetries(1).build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String answer(String content, String doneReason, int prompt, int eval) {
        return "{\"model\":\"llama3.1:8b\",\"message\":{\"role\":\"assistant\",\"content\":" + com.google.gson.JsonParser
                .parseString("\"" + content.replace("\"", "\\\"") + "\"") + "},\"done\":true,\"done_reason\":\""
                + doneReason + "\",\"prompt_eval_count\":" + prompt + ",\"eval_count\":" + eval + "}";
    }

    @Test
    void sendsNativeChatRequestAndReadsUsage() throws Exception {
        server.enqueue(Fixtures.json(200, answer("{\"label\":\"x\"}", "stop", 26, 9)));
        ChatRequest req = ChatRequest.builder().addMessage(ChatMessage.user("hi")).temperature(0.5).topP(0.8)
                .maxTokens(100).seed(7L).stop(java.util.List.of("\n\n"))
                .responseFormat(ResponseFormat.jsonSchema("s", "{\"type\":\"object\"}")).build();

        ChatResponse r = model.chat(req);

        assertThat(r.text()).isEqualTo("{\"label\":\"x\"}");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage()).isEqualTo(new TokenUsage(26, 9));
        RecordedRequest rec = server.takeRequest();
        assertThat(rec.getUrl().encodedPath()).isEqualTo("/api/chat");
        JsonObject b = Fixtures.body(rec);
        assertThat(b.get("stream").getAsBoolean()).isFalse();
        assertThat(b.get("model").getAsString()).isEqualTo("llama3.1:8b");
        assertThat(b.getAsJsonObject("format").get("type").getAsString()).isEqualTo("object");
        JsonObject o = b.getAsJsonObject("options");
        assertThat(o.get("seed").getAsLong()).isEqualTo(7);
        assertThat(o.get("num_predict").getAsInt()).isEqualTo(100);
        assertThat(o.get("temperature").getAsDouble()).isEqualTo(0.5);
        assertThat(o.get("top_p").getAsDouble()).isEqualTo(0.8);
        assertThat(o.getAsJsonArray("stop").get(0).getAsString()).isEqualTo("\n\n");
    }

    @Test
    void jsonModeIsFormatJson() throws Exception {
        server.enqueue(Fixtures.json(200, answer("{}", "stop", 1, 1)));
        model.chat(ChatRequest.builder().addMessage(ChatMessage.user("hi")).responseFormat(ResponseFormat.JSON_OBJECT)
                .build());
        JsonObject b = Fixtures.body(server.takeRequest());
        assertThat(b.get("format").getAsString()).isEqualTo("json");
        assertThat(b.has("options")).isFalse();
    }

    @Test
    void doneReasonLengthIsReported() {
        server.enqueue(Fixtures.json(200, answer("{\"text\": \"and then", "length", 10, 100)));
        assertThat(model.chat(ChatRequest.of(ChatMessage.user("hi"))).finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void severalCompletionsAreSeveralRequestsWithDistinctSeeds() throws Exception {
        server.enqueue(Fixtures.json(200, answer("a", "stop", 5, 1)));
        server.enqueue(Fixtures.json(200, answer("b", "stop", 5, 2)));
        ChatResponse r = model.chat(ChatRequest.builder().addMessage(ChatMessage.user("hi")).seed(100L).n(2).build());

        assertThat(r.texts()).containsExactly("a", "b");
        assertThat(r.usage()).isEqualTo(new TokenUsage(10, 3));
        assertThat(Fixtures.body(server.takeRequest()).getAsJsonObject("options").get("seed").getAsLong()).isEqualTo(100);
        assertThat(Fixtures.body(server.takeRequest()).getAsJsonObject("options").get("seed").getAsLong()).isEqualTo(101);
    }

    @Test
    void unknownModelIsANonRetriableErrorWithTheServersMessage() {
        server.enqueue(Fixtures.json(404, "{\"error\":\"model \\\"nope\\\" not found, try pulling it first\"}"));
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> model.chat(ChatRequest.of(ChatMessage.user("hi"))));
        assertThat(e.statusCode()).isEqualTo(404);
        assertThat(e.serverMessage()).isEqualTo("model \"nope\" not found, try pulling it first");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void bodyWithoutMessageIsMalformed() {
        server.enqueue(Fixtures.json(200, "{\"done\":true}"));
        assertThat(catchThrowableOfType(MalformedResponseException.class,
                () -> model.chat(ChatRequest.of(ChatMessage.user("hi")))).getMessage()).contains("no message");
    }
}
