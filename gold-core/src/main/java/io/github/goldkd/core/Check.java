package io.github.goldkd.core;

/**
 * The one way the library rejects a bad setting: an {@link IllegalArgumentException} whose message names the
 * setting, what is allowed and the value given, e.g. {@code batchSize must be in [1, 10000], was 0}.
 *
 * <p>Builders and other entry points check their arguments with these methods. Failures found while
 * working (a data file's bad record, an unreadable file, a server's error) are {@link GoldException}s
 * instead, so that a caller such as the command line can tell a refused setting (fix the call) from a
 * failure (fix the data or the environment) by the exception's type alone.
 *
 * <p>Each method returns the value it accepted, so a check can stand where the value is assigned.
 */
public final class Check {

    private Check() {
    }

    /** {@code value}, which must not be null: "SETTING is required, was null". */
    public static <T> T notNull(String setting, T value) {
        if (value == null) {
            throw new IllegalArgumentException(setting + " is required, was null");
        }
        return value;
    }

    /** {@code value} in the closed range [min, max]. */
    public static int inRange(String setting, int value, int min, int max) {
        if (value < min || value > max) {
            throw outside(setting, "[" + min + ", " + max + "]", Integer.toString(value));
        }
        return value;
    }

    /** {@code value} in the closed range [min, max]. */
    public static long inRange(String setting, long value, long min, long max) {
        if (value < min || value > max) {
            throw outside(setting, "[" + min + ", " + max + "]", Long.toString(value));
        }
        return value;
    }

    /** {@code value} in the closed range [min, max]; NaN is outside every range. */
    public static double inRange(String setting, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw outside(setting, "[" + bound(min) + ", " + bound(max) + "]", Double.toString(value));
        }
        return value;
    }

    /** {@code value} in the half-open range [min, max), e.g. a quantile that must leave room above it. */
    public static double inRangeBelowMax(String setting, double value, double min, double max) {
        if (!(value >= min && value < max)) {
            throw outside(setting, "[" + bound(min) + ", " + bound(max) + ")", Double.toString(value));
        }
        return value;
    }

    /** {@code value} in the half-open range (min, max], e.g. an upper quantile above a lower one. */
    public static double inRangeAboveMin(String setting, double value, double min, double max) {
        if (!(value > min && value <= max)) {
            throw outside(setting, "(" + bound(min) + ", " + bound(max) + "]", Double.toString(value));
        }
        return value;
    }

    /** {@code value} of at least {@code min}, with no upper limit. */
    public static int atLeast(String setting, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(setting + " must be >= " + min + ", was " + value);
        }
        return value;
    }

    /** A finite {@code value} above 0, e.g. a temperature or a learning rate. */
    public static double positive(String setting, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(setting + " must be a finite number > 0, was " + value);
        }
        return value;
    }

    /** A finite {@code value} of at least 0, e.g. a weight decay. */
    public static double nonNegative(String setting, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(setting + " must be a finite number >= 0, was " + value);
        }
        return value;
    }

    /** A name (of a column, a field, a label) that is neither null nor blank. */
    public static String nonBlankName(String setting, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(setting + " must be a non-blank name, was "
                    + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }

    /**
     * A rule between settings, or one no other method expresses: {@code message} is the whole message and
     * should name the settings, their values and what is allowed.
     */
    public static void that(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    private static IllegalArgumentException outside(String setting, String range, String value) {
        return new IllegalArgumentException(setting + " must be in " + range + ", was " + value);
    }

    /** A range's bound as a person writes it: 1 rather than 1.0, 0.5 as it is. */
    private static String bound(double b) {
        return b == Math.rint(b) && Math.abs(b) < 1e15 ? Long.toString((long) b) : Double.toString(b);
    }
}
