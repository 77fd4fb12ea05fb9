package io.github.goldkd.llm.llamacpp;

import io.github.goldkd.llm.NonRetriableException;

/**
 * llama.cpp failed inside the JVM (applying the chat template, starting or streaming a generation) for a
 * reason that is not the request's fault. Not retriable: the loaded model is in the state that failed, so
 * repeating the request does not help. There is no HTTP status ({@link #statusCode()} is 0); the cause is
 * llama.cpp's own exception.
 */
public class LlamaCppNativeException extends NonRetriableException {

    public LlamaCppNativeException(String message, String llamaCppMessage, Throwable cause) {
        super(message, 0, llamaCppMessage, cause);
    }
}
