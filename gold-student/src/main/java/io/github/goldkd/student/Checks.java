package io.github.goldkd.student;

import io.github.goldkd.core.Check;

/**
 * The students' configuration checks, named for what they allow; each is gold-core's {@link Check}, so a
 * student refuses a bad setting with the same exception and message shape as every other builder.
 */
final class Checks {

    private Checks() {
    }

    static void atLeast(String name, int value, int min) {
        Check.atLeast(name, value, min);
    }

    static void notNull(String name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must be set, was null");
        }
    }

    static void positive(String name, double value) {
        Check.positive(name, value);
    }

    static void nonNegative(String name, double value) {
        Check.nonNegative(name, value);
    }

    /** A share of the data held out, at most half of it. */
    static void fraction(String name, double value) {
        Check.inRange(name, value, 0.0, 0.5);
    }

    static void dropout(String name, double value) {
        Check.inRangeBelowMax(name, value, 0.0, 1.0);
    }
}
