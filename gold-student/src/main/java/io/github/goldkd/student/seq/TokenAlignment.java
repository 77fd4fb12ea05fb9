package io.github.goldkd.student.seq;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Soft word alignment of a sentence pair over frozen bge-small token states: each field is read by bge on its
 * own, and each token of one field is matched to its most similar token of the other (cosine of the states, the
 * "MaxSim" of BERTScore and ColBERT). Of these best matches, per direction, four features: their mean, their
 * minimum, their lower quartile and the share above {@value #CLOSE}; first the first field's tokens matched in
 * the second, then the second's in the first ({@link #COUNT} in all, in [-1, 1], an empty field gives zeros).
 *
 * <p>Why: {@link io.github.goldkd.student.LexicalOverlap} counts identical words, so a question asking "when was
 * it founded" matches a sentence saying "established in 1066" no better than an unrelated one; the token states
 * match paraphrases and inflections. A logistic regression on the overlap features plus these lifts the
 * QNLI-style held-out accuracy from 0.718 to 0.761 on the mean of the four articles (BENCHMARKS.md, "sentence
 * pairs"). The minimum and the lower quartile say whether some word of one field has no counterpart at all, which
 * a mean hides.
 *
 * <p>Thread-safe; the token states are cached per text (bounded, see {@link BgeTokenStates}), so a sentence shared
 * by several pairs is read once. Needs the optional bge dependency ({@link #isAvailable()}).
 */
public final class TokenAlignment implements AutoCloseable {

    /** Number of features {@link #features} returns. */
    public static final int COUNT = 8;

    /** The features' names, in order (for reports). */
    public static final List<String> NAMES = List.of("1 in 2: mean", "1 in 2: min", "1 in 2: lower quartile",
            "1 in 2: share close", "2 in 1: mean", "2 in 1: min", "2 in 1: lower quartile", "2 in 1: share close");

    /** A best match above this cosine counts as a close counterpart (bge's states of the same word in two contexts). */
    static final double CLOSE = 0.8;

    private final BgeTokenStates states;

    TokenAlignment(BgeTokenStates states) {
        this.states = Objects.requireNonNull(states, "states");
    }

    /** Whether the optional bge dependency (onnxruntime, the DJL tokenizer, the model) is on the class path. */
    public static boolean isAvailable() {
        return BgeTokenStates.isAvailable();
    }

    /**
     * Loads bge-small's token model (about half a second) with one onnxruntime thread.
     *
     * @throws io.github.goldkd.student.StudentException when the optional dependency is missing
     */
    public static TokenAlignment create() {
        return new TokenAlignment(BgeTokenStates.create(1));
    }

    private static TokenAlignment shared;

    /**
     * The JVM's one shared alignment, created on first use: the pair students and anything else aligning the same
     * texts read each text's token states once. It lives as long as the JVM; do not close it.
     *
     * @throws io.github.goldkd.student.StudentException when the optional dependency is missing
     */
    public static synchronized TokenAlignment shared() {
        if (shared == null) {
            shared = create();
        }
        return shared;
    }

    /** The {@link #COUNT} features of the pair (first, second); null texts read as empty. */
    public float[] features(String first, String second) {
        float[][] a = unitStates(first);
        float[][] b = unitStates(second);
        float[] f = new float[COUNT];
        summarise(bestMatches(a, b), f, 0);
        summarise(bestMatches(b, a), f, COUNT / 2);
        return f;
    }

    /** The unit-length states of the text's tokens, without [CLS] and [SEP]; none for an empty text. */
    private float[][] unitStates(String text) {
        if (text == null || text.isBlank()) {
            return new float[0][];
        }
        BgeTokenStates.Encoded e = states.encode(text);
        float[][] out = new float[e.textLength()][];
        for (int i = 0; i < out.length; i++) {
            float[] v = e.state(e.textStart() + i);
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            float inverse = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
            for (int k = 0; k < v.length; k++) {
                v[k] *= inverse;
            }
            out[i] = v;
        }
        return out;
    }

    /** Per token of {@code from}, the largest cosine with a token of {@code to} (empty when either is empty). */
    static double[] bestMatches(float[][] from, float[][] to) {
        if (to.length == 0) {
            return new double[0];
        }
        double[] best = new double[from.length];
        for (int i = 0; i < from.length; i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (float[] y : to) {
                double dot = 0;
                for (int k = 0; k < y.length; k++) {
                    dot += from[i][k] * y[k];
                }
                m = Math.max(m, dot);
            }
            best[i] = m;
        }
        return best;
    }

    /** Mean, minimum, lower quartile and share above {@link #CLOSE} of {@code matches} into {@code f[at..at+3]}. */
    static void summarise(double[] matches, float[] f, int at) {
        if (matches.length == 0) {
            return;
        }
        double[] sorted = matches.clone();
        Arrays.sort(sorted);
        double sum = 0;
        int close = 0;
        for (double m : sorted) {
            sum += m;
            if (m > CLOSE) {
                close++;
            }
        }
        f[at] = (float) (sum / sorted.length);
        f[at + 1] = (float) sorted[0];
        f[at + 2] = (float) sorted[sorted.length / 4];
        f[at + 3] = close / (float) sorted.length;
    }

    @Override
    public void close() {
        states.close();
    }
}
