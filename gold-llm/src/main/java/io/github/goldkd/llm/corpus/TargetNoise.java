package io.github.goldkd.llm.corpus;

import io.github.goldkd.core.metric.ArithmeticExpression;
import io.github.goldkd.core.metric.Metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The wrong targets the corpus teacher writes for sequence tasks, imitating an LLM's typical mistakes: a
 * wrong span of the right context (QA) and a wrong operator in the right numbers (math). Each method is a
 * pure function of its arguments and the random source, and returns null when the sample admits no such
 * mistake, so that the caller can fall back to the clean target.
 */
final class TargetNoise {

    private TargetNoise() {
    }

    /**
     * Another span of {@code context}: a run of whole words of the context within one sentence, one word
     * shorter, as long or one word longer than {@code target}, that is not an exact match (SQuAD's
     * normalisation) of any of {@code golds}. Chosen uniformly among all such spans; returned exactly as the
     * context writes it, so it occurs in the context. Null when the context has no such span.
     */
    static String otherSpan(String context, String target, List<String> golds, SplittableRandom rng) {
        List<int[]> words = words(context);
        int n = Math.max(1, words(target).size());
        // exact match is equality after normalisation: normalise the gold answers once, not per candidate
        Set<String> normalisedGolds = new HashSet<>();
        golds.forEach(g -> normalisedGolds.add(Metrics.normalizeAnswer(g)));
        List<String> candidates = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            for (int len = Math.max(1, n - 1); len <= n + 1 && i + len <= words.size(); len++) {
                if (crossesSentence(words, i, len)) {
                    break; // longer windows from i cross the boundary too
                }
                String span = context.substring(words.get(i)[0], words.get(i + len - 1)[1]);
                String normalised = Metrics.normalizeAnswer(span);
                // an empty normalised span ("the") is not an answer anyone would write
                if (!normalised.isEmpty() && !normalisedGolds.contains(normalised)) {
                    candidates.add(span);
                }
            }
        }
        return candidates.isEmpty() ? null : candidates.get(rng.nextInt(candidates.size()));
    }

    /**
     * {@code expression} with one binary operator changed ({@code +} and {@code -} swap, {@code *} and
     * {@code /} swap), chosen uniformly among the operators whose change leaves an expression that
     * evaluates and scores 0 in execution accuracy against {@code expression} and every one of
     * {@code golds} (so it is a real mistake, not {@code x * 1} written as {@code x / 1}). Null when no
     * operator qualifies or the expression does not evaluate.
     */
    static String swappedOperator(String expression, List<String> golds, SplittableRandom rng) {
        OptionalDouble clean = ArithmeticExpression.evaluate(expression);
        if (clean.isEmpty()) {
            return null;
        }
        List<String> wrongAgainst = new ArrayList<>(golds.size() + 1);
        wrongAgainst.add(expression);
        wrongAgainst.addAll(golds);
        List<String> candidates = new ArrayList<>();
        for (int pos : binaryOperators(expression)) {
            char[] chars = expression.toCharArray();
            chars[pos] = switch (chars[pos]) {
                case '+' -> '-';
                case '-' -> '+';
                case '*' -> '/';
                default -> '*';
            };
            String swapped = new String(chars);
            if (ArithmeticExpression.evaluate(swapped).isPresent()
                    && Metrics.executionAccuracy().score(swapped, wrongAgainst) == 0.0) {
                candidates.add(swapped);
            }
        }
        return candidates.isEmpty() ? null : candidates.get(rng.nextInt(candidates.size()));
    }

    /**
     * The positions of the binary operators: an operator character after a number or a closing
     * parenthesis. Unary signs (after an operator or an opening parenthesis) and an exponent's sign
     * ({@code 1.5E-4}, after a letter) are not binary operators.
     */
    static List<Integer> binaryOperators(String expression) {
        List<Integer> out = new ArrayList<>();
        char prev = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (Character.isWhitespace(c)) {
                continue;
            }
            if ("+-*/".indexOf(c) >= 0 && ((prev >= '0' && prev <= '9') || prev == '.' || prev == ')')) {
                out.add(i);
            }
            prev = c;
        }
        return out;
    }

    /**
     * The words of a text as [start, end) character ranges: white-space separated tokens with leading and
     * trailing punctuation trimmed off (tokens without a letter or digit are skipped). The third element is 1
     * when the token ends a sentence ({@code . ! ?} after the word, possibly inside closing quotes or
     * brackets).
     */
    private static List<int[]> words(String text) {
        List<int[]> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int tokenStart = i;
            while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = tokenStart;
            int end = i;
            while (start < end && !Character.isLetterOrDigit(text.charAt(start))) {
                start++;
            }
            while (end > start && !Character.isLetterOrDigit(text.charAt(end - 1))) {
                end--;
            }
            if (start < end) {
                boolean endsSentence = false;
                for (int k = end; k < i; k++) {
                    char c = text.charAt(k);
                    endsSentence |= c == '.' || c == '!' || c == '?';
                }
                out.add(new int[] {start, end, endsSentence ? 1 : 0});
            }
        }
        return out;
    }

    /** Whether words {@code i .. i+len-1} span a sentence end (a sentence end on the last word is fine). */
    private static boolean crossesSentence(List<int[]> words, int i, int len) {
        for (int k = i; k < i + len - 1; k++) {
            if (words.get(k)[2] == 1) {
                return true;
            }
        }
        return false;
    }
}
