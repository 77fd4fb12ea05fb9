package io.github.goldkd.student;

import io.github.goldkd.core.GoldException;

/** A student could not be built, trained, saved or loaded. */
public class StudentException extends GoldException {

    public StudentException(String message) {
        super(message);
    }

    public StudentException(String message, Throwable cause) {
        super(message, cause);
    }
}
