package io.github.goldkd.llm;

/** The server answered with success but the body is not what the protocol says (not JSON, fields missing). */
public class MalformedResponseException extends NonRetriableException {

    public MalformedResponseException(String message, int statusCode, Throwable cause) {
        super(message, statusCode, null, cause);
    }
}
