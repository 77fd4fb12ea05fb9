package io.github.goldkd.llm;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatApiTest {

    @Test
    void requestValidationNamesSettingAndValue() {
        assertThatThrownBy(() -> ChatRequest.builder().build()).hasMessage("messages must hold at least one message");
        ChatRequest.Builder b = ChatRequest.builder().addMessage(ChatMessage.user("x"));
        assertThatThrownBy(() -> b.temperature(-1.0).build()).hasMessage("temperature must be in [0, 2], was -1.0");
        assertThatThrownBy(() -> b.temperature(null).topP(0.0).build()).hasMessage("topP must be in (0, 1], was 0.0");
        assertThatThrownBy(() -> b.topP(null).maxTokens(0).build()).hasMessage("maxTokens must be >= 1, was 0");
        assertThatThrownBy(() -> b.maxTokens(null).n(0).build()).hasMessage("n must be >= 1, was 0");
        assertThatThrownBy(() -> b.n(1).stop(List.of("a", "b", "c", "d", "e")).build())
                .hasMessage("stop must hold at most 4 sequences, has 5");
    }

    @Test
    void requestDefaultsAndCopies() {
        ChatRequest r = ChatRequest.of(ChatMessage.user("x"));
        assertThat(r.n()).isEqualTo(1);
        assertThat(r.responseFormat()).isEqualTo(ResponseFormat.TEXT);
        assertThat(r.stop()).isEmpty();
        assertThat(r.temperature()).isNull();
        assertThat(r.toBuilder().seed(3L).build()).isEqualTo(new ChatRequest(r.messages(), null, null, null,
                List.of(), 3L, 1, ResponseFormat.TEXT));
    }

    @Test
    void responseFormatNormalisesTheSchemaAndFallsBack() {
        ResponseFormat f = ResponseFormat.jsonSchema("x", "{ \"type\" :  \"object\" }");
        assertThat(f.schema()).isEqualTo("{\"type\":\"object\"}");
        assertThat(f.atMost(ResponseFormat.Type.JSON_SCHEMA)).isSameAs(f);
        assertThat(f.atMost(ResponseFormat.Type.JSON_OBJECT)).isEqualTo(ResponseFormat.JSON_OBJECT);
        assertThat(f.atMost(ResponseFormat.Type.TEXT)).isEqualTo(ResponseFormat.TEXT);
        assertThat(ResponseFormat.TEXT.atMost(ResponseFormat.Type.JSON_SCHEMA)).isEqualTo(ResponseFormat.TEXT);
        assertThatThrownBy(() -> ResponseFormat.jsonSchema("bad name", "{}")).hasMessageContaining("bad name");
        assertThatThrownBy(() -> ResponseFormat.jsonSchema("x", "[1]")).hasMessageContaining("must be a JSON object");
    }

    @Test
    void finishReasonsFromTheWire() {
        assertThat(FinishReason.parse("stop")).isEqualTo(FinishReason.STOP);
        assertThat(FinishReason.parse("LENGTH")).isEqualTo(FinishReason.LENGTH);
        assertThat(FinishReason.parse("content_filter")).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(FinishReason.parse(null)).isEqualTo(FinishReason.OTHER);
        assertThat(FinishReason.parse("weird")).isEqualTo(FinishReason.OTHER);
        assertThat(FinishReason.LENGTH.isFailure()).isTrue();
        assertThat(FinishReason.CONTENT_FILTER.isFailure()).isTrue();
        assertThat(FinishReason.STOP.isFailure()).isFalse();
    }

    @Test
    void responseNeedsOneReasonPerText() {
        assertThatThrownBy(() -> new ChatResponse(List.of("a", "b"), List.of(FinishReason.STOP), null))
                .hasMessageContaining("2 texts and 1 finish reasons");
        assertThat(ChatResponse.of("a", FinishReason.STOP, null).usage()).isEqualTo(TokenUsage.ZERO);
    }

    @Test
    void exceptionHierarchy() {
        assertThat(new RetriableException("m", null)).isInstanceOf(io.github.goldkd.core.GoldException.class);
        assertThat(new LlmTimeoutException("m", null).isRetriable()).isTrue();
        assertThat(new AuthenticationException("m", 401, "s").isRetriable()).isFalse();
        assertThat(new InvalidRequestException("m", 400, "s")).isInstanceOf(NonRetriableException.class);
        assertThat(HttpChatModel.isRetriableStatus(429)).isTrue();
        assertThat(HttpChatModel.isRetriableStatus(404)).isFalse();
    }
}
