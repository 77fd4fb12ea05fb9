package io.github.goldkd.llm;

/**
 * The server rejected the request itself (HTTP 400, 404, 422 and the other 4xx that are not retried): an
 * unknown model, a parameter it does not accept, a prompt over the context length.
 */
public class InvalidRequestException extends NonRetriableException {

    public InvalidRequestException(String message, int statusCode, String serverMessage) {
        super(message, statusCode, serverMessage, null);
    }

    /** For a rejection that another failure stands behind (an in-process backend's own exception). */
    protected InvalidRequestException(String message, int statusCode, String serverMessage, Throwable cause) {
        super(message, statusCode, serverMessage, cause);
    }
}
