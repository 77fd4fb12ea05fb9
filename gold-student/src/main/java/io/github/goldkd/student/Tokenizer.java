package io.github.goldkd.student;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into tokens, Unicode-aware: a token is a run of letters, combining marks and digits of any
 * script (with inner apostrophes kept, so {@code don't} stays one token), or a single other
 * non-space character such as {@code !} or an emoji. Text is NFKC-normalised first, so full-width and
 * compatibility forms read like their plain equivalents; lower-casing (locale-independent) is optional.
 *
 * <p>Immutable and thread-safe.
 */
public final class Tokenizer {

    private static final Pattern TOKEN = Pattern.compile(
            "[\\p{L}\\p{M}\\p{N}]+(?:['\u2019][\\p{L}\\p{M}\\p{N}]+)*|[^\\s\\p{L}\\p{M}\\p{N}]");

    private final boolean lowercase;

    /** @param lowercase whether tokens are lower-cased ({@link Locale#ROOT}) */
    public Tokenizer(boolean lowercase) {
        this.lowercase = lowercase;
    }

    public boolean lowercase() {
        return lowercase;
    }

    /** The tokens of {@code text}, in order; empty for a blank text. */
    public List<String> tokenize(String text) {
        String t = Normalizer.normalize(text, Normalizer.Form.NFKC);
        if (lowercase) {
            t = t.toLowerCase(Locale.ROOT);
        }
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(t);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
