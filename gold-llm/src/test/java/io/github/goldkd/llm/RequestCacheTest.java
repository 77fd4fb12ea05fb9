package io.github.goldkd.llm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestCacheTest {

    @TempDir
    Path dir;

    private static final Map<String, String> CTX = Map.of("template", "t", "templateVersion", "1", "parserVersion", "1");

    private static ChatRequest.Builder base() {
        return ChatRequest.builder().addMessage(ChatMessage.system("s")).addMessage(ChatMessage.user("u"))
                .temperature(1.0).maxTokens(100).seed(5L).responseFormat(ResponseFormat.JSON_OBJECT);
    }

    @Test
    void keyIsStableAndCoversEveryPartOfTheRequest() {
        String k = RequestCache.key("m", base().build(), CTX);
        assertThat(k).hasSize(64).isEqualTo(RequestCache.key("m", base().build(), Map.of("parserVersion", "1",
                "templateVersion", "1", "template", "t")));
        List<String> variants = List.of(
                RequestCache.key("m2", base().build(), CTX),
                RequestCache.key("m", base().seed(6L).build(), CTX),
                RequestCache.key("m", base().temperature(0.9).build(), CTX),
                RequestCache.key("m", base().topP(0.5).build(), CTX),
                RequestCache.key("m", base().maxTokens(101).build(), CTX),
                RequestCache.key("m", base().stop(List.of("x")).build(), CTX),
                RequestCache.key("m", base().n(2).build(), CTX),
                RequestCache.key("m", base().responseFormat(ResponseFormat.TEXT).build(), CTX),
                RequestCache.key("m", base().addMessage(ChatMessage.assistant("a")).build(), CTX),
                RequestCache.key("m", base().messages(List.of(ChatMessage.user("s"), ChatMessage.user("u"))).build(), CTX),
                RequestCache.key("m", base().build(), Map.of("template", "t", "templateVersion", "2", "parserVersion", "1")),
                RequestCache.key("m", base().build(), Map.of("template", "t", "templateVersion", "1", "parserVersion", "2")));
        assertThat(variants).doesNotContain(k).doesNotHaveDuplicates();
    }

    @Test
    void entriesSurviveReopeningAndTheFirstAnswerWins() {
        Path f = dir.resolve("sub/cache.jsonl");
        ChatResponse a = new ChatResponse(List.of("one\nline \"two\"", "ü"), List.of(FinishReason.STOP,
                FinishReason.LENGTH), new TokenUsage(3, 4));
        try (RequestCache c = RequestCache.open(f)) {
            c.put("k1", a);
            c.put("k1", ChatResponse.of("other", FinishReason.STOP, TokenUsage.ZERO));
            assertThat(c.get("k1")).contains(a);
        }
        try (RequestCache c = RequestCache.open(f)) {
            assertThat(c.size()).isEqualTo(1);
            assertThat(c.get("k1")).contains(a);
            assertThat(c.get("k2")).isEmpty();
        }
    }

    @Test
    void aCorruptLineInTheMiddleIsAnErrorNamingTheLine() throws Exception {
        Path f = dir.resolve("cache.jsonl");
        Files.writeString(f, "{\"key\":\"a\"}\nnot json\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> RequestCache.open(f)).hasMessageContaining("line 1");
    }

    @Test
    void cacheFileHoldsOnlyKeysAndAnswers() throws Exception {
        Path f = dir.resolve("cache.jsonl");
        try (RequestCache c = RequestCache.open(f)) {
            c.put(RequestCache.key("m", base().build(), CTX), ChatResponse.of("{\"text\":\"x\"}", FinishReason.STOP,
                    new TokenUsage(1, 2)));
        }
        String line = Files.readString(f).strip();
        assertThat(com.google.gson.JsonParser.parseString(line).getAsJsonObject().keySet())
                .containsExactly("key", "texts", "finishReasons", "promptTokens", "completionTokens");
    }
}
