package io.github.goldkd.llm;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.util.ArrayList;
import java.util.List;

/**
 * A client of the OpenAI-compatible chat API, {@code POST {baseUrl}/chat/completions}: OpenAI itself, vLLM,
 * llama.cpp's {@code llama-server}, LM Studio, a LiteLLM proxy.
 *
 * <pre>{@code
 * ChatModel model = OpenAiChatModel.builder()
 *         .baseUrl("http://localhost:8080/v1")   // llama-server; no API key needed
 *         .modelName("qwen2.5-7b-instruct")
 *         .build();
 * }</pre>
 *
 * <p>The base URL includes the API version path ({@code https://api.openai.com/v1}, the default). Token
 * counts come from the response's {@code usage}; a server that sends none is counted as zero. A refusal
 * ({@code message.refusal}) is reported as {@link FinishReason#CONTENT_FILTER}. See {@link HttpChatModel}
 * for retries, timeouts, concurrency and structured-output negotiation.
 */
public final class OpenAiChatModel extends HttpChatModel {

    private OpenAiChatModel(Builder b) {
        super(b, "chat/completions");
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected JsonObject requestBody(ChatRequest r) {
        JsonObject body = new JsonObject();
        body.addProperty("model", modelName());
        body.add("messages", messagesJson(r));
        addSampling(body, r, "max_tokens");
        if (r.n() != 1) {
            body.addProperty("n", r.n());
        }
        ResponseFormat f = r.responseFormat();
        if (f.type() == ResponseFormat.Type.JSON_OBJECT) {
            JsonObject rf = new JsonObject();
            rf.addProperty("type", "json_object");
            body.add("response_format", rf);
        } else if (f.type() == ResponseFormat.Type.JSON_SCHEMA) {
            JsonObject js = new JsonObject();
            js.addProperty("name", f.name());
            js.add("schema", JsonParser.parseString(f.schema()));
            js.addProperty("strict", true);
            JsonObject rf = new JsonObject();
            rf.addProperty("type", "json_schema");
            rf.add("json_schema", js);
            body.add("response_format", rf);
        }
        // TEXT: no response_format at all; some servers reject {"type":"text"}.
        body.addProperty("stream", false);
        return body;
    }

    @Override
    protected ChatResponse parseResponse(JsonObject body, int status) {
        JsonElement choicesEl = body.get("choices");
        if (choicesEl == null || !choicesEl.isJsonArray() || choicesEl.getAsJsonArray().isEmpty()) {
            String err = body.has("error") ? ": error " + body.get("error") : "";
            throw malformed("body has no choices" + err, status);
        }
        JsonArray choices = choicesEl.getAsJsonArray();
        List<String> texts = new ArrayList<>(choices.size());
        List<FinishReason> reasons = new ArrayList<>(choices.size());
        for (JsonElement ce : choices) {
            JsonObject choice = ce.getAsJsonObject();
            JsonElement msgEl = choice.get("message");
            if (msgEl == null || !msgEl.isJsonObject()) {
                throw malformed("choice has no message", status);
            }
            JsonObject msg = msgEl.getAsJsonObject();
            String content = optString(msg, "content");
            String refusal = optString(msg, "refusal");
            FinishReason reason = FinishReason.parse(optString(choice, "finish_reason"));
            if (refusal != null && !refusal.isEmpty()) {
                reason = FinishReason.CONTENT_FILTER;
            }
            texts.add(content == null ? "" : content);
            reasons.add(reason);
        }
        JsonElement usageEl = body.get("usage");
        TokenUsage usage = TokenUsage.ZERO;
        if (usageEl != null && usageEl.isJsonObject()) {
            JsonObject u = usageEl.getAsJsonObject();
            usage = new TokenUsage(optLong(u, "prompt_tokens"), optLong(u, "completion_tokens"));
        }
        return new ChatResponse(texts, reasons, usage);
    }

    /** Builds an {@link OpenAiChatModel}; see {@link HttpChatModel.Builder} for the common settings. */
    public static final class Builder extends HttpChatModel.Builder<Builder, OpenAiChatModel> {
        private Builder() {
            super("https://api.openai.com/v1");
        }

        @Override
        public OpenAiChatModel build() {
            return new OpenAiChatModel(this);
        }
    }
}
