package io.github.goldkd.llm.llamacpp;

import io.github.goldkd.llm.InvalidRequestException;

/**
 * The in-process llama.cpp model cannot serve this request as asked: the prompt leaves no room in the
 * context, the response format's schema cannot be turned into a grammar, or llama.cpp rejected the request
 * or its grammar. Not retriable: the same request fails the same way. There is no HTTP status
 * ({@link #statusCode()} is 0); the cause, when there is one, is llama.cpp's own exception.
 */
public class LlamaCppInvalidRequestException extends InvalidRequestException {

    public LlamaCppInvalidRequestException(String message, String llamaCppMessage, Throwable cause) {
        super(message, 0, llamaCppMessage, cause);
    }
}
