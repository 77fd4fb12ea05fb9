package io.github.goldkd.core;

/** Root of the library's unchecked exceptions. */
public class GoldException extends RuntimeException {

    public GoldException(String message) {
        super(message);
    }

    public GoldException(String message, Throwable cause) {
        super(message, cause);
    }
}
