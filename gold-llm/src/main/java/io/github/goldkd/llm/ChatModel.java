package io.github.goldkd.llm;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A chat model: turns a list of messages into one or more completions.
 *
 * <p>Implementations are thread-safe; {@link #chat} blocks until the answer is complete (no streaming) and
 * may be called from several threads at once, up to {@link #maxConcurrency()} of which are worth running
 * in parallel. Failures are {@link LlmException}s: a {@link RetriableException} for failures that may go
 * away when the same request is repeated later (I/O errors, timeouts, 429, 5xx; implementations with a
 * retry policy throw it only after their retries are spent), a {@link NonRetriableException} for failures
 * that repeating will not fix (bad request, authentication, malformed answer).
 *
 * <p>A call whose thread is interrupted ends with a plain {@link io.github.goldkd.core.GoldException} and
 * the interrupt flag set.
 *
 * <p>A completion that ended for another reason than a natural stop is still returned; its
 * {@link FinishReason} says so, and callers decide (see {@link FinishReason#isFailure()}).
 */
public interface ChatModel extends AutoCloseable {

    /** Sends one request and returns {@code request.n()} completions. */
    ChatResponse chat(ChatRequest request);

    /** The model's name as the backend knows it; part of the request-cache key and of the price look-up. */
    String modelName();

    /**
     * How many requests this model can usefully serve at once; a caller sizes its thread pool with it.
     * HTTP clients return their concurrency limit; an in-process model typically 1.
     */
    default int maxConcurrency() {
        return 1;
    }

    /** Settings that describe this model, for provenance and logs. Never includes secrets. */
    default Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("class", getClass().getName());
        d.put("model", modelName());
        return d;
    }

    /** Releases resources; the default does nothing. Does not throw checked exceptions. */
    @Override
    default void close() {
    }
}
