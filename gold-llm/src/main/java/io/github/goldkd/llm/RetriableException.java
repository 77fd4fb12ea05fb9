package io.github.goldkd.llm;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure that may go away when the same request is repeated: an I/O error, a timeout, or HTTP 408,
 * 409, 429 or 5xx. Clients with a retry policy throw it only once their retries are spent.
 */
public class RetriableException extends LlmException {

    private final Duration retryAfter;

    public RetriableException(String message, int statusCode, String serverMessage, Duration retryAfter,
                              Throwable cause) {
        super(message, statusCode, serverMessage, cause);
        this.retryAfter = retryAfter;
    }

    public RetriableException(String message, Throwable cause) {
        this(message, 0, null, null, cause);
    }

    /** How long the server asked the client to wait ({@code Retry-After}), if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public final boolean isRetriable() {
        return true;
    }
}
