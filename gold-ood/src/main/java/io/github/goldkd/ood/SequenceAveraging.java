package io.github.goldkd.ood;

/**
 * Which positions of a sequence student's logits a score averages over. Classifier logits have one
 * position that is always real, so both choices give the same score for them.
 */
public enum SequenceAveraging {

    /** Only positions marked as real tokens by the mask (the project's default). */
    REAL_TOKENS,

    /**
     * Every position, padding included: what the GOLD reference scripts do. Padding positions then pull
     * the score of short targets toward whatever the student outputs on padding.
     */
    ALL_POSITIONS
}
