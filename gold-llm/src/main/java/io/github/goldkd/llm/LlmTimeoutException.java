package io.github.goldkd.llm;

/** A connect, read or whole-call timeout. Retriable: a slow server may answer the next time. */
public class LlmTimeoutException extends RetriableException {

    public LlmTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
