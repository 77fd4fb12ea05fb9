package io.github.goldkd.llm.langchain4j;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.llm.AuthenticationException;
import io.github.goldkd.llm.ChatMessage;
import io.github.goldkd.llm.ChatModel;
import io.github.goldkd.llm.ChatRequest;
import io.github.goldkd.llm.ChatResponse;
import io.github.goldkd.llm.FinishReason;
import io.github.goldkd.llm.HttpChatModel;
import io.github.goldkd.llm.InvalidRequestException;
import io.github.goldkd.llm.LlmException;
import io.github.goldkd.llm.LlmTimeoutException;
import io.github.goldkd.llm.MalformedResponseException;
import io.github.goldkd.llm.ResponseFormat;
import io.github.goldkd.llm.RetriableException;
import io.github.goldkd.llm.TokenUsage;
import io.github.goldkd.llm.internal.FormatInstruction;
import io.github.goldkd.llm.internal.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Any langchain4j 1.x {@link dev.langchain4j.model.chat.ChatModel} (OpenAI, Azure OpenAI, Anthropic, Gemini,
 * Bedrock, Mistral, Ollama, ...) as a GOLD {@link ChatModel}, so that {@link io.github.goldkd.llm.LlmGenerator}'s
 * request cache, budget, filters and resume work around it as around the native clients.
 *
 * <pre>{@code
 * dev.langchain4j.model.chat.ChatModel claude = AnthropicChatModel.builder()
 *         .apiKey(System.getenv("ANTHROPIC_API_KEY")).modelName("claude-3-5-haiku-latest").maxRetries(0).build();
 * ChatModel teacher = LangChain4jChatModel.builder().chatModel(claude)
 *         .redacting(System.getenv("ANTHROPIC_API_KEY")).build();
 * }</pre>
 *
 * <p><b>Mapping.</b> Messages and the sampling settings langchain4j has in common (temperature, top-p, the
 * token limit, stop sequences) are passed on; a seed is not (langchain4j has no provider-independent seed,
 * which the request cache does not need). langchain4j's finish reasons map to GOLD's ({@code LENGTH} to
 * {@link FinishReason#LENGTH}, which the generator rejects as a cut-off answer; {@code TOOL_EXECUTION} to
 * {@link FinishReason#TOOL_CALLS}; a missing one to {@link FinishReason#OTHER}), token counts to
 * {@link TokenUsage} (missing counts are zero), and a provider's {@link ContentFilteredException} to an answer
 * with {@link FinishReason#CONTENT_FILTER}, a rejected sample as with the native clients. A request for
 * {@code n > 1} completions is sent as n requests.
 *
 * <p><b>Failures and retries.</b> Failures become GOLD's typed exceptions by the HTTP status where the
 * provider reports one, exactly as the native clients classify it (408, 409, 429, 5xx retriable; 401/403
 * {@link AuthenticationException}; other 4xx {@link InvalidRequestException}), otherwise by langchain4j's
 * type (its retriable exceptions, I/O errors and timeouts retriable). Retriable failures are retried here,
 * {@code maxRetries} times with exponential backoff and jitter; build the langchain4j model with
 * {@code maxRetries(0)} so that this policy is the only one. langchain4j does not pass on a server's
 * {@code Retry-After} header, so a 429 waits the backoff. A failure that langchain4j cannot classify and
 * that is no I/O error (a provider unable to read an answer) is a {@link MalformedResponseException}: the
 * generator counts it as a rejected sample and asks again.
 *
 * <p><b>Structured output.</b> A JSON-schema {@link ResponseFormat} is sent as langchain4j's JSON schema when
 * the model declares {@link Capability#RESPONSE_FORMAT_JSON_SCHEMA} (for OpenAI:
 * {@code supportedCapabilities(RESPONSE_FORMAT_JSON_SCHEMA)} and {@code strictJsonSchema(true)}), otherwise as
 * JSON mode with the schema in the prompt. A provider that refuses the form
 * ({@link UnsupportedFeatureException}, or a 400 about the format) gets the next weaker one for the rest of
 * this adapter's life, down to plain text with the instruction in the prompt.
 *
 * <p><b>Secrets.</b> The adapter never sees the provider's credential; give it to {@link Builder#redacting} and
 * it is removed from every message the provider's errors carry. Those errors are not attached as causes, since
 * their text and stack traces could still hold it. {@link #describe()} shows the langchain4j model's class,
 * never its settings.
 */
public final class LangChain4jChatModel implements ChatModel {

    private static final Logger LOG = LoggerFactory.getLogger(LangChain4jChatModel.class);

    private final dev.langchain4j.model.chat.ChatModel delegate;
    private final String modelName;
    private final int maxConcurrency;
    private final Semaphore permits;
    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final List<String> secrets;
    private final AtomicReference<ResponseFormat.Type> formatCeiling;

    private LangChain4jChatModel(Builder b, String modelName, ResponseFormat.Type ceiling) {
        this.delegate = b.chatModel;
        this.modelName = modelName;
        this.maxConcurrency = b.maxConcurrency;
        this.permits = new Semaphore(b.maxConcurrency, true);
        this.maxRetries = b.maxRetries;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.secrets = List.copyOf(b.secrets);
        this.formatCeiling = new AtomicReference<>(ceiling);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String modelName() {
        return modelName;
    }

    @Override
    public int maxConcurrency() {
        return maxConcurrency;
    }

    /** The strongest response format this adapter currently asks for (lowered when the provider refused one). */
    public ResponseFormat.Type acceptedResponseFormat() {
        return formatCeiling.get();
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        if (request.n() == 1) {
            return chatNegotiated(request);
        }
        List<String> texts = new ArrayList<>();
        List<FinishReason> reasons = new ArrayList<>();
        TokenUsage usage = TokenUsage.ZERO;
        for (int i = 0; i < request.n(); i++) {
            ChatResponse r = chatNegotiated(request.toBuilder().n(1).build());
            texts.addAll(r.texts());
            reasons.addAll(r.finishReasons());
            usage = usage.plus(r.usage());
        }
        return new ChatResponse(texts, reasons, usage);
    }

    private ChatResponse chatNegotiated(ChatRequest request) {
        ResponseFormat asked = request.responseFormat();
        ResponseFormat.Type tried = formatCeiling.get();
        boolean refused = false;
        while (true) {
            ResponseFormat effective = asked.atMost(tried);
            ChatRequest toSend = effective.equals(asked) ? request
                    : FormatInstruction.addTo(request, asked).withResponseFormat(effective);
            dev.langchain4j.model.chat.request.ChatRequest l4j;
            try {
                l4j = toLangChain4j(toSend);
            } catch (UnsupportedSchemaException e) {
                // A schema langchain4j's element types cannot express: JSON mode, the schema in the prompt.
                LOG.debug("{}; asking for JSON mode instead", e.getMessage());
                tried = ResponseFormat.Type.JSON_OBJECT;
                continue;
            }
            try {
                ChatResponse response = chatWithRetries(l4j);
                if (refused) {
                    ResponseFormat.Type now = formatCeiling.accumulateAndGet(effective.type(),
                            (a, b) -> a.compareTo(b) <= 0 ? a : b);
                    LOG.info("{} refused a stronger response format; using {} from now on", modelName, now);
                }
                return response;
            } catch (FormatRefused e) {
                if (effective.type() == ResponseFormat.Type.TEXT) {
                    throw e.failure;
                }
                refused = true;
                tried = ResponseFormat.Type.values()[effective.type().ordinal() - 1];
                LOG.debug("{} refused response format {} ({}); trying {}", modelName, effective.type(),
                        e.failure.getMessage(), tried);
            }
        }
    }

    private ChatResponse chatWithRetries(dev.langchain4j.model.chat.request.ChatRequest l4j) {
        for (int attempt = 1; ; attempt++) {
            RetriableException failure;
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GoldException("interrupted while waiting to call " + modelName, e);
            }
            try {
                return fromLangChain4j(delegate.chat(l4j));
            } catch (ContentFilteredException e) {
                LOG.debug("{}: the provider's content filter refused the request: {}", modelName,
                        safe(e.getMessage()));
                return ChatResponse.of("", FinishReason.CONTENT_FILTER, TokenUsage.ZERO);
            } catch (RuntimeException e) {
                if (e instanceof GoldException) {
                    throw e;
                }
                LlmException mapped = toGold(e);
                if (!(mapped instanceof RetriableException r)) {
                    if (concernsFormat(e, mapped) && l4j.parameters().responseFormat() != null
                            && l4j.parameters().responseFormat().type() != ResponseFormatType.TEXT) {
                        throw new FormatRefused(mapped);
                    }
                    throw mapped;
                }
                failure = r;
            } finally {
                permits.release();
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new GoldException("interrupted while calling " + modelName, failure);
            }
            if (attempt > maxRetries) {
                String msg = failure.getMessage() + " (gave up after " + attempt + (attempt == 1 ? " attempt)" : " attempts)");
                throw failure instanceof LlmTimeoutException ? new LlmTimeoutException(msg, null)
                        : new RetriableException(msg, failure.statusCode(), failure.serverMessage(), null, null);
            }
            Duration wait = backoff(attempt);
            LOG.warn("{} (attempt {} of {}); retrying in {} ms", failure.getMessage(), attempt, maxRetries + 1,
                    wait.toMillis());
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GoldException("interrupted while waiting to retry " + modelName, e);
            }
        }
    }

    /** The provider refused the response format; the negotiation tries a weaker one. */
    private static final class FormatRefused extends RuntimeException {
        final LlmException failure;

        FormatRefused(LlmException failure) {
            super(null, null, false, false);
            this.failure = failure;
        }
    }

    private static boolean concernsFormat(RuntimeException original, LlmException mapped) {
        if (original instanceof UnsupportedFeatureException) {
            return true;
        }
        if (!(mapped instanceof InvalidRequestException) || (mapped.statusCode() != 400 && mapped.statusCode() != 422)) {
            return false;
        }
        String m = mapped.serverMessage() == null ? "" : mapped.serverMessage().toLowerCase(Locale.ROOT);
        return m.contains("format") || m.contains("schema") || m.contains("json");
    }

    private Duration backoff(int attempt) {
        long d = initialBackoff.toNanos();
        long cap = maxBackoff.toNanos();
        for (int i = 1; i < attempt && d < cap; i++) {
            d = d > cap / 2 ? cap : d * 2;
        }
        d = Math.min(d, cap);
        long half = d / 2; // equal jitter: half fixed, half random
        return Duration.ofNanos(half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0));
    }

    // ---------------------------------------------------------------- mapping

    private dev.langchain4j.model.chat.request.ChatRequest toLangChain4j(ChatRequest r) {
        List<dev.langchain4j.data.message.ChatMessage> messages = new ArrayList<>(r.messages().size());
        for (ChatMessage m : r.messages()) {
            messages.add(switch (m.role()) {
                case SYSTEM -> SystemMessage.from(m.content());
                case USER -> UserMessage.from(m.content());
                case ASSISTANT -> AiMessage.from(m.content());
            });
        }
        dev.langchain4j.model.chat.request.ChatRequest.Builder b =
                dev.langchain4j.model.chat.request.ChatRequest.builder().messages(messages);
        if (r.temperature() != null) {
            b.temperature(r.temperature());
        }
        if (r.topP() != null) {
            b.topP(r.topP());
        }
        if (r.maxTokens() != null) {
            b.maxOutputTokens(r.maxTokens());
        }
        if (!r.stop().isEmpty()) {
            b.stopSequences(r.stop());
        }
        ResponseFormat f = r.responseFormat();
        if (f.type() == ResponseFormat.Type.JSON_OBJECT) {
            b.responseFormat(dev.langchain4j.model.chat.request.ResponseFormat.JSON);
        } else if (f.type() == ResponseFormat.Type.JSON_SCHEMA) {
            JsonSchema schema = JsonSchema.builder().name(f.name())
                    .rootElement(element(JsonParser.parseString(f.schema()).getAsJsonObject(), "schema")).build();
            b.responseFormat(dev.langchain4j.model.chat.request.ResponseFormat.builder()
                    .type(ResponseFormatType.JSON).jsonSchema(schema).build());
        }
        return b.build();
    }

    /** A schema langchain4j's element types cannot express. */
    static final class UnsupportedSchemaException extends RuntimeException {
        UnsupportedSchemaException(String message) {
            super(message);
        }
    }

    /**
     * A JSON schema (objects, strings, string enums, integers, numbers, booleans, arrays) as langchain4j's
     * element tree, which every provider module translates into its own form.
     */
    static JsonSchemaElement element(JsonObject s, String where) {
        String description = s.has("description") ? s.get("description").getAsString() : null;
        if (s.has("enum")) {
            List<String> values = new ArrayList<>();
            for (JsonElement v : s.getAsJsonArray("enum")) {
                if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                    throw new UnsupportedSchemaException(where + ": enum of non-strings " + s.get("enum"));
                }
                values.add(v.getAsString());
            }
            return JsonEnumSchema.builder().enumValues(values).description(description).build();
        }
        JsonElement typeEl = s.get("type");
        if (typeEl == null || !typeEl.isJsonPrimitive()) {
            throw new UnsupportedSchemaException(where + ": no single type in " + s);
        }
        switch (typeEl.getAsString()) {
            case "object": {
                JsonObjectSchema.Builder o = JsonObjectSchema.builder().description(description);
                if (s.has("properties")) {
                    for (Map.Entry<String, JsonElement> p : s.getAsJsonObject("properties").entrySet()) {
                        if (!p.getValue().isJsonObject()) {
                            throw new UnsupportedSchemaException(where + "." + p.getKey() + ": not a schema");
                        }
                        o.addProperty(p.getKey(), element(p.getValue().getAsJsonObject(), where + "." + p.getKey()));
                    }
                }
                if (s.has("required")) {
                    List<String> required = new ArrayList<>();
                    s.getAsJsonArray("required").forEach(e -> required.add(e.getAsString()));
                    o.required(required);
                }
                if (s.has("additionalProperties") && s.get("additionalProperties").isJsonPrimitive()) {
                    o.additionalProperties(s.get("additionalProperties").getAsBoolean());
                }
                return o.build();
            }
            case "string":
                return JsonStringSchema.builder().description(description).build();
            case "integer":
                return JsonIntegerSchema.builder().description(description).build();
            case "number":
                return JsonNumberSchema.builder().description(description).build();
            case "boolean":
                return JsonBooleanSchema.builder().description(description).build();
            case "array": {
                if (!s.has("items") || !s.get("items").isJsonObject()) {
                    throw new UnsupportedSchemaException(where + ": array without an items schema");
                }
                return JsonArraySchema.builder().description(description)
                        .items(element(s.getAsJsonObject("items"), where + "[]")).build();
            }
            default:
                throw new UnsupportedSchemaException(where + ": type " + typeEl.getAsString());
        }
    }

    private static ChatResponse fromLangChain4j(dev.langchain4j.model.chat.response.ChatResponse r) {
        if (r == null || r.aiMessage() == null) {
            throw new MalformedResponseException("the langchain4j model returned no message", 0, null);
        }
        String text = r.aiMessage().text();
        dev.langchain4j.model.output.TokenUsage u = r.tokenUsage();
        TokenUsage usage = u == null ? TokenUsage.ZERO
                : new TokenUsage(nonNegative(u.inputTokenCount()), nonNegative(u.outputTokenCount()));
        return ChatResponse.of(text == null ? "" : text, finishReason(r.finishReason()), usage);
    }

    private static long nonNegative(Integer n) {
        return n == null ? 0 : Math.max(0, n);
    }

    /** langchain4j's finish reason as GOLD's. */
    static FinishReason finishReason(dev.langchain4j.model.output.FinishReason r) {
        if (r == null) {
            return FinishReason.OTHER;
        }
        return switch (r) {
            case STOP -> FinishReason.STOP;
            case LENGTH -> FinishReason.LENGTH;
            case CONTENT_FILTER -> FinishReason.CONTENT_FILTER;
            case TOOL_EXECUTION -> FinishReason.TOOL_CALLS;
            default -> FinishReason.OTHER;
        };
    }

    /**
     * A provider's failure as GOLD's typed exception: by the HTTP status where there is one (as the native
     * clients classify it), otherwise by langchain4j's type. The text is redacted and shortened and the
     * original is not attached (it may hold the credential).
     */
    LlmException toGold(RuntimeException e) {
        int status = 0;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpException h) {
                status = h.statusCode();
                break;
            }
        }
        String serverMessage = safe(Secrets.truncate(errorText(innermostMessage(e)), 500));
        String what = modelName + ": " + e.getClass().getSimpleName() + (status > 0 ? " (HTTP " + status + ")" : "")
                + (serverMessage == null || serverMessage.isBlank() ? "" : ": " + serverMessage);
        boolean timeout = e instanceof dev.langchain4j.exception.TimeoutException || causedBy(e, HttpTimeoutException.class)
                || causedBy(e, InterruptedIOException.class);
        if (status > 0) {
            if (HttpChatModel.isRetriableStatus(status)) {
                return status == 408 ? new LlmTimeoutException(what, null)
                        : new RetriableException(what, status, serverMessage, null, null);
            }
            if (status == 401 || status == 403) {
                return new AuthenticationException(what, status, serverMessage);
            }
            return new InvalidRequestException(what, status, serverMessage);
        }
        if (timeout) {
            return new LlmTimeoutException(what, null);
        }
        if (e instanceof dev.langchain4j.exception.RetriableException || causedBy(e, IOException.class)) {
            return new RetriableException(what, e instanceof RateLimitException ? 429 : 0, serverMessage, null, null);
        }
        if (e instanceof dev.langchain4j.exception.AuthenticationException) {
            return new AuthenticationException(what, 401, serverMessage);
        }
        if (e instanceof ModelNotFoundException) {
            return new InvalidRequestException(what, 404, serverMessage);
        }
        if (e instanceof dev.langchain4j.exception.InvalidRequestException || e instanceof UnsupportedFeatureException
                || e instanceof IllegalArgumentException) {
            return new InvalidRequestException(what, 0, serverMessage);
        }
        return new MalformedResponseException(what, 0, null);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The message of the deepest cause that has one (langchain4j wraps the server's body in its exceptions). */
    private static String innermostMessage(Throwable e) {
        String m = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                m = t.getMessage();
            }
            if (t instanceof HttpException) {
                return t.getMessage();
            }
        }
        return m;
    }

    /** An OpenAI-style error body's {@code error.message} (or {@code error}, {@code message}); other text as it is. */
    private static String errorText(String body) {
        if (body == null || !body.strip().startsWith("{")) {
            return body;
        }
        try {
            JsonObject o = JsonParser.parseString(body).getAsJsonObject();
            JsonElement err = o.get("error");
            if (err != null && err.isJsonObject() && err.getAsJsonObject().has("message")) {
                return err.getAsJsonObject().get("message").getAsString();
            }
            if (err != null && err.isJsonPrimitive()) {
                return err.getAsString();
            }
            if (o.has("message") && o.get("message").isJsonPrimitive()) {
                return o.get("message").getAsString();
            }
        } catch (RuntimeException notJson) {
            // not the JSON it looked like: keep the text
        }
        return body;
    }

    private String safe(String text) {
        String out = text;
        for (String s : secrets) {
            out = Secrets.redact(out, s);
        }
        return out;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("class", getClass().getName());
        d.put("model", modelName);
        d.put("langchain4jModel", delegate.getClass().getName());
        d.put("maxConcurrency", maxConcurrency);
        d.put("maxRetries", maxRetries);
        d.put("responseFormat", formatCeiling.get().name());
        return d;
    }

    @Override
    public String toString() {
        return "LangChain4jChatModel[model=" + modelName + ", langchain4jModel=" + delegate.getClass().getSimpleName()
                + ", maxConcurrency=" + maxConcurrency + "]";
    }

    /** Builds a {@link LangChain4jChatModel}; only the langchain4j model is required. */
    public static final class Builder {
        private dev.langchain4j.model.chat.ChatModel chatModel;
        private String modelName;
        private int maxConcurrency = 4;
        private int maxRetries = 4;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private ResponseFormat.Type maxResponseFormat;
        private final List<String> secrets = new ArrayList<>();

        private Builder() {
        }

        /** The langchain4j model (required); build it with {@code maxRetries(0)}, retries happen here. */
        public Builder chatModel(dev.langchain4j.model.chat.ChatModel model) {
            this.chatModel = model;
            return this;
        }

        /**
         * The model's name for the request-cache key and the price table; default the langchain4j model's
         * default request parameters' model name.
         */
        public Builder modelName(String name) {
            this.modelName = name;
            return this;
        }

        /** Requests in flight at once, in [1, 1024]; default 4. */
        public Builder maxConcurrency(int n) {
            this.maxConcurrency = n;
            return this;
        }

        /** Retries after the first attempt, in [0, 100]; default 4. */
        public Builder maxRetries(int n) {
            this.maxRetries = n;
            return this;
        }

        /** The first backoff; default 1 s, doubled per retry up to {@link #maxBackoff}. */
        public Builder initialBackoff(Duration d) {
            this.initialBackoff = d;
            return this;
        }

        /** The longest backoff; default 30 s. */
        public Builder maxBackoff(Duration d) {
            this.maxBackoff = d;
            return this;
        }

        /**
         * The strongest structured-output form to ask for; default {@code JSON_SCHEMA} when the langchain4j
         * model declares {@link Capability#RESPONSE_FORMAT_JSON_SCHEMA}, otherwise {@code JSON_OBJECT}.
         */
        public Builder maxResponseFormat(ResponseFormat.Type type) {
            this.maxResponseFormat = type;
            return this;
        }

        /** Credentials to remove from every error text (the provider's API key); none is kept elsewhere. */
        public Builder redacting(String... secrets) {
            for (String s : secrets) {
                if (s != null && !s.isBlank()) {
                    this.secrets.add(s.trim());
                }
            }
            return this;
        }

        public LangChain4jChatModel build() {
            if (chatModel == null) {
                throw new IllegalArgumentException("chatModel must be set (a langchain4j ChatModel)");
            }
            String name = modelName;
            if (name == null && chatModel.defaultRequestParameters() != null) {
                name = chatModel.defaultRequestParameters().modelName();
            }
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("modelName must be set: the langchain4j model names none");
            }
            if (maxConcurrency < 1 || maxConcurrency > 1024) {
                throw new IllegalArgumentException("maxConcurrency must be in [1, 1024], was " + maxConcurrency);
            }
            if (maxRetries < 0 || maxRetries > 100) {
                throw new IllegalArgumentException("maxRetries must be in [0, 100], was " + maxRetries);
            }
            if (initialBackoff == null || initialBackoff.isNegative()) {
                throw new IllegalArgumentException("initialBackoff must be >= 0, was " + initialBackoff);
            }
            if (maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff must be >= initialBackoff (" + initialBackoff
                        + "), was " + maxBackoff);
            }
            ResponseFormat.Type ceiling = maxResponseFormat;
            if (ceiling == null) {
                ceiling = chatModel.supportedCapabilities().contains(Capability.RESPONSE_FORMAT_JSON_SCHEMA)
                        ? ResponseFormat.Type.JSON_SCHEMA : ResponseFormat.Type.JSON_OBJECT;
            }
            return new LangChain4jChatModel(this, name.trim(), ceiling);
        }
    }
}
