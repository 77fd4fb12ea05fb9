package io.github.goldkd.core.metric;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Metric;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.TaskKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.BiPredicate;
import java.util.function.ToDoubleBiFunction;

/**
 * The shipped metrics and which of them each task kind reports. Every score is in [0, 1] (SQuAD's script
 * prints the same numbers times 100) and takes the best match over a sample's references.
 *
 * <ul>
 *   <li>{@code accuracy} — 1 when the prediction equals a reference exactly (classification labels);</li>
 *   <li>{@code exact_match}, {@code f1} — SQuAD v1.1's official evaluation: both strings go through
 *       {@link #normalizeAnswer}, then exact equality, or the F1 of the multiset overlap of their
 *       tokens;</li>
 *   <li>{@code strict_exact_match} — the paper's QA score: the raw prediction equals a reference, no
 *       normalisation at all;</li>
 *   <li>{@code execution_accuracy} — the prediction and the reference are evaluated by
 *       {@link ArithmeticExpression} (a reference may be a number or an expression) and agree within
 *       1e-4 relative, see {@link #sameValue};</li>
 *   <li>{@code rouge_l} — ROUGE-L F-measure (beta = 1) of the longest common token subsequence, tokenised
 *       as Google's {@code rouge-score} does without stemming (see {@link #rougeTokens}).</li>
 * </ul>
 */
public final class Metrics {

    /** Relative tolerance of {@code execution_accuracy}. */
    public static final double EXECUTION_TOLERANCE = 1e-4;

    private static final Metric ACCURACY = matching("accuracy", String::equals);
    private static final Metric EXACT_MATCH = matching("exact_match", Metrics::isExactMatch);
    private static final Metric F1 = new Named("f1", Metrics::f1Score);
    private static final Metric STRICT_EXACT_MATCH = matching("strict_exact_match", String::equals);
    private static final Metric EXECUTION_ACCURACY = matching("execution_accuracy", Metrics::isExecutionMatch);
    private static final Metric ROUGE_L = new Named("rouge_l", Metrics::rougeLScore);

    private static final List<Metric> ALL =
            List.of(ACCURACY, EXACT_MATCH, F1, STRICT_EXACT_MATCH, EXECUTION_ACCURACY, ROUGE_L);

    /** SQuAD removes Python's {@code string.punctuation}: every ASCII punctuation character. */
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private Metrics() {
    }

    public static Metric accuracy() {
        return ACCURACY;
    }

    public static Metric exactMatch() {
        return EXACT_MATCH;
    }

    public static Metric f1() {
        return F1;
    }

    public static Metric strictExactMatch() {
        return STRICT_EXACT_MATCH;
    }

    public static Metric executionAccuracy() {
        return EXECUTION_ACCURACY;
    }

    public static Metric rougeL() {
        return ROUGE_L;
    }

    /** The metric a task of this kind reports first (its {@code summary.json} {@code metric}). */
    public static Metric defaultFor(TaskKind kind) {
        return allFor(kind).get(0);
    }

    /** Every metric a task of this kind reports, its default first. */
    public static List<Metric> allFor(TaskKind kind) {
        if (kind == null) {
            throw new IllegalArgumentException("task kind must not be null");
        }
        return switch (kind) {
            case CLASSIFICATION -> List.of(ACCURACY);
            case EXTRACTIVE_QA -> List.of(EXACT_MATCH, F1, STRICT_EXACT_MATCH);
            case MATH_WORD_PROBLEM -> List.of(EXECUTION_ACCURACY);
            case TEXT_GENERATION -> List.of(ROUGE_L);
        };
    }

    /**
     * Every metric of {@code metrics} on the student's predictions for {@code data}, by name, in order; the
     * student predicts once. NaN values for an empty dataset.
     */
    public static Map<String, Double> scoreAll(Student student, Dataset data, List<Metric> metrics) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (data.isEmpty()) {
            metrics.forEach(m -> out.put(m.name(), Double.NaN));
            return out;
        }
        List<String> predictions = student.predict(data.samples());
        List<List<String>> references = new ArrayList<>(data.size());
        data.forEach(s -> references.add(s.references()));
        metrics.forEach(m -> out.put(m.name(), m.score(predictions, references)));
        return out;
    }

    /**
     * The shipped metric with this name.
     *
     * @throws IllegalArgumentException naming the allowed names when there is none
     */
    public static Metric byName(String name) {
        return find(name).orElseThrow(() -> unknown(name));
    }

    /** The shipped metric with this name, if there is one (a user's own metric has none). */
    public static Optional<Metric> find(String name) {
        for (Metric m : ALL) {
            if (m.name().equals(name)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    private static IllegalArgumentException unknown(String name) {
        List<String> names = new ArrayList<>();
        for (Metric m : ALL) {
            names.add(m.name());
        }
        return new IllegalArgumentException("metric must be one of " + String.join(", ", names) + ", was " + name);
    }

    /**
     * SQuAD v1.1's {@code normalize_answer}: lower-case, delete ASCII punctuation, replace the words
     * {@code a}, {@code an}, {@code the} by a space, then join the white-space separated tokens by single
     * spaces. "Words" and "white space" follow Python 3's definitions (a word character is a Unicode letter,
     * number or {@code _}; no-break space is white space), so the result matches the official script's.
     * (Checked on 5,000 random strings of articles, punctuation and non-ASCII characters: equal except where
     * Java and Python choose differently between the two lower-case forms of a capital sigma.)
     */
    public static String normalizeAnswer(String s) {
        if (s == null) {
            throw new IllegalArgumentException("answer to normalise must not be null");
        }
        String lower = s.toLowerCase(Locale.ROOT);
        StringBuilder noPunct = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (PUNCTUATION.indexOf(c) < 0) {
                noPunct.append(c);
            }
        }
        // re.sub(r'\b(a|an|the)\b', ' ', text) replaces exactly the maximal runs of word characters that
        // are one of the articles, so removing them run by run is the same.
        StringBuilder noArticles = new StringBuilder(noPunct.length());
        int i = 0;
        while (i < noPunct.length()) {
            int cp = noPunct.codePointAt(i);
            if (!isPythonWordChar(cp)) {
                noArticles.appendCodePoint(cp);
                i += Character.charCount(cp);
                continue;
            }
            int end = i;
            while (end < noPunct.length() && isPythonWordChar(noPunct.codePointAt(end))) {
                end += Character.charCount(noPunct.codePointAt(end));
            }
            String word = noPunct.substring(i, end);
            noArticles.append(word.equals("a") || word.equals("an") || word.equals("the") ? " " : word);
            i = end;
        }
        return String.join(" ", squadTokens(noArticles));
    }

    /** Python's {@code str.split()}: the runs of non-white-space characters. */
    private static List<String> squadTokens(CharSequence s) {
        List<String> tokens = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < s.length(); i++) {
            boolean space = isPythonSpace(s.charAt(i));
            if (space && start >= 0) {
                tokens.add(s.subSequence(start, i).toString());
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            tokens.add(s.subSequence(start, s.length()).toString());
        }
        return tokens;
    }

    /** Python 3's {@code \w} on str: a letter, a number (decimal, letter-like or other) or the underscore. */
    private static boolean isPythonWordChar(int cp) {
        if (cp == '_' || Character.isLetter(cp) || Character.isDigit(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
    }

    /** Python 3's {@code str.isspace}: Java's white space, the Unicode separators and NEL. */
    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    private static boolean isExactMatch(String prediction, String reference) {
        return normalizeAnswer(prediction).equals(normalizeAnswer(reference));
    }

    /** SQuAD v1.1's {@code f1_score}: 0 when no token is shared (so also when either side is empty). */
    private static double f1Score(String prediction, String reference) {
        List<String> p = squadTokens(normalizeAnswer(prediction));
        List<String> r = squadTokens(normalizeAnswer(reference));
        Map<String, Integer> referenceCounts = new HashMap<>();
        for (String t : r) {
            referenceCounts.merge(t, 1, Integer::sum);
        }
        int same = 0; // the size of the multiset intersection, Counter(p) & Counter(r)
        for (String t : p) {
            Integer left = referenceCounts.get(t);
            if (left != null && left > 0) {
                referenceCounts.put(t, left - 1);
                same++;
            }
        }
        if (same == 0) {
            return 0.0;
        }
        double precision = (double) same / p.size();
        double recall = (double) same / r.size();
        return 2 * precision * recall / (precision + recall);
    }

    private static boolean isExecutionMatch(String prediction, String reference) {
        OptionalDouble p = ArithmeticExpression.evaluate(prediction);
        OptionalDouble r = ArithmeticExpression.evaluate(reference);
        return p.isPresent() && r.isPresent() && sameValue(p.getAsDouble(), r.getAsDouble());
    }

    /**
     * Whether a predicted value matches a reference value: {@code |p - r| <= 1e-4 * max(1, |r|)}. That is
     * 1e-4 relative to the reference for |r| >= 1 and 1e-4 absolute below, so a reference of 0 can be met
     * and small answers such as 1/12 are not held to a tolerance far below the precision they are written
     * with (SVAMP's own evaluation compares with an absolute 1e-4).
     */
    public static boolean sameValue(double prediction, double reference) {
        return Math.abs(prediction - reference) <= EXECUTION_TOLERANCE * Math.max(1.0, Math.abs(reference));
    }

    /**
     * The tokens of Google's {@code rouge-score} tokenizer without stemming: lower-case, every run of
     * characters other than ASCII letters and digits becomes a separator (so punctuation and non-ASCII
     * letters vanish: {@code "Café, x+y"} gives {@code [caf, x, y]}).
     */
    static List<String> rougeTokens(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        List<String> tokens = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= lower.length(); i++) {
            char c = i < lower.length() ? lower.charAt(i) : ' ';
            boolean keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (keep && start < 0) {
                start = i;
            } else if (!keep && start >= 0) {
                tokens.add(lower.substring(start, i));
                start = -1;
            }
        }
        return tokens;
    }

    /** rouge-score's {@code _score_lcs} F-measure: 0 when either side has no tokens or nothing in common. */
    private static double rougeLScore(String prediction, String reference) {
        List<String> p = rougeTokens(prediction);
        List<String> r = rougeTokens(reference);
        if (p.isEmpty() || r.isEmpty()) {
            return 0.0;
        }
        int lcs = lcsLength(p, r);
        if (lcs == 0) {
            return 0.0;
        }
        double precision = (double) lcs / p.size();
        double recall = (double) lcs / r.size();
        return 2 * precision * recall / (precision + recall);
    }

    /** The classic dynamic programme, keeping one row: O(|a| * |b|) time, O(|b|) memory. */
    static int lcsLength(List<String> a, List<String> b) {
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (String x : a) {
            for (int j = 1; j <= b.size(); j++) {
                cur[j] = x.equals(b.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.size()];
    }

    /** A yes/no metric: 1 for a match, 0 otherwise. */
    private static Metric matching(String name, BiPredicate<String, String> matches) {
        return new Named(name, (p, r) -> matches.test(p, r) ? 1.0 : 0.0);
    }

    /** A metric from its per-reference score; the per-sample score is the best over the references. */
    private static final class Named implements Metric {
        private final String name;
        private final ToDoubleBiFunction<String, String> perReference;

        Named(String name, ToDoubleBiFunction<String, String> perReference) {
            this.name = name;
            this.perReference = perReference;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public double score(String prediction, List<String> references) {
            Objects.requireNonNull(references, "references");
            if (prediction == null) {
                return 0.0;
            }
            double best = 0.0;
            for (String reference : references) {
                if (reference != null) {
                    best = Math.max(best, perReference.applyAsDouble(prediction, reference));
                }
            }
            return best;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
