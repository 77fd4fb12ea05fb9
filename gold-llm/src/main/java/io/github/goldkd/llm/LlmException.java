package io.github.goldkd.llm;

import io.github.goldkd.core.GoldException;

/**
 * A chat-model call failed. Subclasses say whether repeating the request may help:
 * {@link RetriableException} or {@link NonRetriableException}.
 *
 * <p>Messages carry the HTTP status and the server's own error message where there is one, and never a
 * credential: clients remove their API key from anything a server echoes back.
 */
public abstract class LlmException extends GoldException {

    private final int statusCode;
    private final String serverMessage;

    protected LlmException(String message, int statusCode, String serverMessage, Throwable cause) {
        super(message, cause);
        this.statusCode = statusCode;
        this.serverMessage = serverMessage;
    }

    /** The HTTP status of the failed response, or 0 when there was none (I/O error, timeout, in-process). */
    public int statusCode() {
        return statusCode;
    }

    /** The error message the server sent, or {@code null}. */
    public String serverMessage() {
        return serverMessage;
    }

    /** True when repeating the same request later may succeed. */
    public abstract boolean isRetriable();
}
