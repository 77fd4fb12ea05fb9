package io.github.goldkd.student;

import java.text.Normalizer;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lexical-overlap features every NLI baseline uses, for a sentence pair (first, second) — premise and
 * hypothesis, question and sentence. All values are in [0, 1]:
 * <ol start="0">
 *   <li>share of the second field's words found in the first;</li>
 *   <li>share of the first field's words found in the second;</li>
 *   <li>the same two shares over content words (stop words left out);</li>
 *   <li>share of the second field's numbers found in the first (0 when it has none);</li>
 *   <li>1 when the second field has a number the first lacks;</li>
 *   <li>share of the second field's capitalised words (names) found in the first (0 when it has none);</li>
 *   <li>1 when the second field has a capitalised word the first lacks.</li>
 * </ol>
 * Words are compared lower-cased after NFKC normalisation; a capitalised word is one starting with an
 * upper-case letter that is not the field's first word (whose capital only marks the sentence start).
 * Computed from the raw text, so the features need no vocabulary: they carry over to unseen words.
 *
 * <p>Stateless and thread-safe.
 */
public final class LexicalOverlap {

    /** Number of features {@link #features} returns. */
    public static final int COUNT = 8;

    /** The features' names, in order (for reports). */
    public static final List<String> NAMES = List.of("words 2 in 1", "words 1 in 2", "content 2 in 1",
            "content 1 in 2", "numbers matched", "number unmatched", "names matched", "name unmatched");

    private static final Pattern WORD = Pattern.compile(
            "[\\p{L}\\p{M}\\p{N}]+(?:['\u2019][\\p{L}\\p{M}\\p{N}]+|[.,]\\p{N}+)*");
    private static final Pattern NUMBER = Pattern.compile("\\p{N}+(?:[.,]\\p{N}+)*");
    /** Function words that carry no content; a short list, as the classic overlap baselines use. */
    private static final Set<String> STOP_WORDS = Set.of("a", "an", "the", "of", "in", "on", "at", "to", "for",
            "by", "with", "from", "and", "or", "but", "as", "is", "are", "was", "were", "be", "been", "being", "it",
            "its", "this", "that", "these", "those", "which", "who", "whom", "whose", "what", "when", "where", "why",
            "how", "do", "does", "did", "has", "have", "had", "not", "no", "there", "their", "they", "he", "she",
            "his", "her", "i", "you", "we", "s", "than", "then", "into", "about", "also", "can", "could", "would",
            "will", "may", "one");

    private LexicalOverlap() {
    }

    /** The {@link #COUNT} features of the pair (first, second); null texts read as empty. */
    public static float[] features(String first, String second) {
        Words a = Words.of(first == null ? "" : first);
        Words b = Words.of(second == null ? "" : second);
        float[] f = new float[COUNT];
        f[0] = share(b.all, a.all);
        f[1] = share(a.all, b.all);
        f[2] = share(b.content, a.content);
        f[3] = share(a.content, b.content);
        f[4] = share(b.numbers, a.numbers);
        f[5] = b.numbers.isEmpty() || a.numbers.containsAll(b.numbers) ? 0f : 1f;
        f[6] = share(b.names, a.all);
        f[7] = b.names.isEmpty() || a.all.containsAll(b.names) ? 0f : 1f;
        return f;
    }

    /** Share of {@code of}'s elements found in {@code in}; 0 when {@code of} is empty. */
    private static float share(Set<String> of, Set<String> in) {
        if (of.isEmpty()) {
            return 0f;
        }
        int found = 0;
        for (String w : of) {
            if (in.contains(w)) {
                found++;
            }
        }
        return found / (float) of.size();
    }

    /** The word sets of one text. */
    private record Words(Set<String> all, Set<String> content, Set<String> numbers, Set<String> names) {

        static Words of(String text) {
            String t = Normalizer.normalize(Objects.requireNonNull(text), Normalizer.Form.NFKC);
            Set<String> all = new HashSet<>();
            Set<String> content = new HashSet<>();
            Set<String> numbers = new HashSet<>();
            Set<String> names = new HashSet<>();
            Matcher m = WORD.matcher(t);
            boolean first = true;
            while (m.find()) {
                String w = m.group();
                String lower = w.toLowerCase(Locale.ROOT);
                all.add(lower);
                if (!STOP_WORDS.contains(lower)) {
                    content.add(lower);
                }
                if (NUMBER.matcher(w).matches()) {
                    numbers.add(w.replace(",", ""));
                } else if (!first && Character.isUpperCase(w.codePointAt(0))) {
                    names.add(lower);
                }
                first = false;
            }
            return new Words(all, content, numbers, names);
        }
    }
}
