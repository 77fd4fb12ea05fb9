package io.github.goldkd.llm;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Response-format negotiation against a scripted server: which form goes out, and what is remembered. */
class FormatNegotiationTest {

    private static final ResponseFormat SCHEMA = ResponseFormat.jsonSchema("lab",
            "{\"type\":\"object\",\"properties\":{\"label\":{\"type\":\"string\"}}}");
    private static final ChatResponse OK = new ChatResponse(List.of("{}"), List.of(FinishReason.STOP), TokenUsage.ZERO);

    private static ChatRequest ask(ResponseFormat format) {
        return ChatRequest.builder().addMessage(ChatMessage.system("sys")).addMessage(ChatMessage.user("give json"))
                .responseFormat(format).build();
    }

    /** A server that rejects the listed formats with {@code rejection} and records every request. */
    private static final class ScriptedServer implements Function<ChatRequest, ChatResponse> {
        final List<ChatRequest> sent = new ArrayList<>();
        final List<ResponseFormat.Type> rejected;
        final int status;
        final String message;

        ScriptedServer(int status, String message, ResponseFormat.Type... rejected) {
            this.status = status;
            this.message = message;
            this.rejected = List.of(rejected);
        }

        @Override
        public ChatResponse apply(ChatRequest r) {
            sent.add(r);
            if (rejected.contains(r.responseFormat().type())) {
                throw new InvalidRequestException("HTTP " + status + ": " + message, status, message);
            }
            return OK;
        }

        List<ResponseFormat.Type> sentTypes() {
            return sent.stream().map(r -> r.responseFormat().type()).toList();
        }
    }

    @Test
    void aRejectedSchemaFallsBackToJsonModeWithTheSchemaInThePromptAndIsRemembered() {
        FormatNegotiation n = new FormatNegotiation(ResponseFormat.Type.JSON_SCHEMA, "server");
        ScriptedServer server = new ScriptedServer(400, "response_format json_schema is not supported",
                ResponseFormat.Type.JSON_SCHEMA);

        assertThat(n.chat(ask(SCHEMA), server)).isSameAs(OK);
        assertThat(n.chat(ask(SCHEMA), server)).isSameAs(OK);

        assertThat(server.sentTypes()).containsExactly(ResponseFormat.Type.JSON_SCHEMA, ResponseFormat.Type.JSON_OBJECT,
                ResponseFormat.Type.JSON_OBJECT);
        assertThat(n.accepted()).isEqualTo(ResponseFormat.Type.JSON_OBJECT);
        ChatRequest fallback = server.sent.get(1);
        assertThat(fallback.messages()).hasSize(2);
        assertThat(fallback.messages().get(0).content()).isEqualTo("sys");
        assertThat(fallback.messages().get(1).content())
                .isEqualTo("give json\n\nAnswer with JSON only, following this JSON schema: " + SCHEMA.schema());
        assertThat(server.sent.get(0)).as("the first try goes out unchanged").isEqualTo(ask(SCHEMA));
    }

    @Test
    void jsonModeRejectedTooFallsBackToThePromptOnly() {
        FormatNegotiation n = new FormatNegotiation(ResponseFormat.Type.JSON_SCHEMA, "server");
        ScriptedServer server = new ScriptedServer(422, "", ResponseFormat.Type.JSON_SCHEMA,
                ResponseFormat.Type.JSON_OBJECT);

        n.chat(ask(ResponseFormat.JSON_OBJECT), server);

        assertThat(server.sentTypes()).as("JSON mode asked: no schema to try")
                .containsExactly(ResponseFormat.Type.JSON_OBJECT, ResponseFormat.Type.TEXT);
        assertThat(server.sent.get(1).messages().get(1).content())
                .isEqualTo("give json\n\nAnswer with a single JSON object only.");
        assertThat(n.accepted()).isEqualTo(ResponseFormat.Type.TEXT);
    }

    @Test
    void whenEvenTextIsRejectedTheFirstRejectionIsThrownAndNothingIsLearnt() {
        FormatNegotiation n = new FormatNegotiation(ResponseFormat.Type.JSON_SCHEMA, "server");
        List<InvalidRequestException> thrown = new ArrayList<>();
        Function<ChatRequest, ChatResponse> refusesAll = r -> {
            InvalidRequestException e = new InvalidRequestException("no " + r.responseFormat().type(), 400,
                    "bad format " + r.responseFormat().type());
            thrown.add(e);
            throw e;
        };

        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> n.chat(ask(SCHEMA), refusesAll));

        assertThat(thrown).hasSize(3);
        assertThat(e).isSameAs(thrown.get(0));
        assertThat(n.accepted()).isEqualTo(ResponseFormat.Type.JSON_SCHEMA);
    }

    @Test
    void aRejectionThatIsNotAboutTheFormatIsThrownAtOnce() {
        FormatNegotiation n = new FormatNegotiation(ResponseFormat.Type.JSON_SCHEMA, "server");
        ScriptedServer tooLong = new ScriptedServer(400, "maximum context length is 4096 tokens",
                ResponseFormat.Type.JSON_SCHEMA);
        ScriptedServer notFound = new ScriptedServer(404, "unknown response_format", ResponseFormat.Type.JSON_SCHEMA);

        assertThatThrownBy(() -> n.chat(ask(SCHEMA), tooLong)).hasMessageContaining("maximum context length");
        assertThatThrownBy(() -> n.chat(ask(SCHEMA), notFound)).as("only 400 and 422 concern the format")
                .hasMessageContaining("HTTP 404");

        assertThat(tooLong.sent).hasSize(1);
        assertThat(notFound.sent).hasSize(1);
        assertThat(n.accepted()).isEqualTo(ResponseFormat.Type.JSON_SCHEMA);
    }

    @Test
    void theCeilingCapsWhatIsSentFromTheStartAndTextRequestsGoOutUnchanged() {
        FormatNegotiation n = new FormatNegotiation(ResponseFormat.Type.JSON_OBJECT, "server");
        ScriptedServer server = new ScriptedServer(400, "x");

        n.chat(ask(SCHEMA), server);
        n.chat(ask(ResponseFormat.TEXT), server);

        assertThat(server.sentTypes()).containsExactly(ResponseFormat.Type.JSON_OBJECT, ResponseFormat.Type.TEXT);
        assertThat(server.sent.get(1)).isEqualTo(ask(ResponseFormat.TEXT));
    }

    @Test
    void whichRejectionsConcernTheFormat() {
        assertThat(FormatNegotiation.concernsFormat(new InvalidRequestException("m", 400, "Invalid format"))).isTrue();
        assertThat(FormatNegotiation.concernsFormat(new InvalidRequestException("m", 400, "bad JSON schema"))).isTrue();
        assertThat(FormatNegotiation.concernsFormat(new InvalidRequestException("m", 422, "grammar too deep"))).isTrue();
        assertThat(FormatNegotiation.concernsFormat(new InvalidRequestException("m", 400, null))).isTrue();
        assertThat(FormatNegotiation.concernsFormat(new InvalidRequestException("m", 400, "model not found"))).isFalse();
        assertThat(FormatNegotiation.concernsFormat(new InvalidRequestException("m", 413, "json too large"))).isFalse();
        assertThatThrownBy(() -> new FormatNegotiation(null, "server"))
                .hasMessage("maxResponseFormat must not be null");
    }
}
