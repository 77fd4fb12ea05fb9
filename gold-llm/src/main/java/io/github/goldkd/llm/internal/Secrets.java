package io.github.goldkd.llm.internal;

/** Keeps credentials out of text that may end up in logs, exceptions or files. */
public final class Secrets {

    /** What replaces a secret. */
    public static final String MASK = "***";

    private Secrets() {
    }

    /**
     * {@code text} with every occurrence of {@code secret} replaced by {@link #MASK}; servers sometimes echo
     * the credential they rejected. Null text stays null; a null or empty secret changes nothing.
     */
    public static String redact(String text, String secret) {
        if (text == null || secret == null || secret.isEmpty()) {
            return text;
        }
        return text.replace(secret, MASK);
    }

    /** At most {@code max} characters of {@code text}, with an ellipsis when cut. */
    public static String truncate(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        return text.substring(0, max) + "...";
    }
}
