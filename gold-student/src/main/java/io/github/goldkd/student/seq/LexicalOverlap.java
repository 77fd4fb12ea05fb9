package io.github.goldkd.student.seq;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The sliding-window baseline's signal per context token, for {@link SpanQaConfig#lexicalSkip()}: where the
 * question's words are, weighted by how rare they are in the context. The baseline of the SQuAD paper (Richardson et
 * al.'s window) picks its span from the sentence whose words overlap the question most, counting each word by
 * IC(w) = log(1 + 1 / C(w)), C(w) its count in the paragraph; when it misses the exact span it still lands in the
 * right sentence and earns partial F1. These channels hand the student that sentence choice directly.
 *
 * <p>Computed on the bge token ids of {@code [CLS] question [SEP] context [SEP]}: the question's content ids are its
 * token ids other than function words and punctuation ({@link SpanQaStudent#STOPWORDS}); a context sentence ends
 * at a token ".", "!" or "?" followed by white space or the end of the context (so "U.S. Army" splits, "3.5" does
 * not). Channels, each 0 outside the context:
 * <ol>
 *   <li>the token's sentence's overlap: the sum of IC over the distinct question content ids found in it, divided
 *       by the largest such sum over the context's sentences (0 when no sentence has any);</li>
 *   <li>1 when the token's sentence has that largest overlap (ties: every such sentence), else 0;</li>
 *   <li>the window overlap: the sum of IC over the question content tokens among the {@value #WINDOW} tokens on
 *       either side (the token itself left out), divided by the largest such sum over the context;</li>
 *   <li>1 when the token itself is a question content id (an answer rarely repeats the question).</li>
 * </ol>
 */
final class LexicalOverlap {

    /** Channels per token. */
    static final int COUNT = 4;
    /** Half-width of the window of channel 3, in tokens. */
    static final int WINDOW = 8;

    private LexicalOverlap() {
    }

    /**
     * The channels feature-major, {@code [COUNT][ids.length]}.
     *
     * @param ids        token ids of the whole encoding
     * @param charStart  start of each token in its own text, -1 for special tokens
     * @param charEnd    end (exclusive) of each token in its own text
     * @param textStart  index of the context's first token (the question's tokens are the non-special ones before)
     * @param textLength the context's token count
     * @param context    the context text (for the sentence ends)
     * @param stopwordIds ids of the function words and punctuation left out of the question's content ids
     */
    static float[] features(int[] ids, int[] charStart, int[] charEnd, int textStart, int textLength, String context,
                            Set<Integer> stopwordIds) {
        int n = ids.length;
        float[] out = new float[COUNT * n];
        int from = textStart;
        int to = textStart + textLength;
        Set<Integer> question = new HashSet<>();
        for (int t = 0; t < from; t++) {
            if (charStart[t] >= 0 && !stopwordIds.contains(ids[t])) {
                question.add(ids[t]);
            }
        }
        if (question.isEmpty() || textLength == 0) {
            return out;
        }
        Map<Integer, Integer> counts = new HashMap<>();
        for (int t = from; t < to; t++) {
            counts.merge(ids[t], 1, Integer::sum);
        }
        double[] ic = new double[n];
        for (int t = from; t < to; t++) {
            if (question.contains(ids[t])) {
                ic[t] = Math.log(1 + 1.0 / counts.get(ids[t]));
            }
        }
        // sentences: [sentenceStart[k], sentenceStart[k + 1]) in token indices
        int[] sentenceOf = new int[n];
        java.util.List<Double> sentenceScore = new java.util.ArrayList<>();
        Set<Integer> found = new HashSet<>();
        double score = 0;
        int sentence = 0;
        for (int t = from; t < to; t++) {
            sentenceOf[t] = sentence;
            if (ic[t] > 0 && found.add(ids[t])) {
                score += ic[t];
            }
            if (endsSentence(context, charStart[t], charEnd[t]) || t == to - 1) {
                sentenceScore.add(score);
                found.clear();
                score = 0;
                sentence++;
            }
        }
        double best = 0;
        for (double s : sentenceScore) {
            best = Math.max(best, s);
        }
        double[] window = new double[n];
        double bestWindow = 0;
        for (int t = from; t < to; t++) {
            double sum = 0;
            for (int u = Math.max(from, t - WINDOW); u < Math.min(to, t + WINDOW + 1); u++) {
                if (u != t) {
                    sum += ic[u];
                }
            }
            window[t] = sum;
            bestWindow = Math.max(bestWindow, sum);
        }
        for (int t = from; t < to; t++) {
            double s = sentenceScore.get(sentenceOf[t]);
            out[t] = best > 0 ? (float) (s / best) : 0f;
            out[n + t] = best > 0 && s == best ? 1f : 0f;
            out[2 * n + t] = bestWindow > 0 ? (float) (window[t] / bestWindow) : 0f;
            out[3 * n + t] = ic[t] > 0 ? 1f : 0f;
        }
        return out;
    }

    /** Whether the token [start, end) of the context is ".", "!" or "?" followed by white space or the end. */
    static boolean endsSentence(String context, int start, int end) {
        if (start < 0 || end != start + 1) {
            return false;
        }
        char c = context.charAt(start);
        if (c != '.' && c != '!' && c != '?') {
            return false;
        }
        return end == context.length() || Character.isWhitespace(context.charAt(end));
    }
}
