package io.github.goldkd.llm;

/**
 * A failure that repeating the same request will not fix: a rejected request (400, 404, other 4xx), a
 * refused credential (401, 403), or an answer the client cannot read.
 */
public class NonRetriableException extends LlmException {

    public NonRetriableException(String message, int statusCode, String serverMessage, Throwable cause) {
        super(message, statusCode, serverMessage, cause);
    }

    @Override
    public final boolean isRetriable() {
        return false;
    }
}
