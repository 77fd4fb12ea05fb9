package io.github.goldkd.core;

/** A run directory that cannot be read or written, with the file (and line) at fault in the message. */
public class RunStoreException extends GoldException {

    public RunStoreException(String message) {
        super(message);
    }

    public RunStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
