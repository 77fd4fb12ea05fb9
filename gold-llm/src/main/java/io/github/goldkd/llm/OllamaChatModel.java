package io.github.goldkd.llm;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * A client of Ollama's native chat API, {@code POST {baseUrl}/api/chat} with {@code stream: false}.
 *
 * <pre>{@code
 * ChatModel model = OllamaChatModel.builder().modelName("llama3.1:8b").build();  // http://localhost:11434
 * }</pre>
 *
 * <p>Sampling parameters go into {@code options} ({@code temperature}, {@code top_p}, {@code seed},
 * {@code num_predict}, {@code stop}); a JSON schema is sent as {@code format: {schema}}, JSON mode as
 * {@code format: "json"}. Token counts come from {@code prompt_eval_count} and {@code eval_count}, the
 * finish reason from {@code done_reason}. Ollama returns one completion per request, so a request with
 * {@code n > 1} is sent as n requests with seeds {@code seed, seed+1, ...}. See {@link HttpChatModel} for
 * retries, timeouts, concurrency and structured-output negotiation.
 */
public final class OllamaChatModel extends HttpChatModel {

    private OllamaChatModel(Builder b) {
        super(b, "api/chat");
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected boolean supportsMultipleCompletions() {
        return false;
    }

    @Override
    protected JsonObject requestBody(ChatRequest r) {
        JsonObject body = new JsonObject();
        body.addProperty("model", modelName());
        body.add("messages", messagesJson(r));
        body.addProperty("stream", false);
        ResponseFormat f = r.responseFormat();
        if (f.type() == ResponseFormat.Type.JSON_OBJECT) {
            body.addProperty("format", "json");
        } else if (f.type() == ResponseFormat.Type.JSON_SCHEMA) {
            body.add("format", JsonParser.parseString(f.schema()));
        }
        JsonObject options = new JsonObject();
        addSampling(options, r, "num_predict");
        if (!options.isEmpty()) {
            body.add("options", options);
        }
        return body;
    }

    @Override
    protected ChatResponse parseResponse(JsonObject body, int status) {
        JsonElement msgEl = body.get("message");
        if (msgEl == null || !msgEl.isJsonObject()) {
            String err = body.has("error") ? ": error " + body.get("error") : "";
            throw malformed("body has no message" + err, status);
        }
        String content = optString(msgEl.getAsJsonObject(), "content");
        if (content == null) {
            throw malformed("message has no content", status);
        }
        String doneReason = optString(body, "done_reason");
        FinishReason reason = doneReason == null ? FinishReason.STOP : FinishReason.parse(doneReason);
        TokenUsage usage = new TokenUsage(optLong(body, "prompt_eval_count"), optLong(body, "eval_count"));
        return ChatResponse.of(content, reason, usage);
    }

    /** Builds an {@link OllamaChatModel}; see {@link HttpChatModel.Builder} for the common settings. */
    public static final class Builder extends HttpChatModel.Builder<Builder, OllamaChatModel> {
        private Builder() {
            super("http://localhost:11434");
        }

        @Override
        public OllamaChatModel build() {
            return new OllamaChatModel(this);
        }
    }
}
