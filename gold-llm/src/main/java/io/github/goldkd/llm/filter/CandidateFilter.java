package io.github.goldkd.llm.filter;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a parsed candidate becomes a sample, and remembers the accepted ones so that later
 * candidates can be compared with them. Checks, in order, each with its reject reason:
 * <ol>
 *   <li>{@value #EMPTY_FIELD}: an input field is shorter than {@code minChars} after trimming;</li>
 *   <li>{@value #TOO_LONG}: an input field is longer than {@code maxChars};</li>
 *   <li>{@value #LABEL_MISMATCH}: the model stated a label and it is not the requested one (labels are
 *       requested, as in the method, so a model that says otherwise has written the wrong sample);</li>
 *   <li>{@value #DUPLICATE}: the normalised text (Unicode NFKC, lower case, punctuation and runs of
 *       white space folded to one space) equals an accepted one;</li>
 *   <li>{@value #NEAR_DUPLICATE}: the Jaccard overlap of word n-grams with an accepted text is at least
 *       {@code nearDuplicateThreshold}.</li>
 * </ol>
 * Thread-safe. Seed the memory with {@link #remember} (demonstrations, data of earlier rounds).
 */
public final class CandidateFilter {

    public static final String EMPTY_FIELD = "empty-field";
    public static final String TOO_LONG = "too-long";
    public static final String LABEL_MISMATCH = "label-mismatch";
    public static final String DUPLICATE = "duplicate";
    public static final String NEAR_DUPLICATE = "near-duplicate";

    private final int minChars;
    private final int maxChars;
    private final double nearDuplicateThreshold;
    private final int ngram;
    private final boolean checkLabel;

    private final Set<String> seen = new HashSet<>();
    private final List<Set<String>> shingles = new ArrayList<>();

    /**
     * @param minChars               minimum characters per input field after trimming, >= 1
     * @param maxChars               maximum characters per input field, >= minChars
     * @param nearDuplicateThreshold n-gram Jaccard at or above which a candidate is a near duplicate, in
     *                               (0, 1]; 1 disables the near-duplicate check (exact duplicates are still caught)
     * @param ngram                  word n-gram size, >= 1
     * @param checkLabel             whether a stated label must equal the requested one
     */
    public CandidateFilter(int minChars, int maxChars, double nearDuplicateThreshold, int ngram, boolean checkLabel) {
        if (minChars < 1) {
            throw new IllegalArgumentException("minChars must be >= 1, was " + minChars);
        }
        if (maxChars < minChars) {
            throw new IllegalArgumentException("maxChars must be >= minChars (" + minChars + "), was " + maxChars);
        }
        if (!(nearDuplicateThreshold > 0.0 && nearDuplicateThreshold <= 1.0)) {
            throw new IllegalArgumentException("nearDuplicateThreshold must be in (0, 1], was " + nearDuplicateThreshold);
        }
        if (ngram < 1) {
            throw new IllegalArgumentException("ngram must be >= 1, was " + ngram);
        }
        this.minChars = minChars;
        this.maxChars = maxChars;
        this.nearDuplicateThreshold = nearDuplicateThreshold;
        this.ngram = ngram;
        this.checkLabel = checkLabel;
    }

    /** Defaults: 3 to 2,000 characters per field, 3-gram Jaccard 0.7, label check on. */
    public static CandidateFilter defaults() {
        return new CandidateFilter(3, 2000, 0.7, 3, true);
    }

    /**
     * Checks a candidate and, when it passes, remembers it.
     *
     * @return null when accepted, otherwise the reject reason
     */
    public synchronized String admit(Map<String, String> inputs, String statedLabel, String requestedLabel) {
        for (String v : inputs.values()) {
            if (v.strip().length() < minChars) {
                return EMPTY_FIELD;
            }
            if (v.length() > maxChars) {
                return TOO_LONG;
            }
        }
        if (checkLabel && statedLabel != null && requestedLabel != null
                && !statedLabel.strip().equalsIgnoreCase(requestedLabel.strip())) {
            return LABEL_MISMATCH;
        }
        return admitNovel(inputs);
    }

    /**
     * Checks only that a candidate is new (neither a duplicate nor a near-duplicate of what was remembered)
     * and, when it is, remembers it: for candidates whose lengths another filter has judged (a sequence
     * task's {@link SequenceFilter}).
     *
     * @return null when accepted, otherwise the reject reason
     */
    public synchronized String admitNovel(Map<String, String> inputs) {
        String norm = normalise(inputs);
        if (seen.contains(norm)) {
            return DUPLICATE;
        }
        Set<String> sh = shingles(norm);
        if (nearDuplicateThreshold < 1.0) {
            for (Set<String> other : shingles) {
                if (jaccard(sh, other) >= nearDuplicateThreshold) {
                    return NEAR_DUPLICATE;
                }
            }
        }
        seen.add(norm);
        shingles.add(sh);
        return null;
    }

    /** Adds texts to the memory without checking them (demonstrations, samples of earlier rounds). */
    public synchronized void remember(Map<String, String> inputs) {
        String norm = normalise(inputs);
        if (seen.add(norm)) {
            shingles.add(shingles(norm));
        }
    }

    /** How many texts are remembered. */
    public synchronized int size() {
        return seen.size();
    }

    /** Lower case, NFKC, every run of non-letters-or-digits folded to one space; fields joined by " | ". */
    static String normalise(Map<String, String> inputs) {
        StringBuilder all = new StringBuilder();
        for (String v : inputs.values()) {
            if (all.length() > 0) {
                all.append(" | ");
            }
            String s = Normalizer.normalize(v, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
            all.append(s.replaceAll("[^\\p{L}\\p{N}]+", " ").strip());
        }
        return all.toString();
    }

    private Set<String> shingles(String norm) {
        String[] words = norm.split("[ |]+");
        Set<String> out = new HashSet<>();
        int n = Math.min(ngram, Math.max(1, words.length));
        for (int i = 0; i + n <= words.length; i++) {
            out.add(String.join(" ", java.util.Arrays.asList(words).subList(i, i + n)));
        }
        return out;
    }

    static double jaccard(Set<String> a, Set<String> b) {
        if (a.isEmpty() && b.isEmpty()) {
            return 1.0;
        }
        Set<String> small = a.size() <= b.size() ? a : b;
        Set<String> large = small == a ? b : a;
        int inter = 0;
        for (String s : small) {
            if (large.contains(s)) {
                inter++;
            }
        }
        return inter / (double) (a.size() + b.size() - inter);
    }
}
