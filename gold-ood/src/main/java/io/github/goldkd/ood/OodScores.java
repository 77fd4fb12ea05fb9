package io.github.goldkd.ood;

import io.github.goldkd.core.Logits;
import io.github.goldkd.core.OodScorer;

/**
 * The reference out-of-distribution scores of GOLD: one number per sample, higher = more unfamiliar to
 * the student. All of them read only the student's logits.
 *
 * <p>Classifier logits give one row per sample. Sequence logits give one row per target position; the
 * score of a sequence is the mean of its row scores over the real tokens (the default) or over all
 * positions, padding included (the GOLD reference scripts), see {@link SequenceAveraging}.
 *
 * <p>Every score is computed in double from the float logits with the row maximum subtracted before any
 * exponential, so it stays finite and accurate for logits of any finite magnitude (tested to ±1e4) and
 * vocabularies of any width (tested to 32k). A NaN or infinite logit anywhere in a sample, padding
 * included, is an {@link OodScoreException} naming the sample's index in the batch, its position and
 * the index within the row; a score is never silently NaN.
 */
public final class OodScores {

    private OodScores() {
    }

    /** Energy at temperature 1, averaged over real tokens: the GOLD default. */
    public static OodScorer energy() {
        return energy(1.0);
    }

    /**
     * Free energy {@code E(z) = -T * log sum_k exp(z_k / T)} (Liu et al., 2020), averaged over real
     * tokens for sequences. Low energy = familiar. {@code E(z + c) = E(z) - c} and
     * {@code E_T(z) = T * E_1(z / T)}.
     *
     * @param temperature T, in (0, 1e6]
     */
    public static OodScorer energy(double temperature) {
        return energy(temperature, SequenceAveraging.REAL_TOKENS);
    }

    /**
     * Energy with an explicit averaging rule for sequences; {@link SequenceAveraging#ALL_POSITIONS} is the
     * reference scripts' behaviour.
     */
    public static OodScorer energy(double temperature, SequenceAveraging averaging) {
        return new LogitScorer(LogitScorer.Kind.ENERGY, temperature, averaging);
    }

    /** {@code 1 - max_k softmax(z)_k} (Hendrycks and Gimpel, 2017), in [0, 1), averaged over real tokens. */
    public static OodScorer maxSoftmax() {
        return maxSoftmax(SequenceAveraging.REAL_TOKENS);
    }

    /** {@code 1 - max softmax} with an explicit averaging rule for sequences. */
    public static OodScorer maxSoftmax(SequenceAveraging averaging) {
        return new LogitScorer(LogitScorer.Kind.MAX_SOFTMAX, 1.0, averaging);
    }

    /** Predictive entropy {@code -sum_k p_k log p_k} of {@code p = softmax(z)}, in nats, averaged over real tokens. */
    public static OodScorer entropy() {
        return entropy(SequenceAveraging.REAL_TOKENS);
    }

    /** Predictive entropy with an explicit averaging rule for sequences. */
    public static OodScorer entropy(SequenceAveraging averaging) {
        return new LogitScorer(LogitScorer.Kind.ENTROPY, 1.0, averaging);
    }

    /**
     * Negative log-likelihood {@code -log softmax(z)_y} of the sample's own label (classifiers) or of
     * the teacher-forced token at each position (sequences, averaged over real tokens). Needs
     * {@link Logits#hasTargets()}; logits without targets are an {@link OodScoreException} naming the
     * sample.
     */
    public static OodScorer negativeLogLikelihood() {
        return negativeLogLikelihood(SequenceAveraging.REAL_TOKENS);
    }

    /** Negative log-likelihood with an explicit averaging rule for sequences. */
    public static OodScorer negativeLogLikelihood(SequenceAveraging averaging) {
        return new LogitScorer(LogitScorer.Kind.NLL, 1.0, averaging);
    }
}
