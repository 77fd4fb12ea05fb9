package io.github.goldkd.core;

/**
 * What a task asks the student to produce. Classification is implemented end to end; the sequence
 * kinds are part of the model now so that samples, logits and run stores need no migration when
 * their generators and students arrive.
 */
public enum TaskKind {
    /** One label out of a fixed set per sample. */
    CLASSIFICATION(false),
    /** A span of a context field, e.g. SQuAD-style question answering. */
    EXTRACTIVE_QA(true),
    /** An equation or answer text for a word problem, e.g. SVAMP. */
    MATH_WORD_PROBLEM(true);

    private final boolean sequence;

    TaskKind(boolean sequence) {
        this.sequence = sequence;
    }

    /** True when the sample's output is a token sequence ({@link Sample#target()}) rather than a label. */
    public boolean isSequence() {
        return sequence;
    }
}
