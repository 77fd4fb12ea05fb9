package io.github.goldkd.core;

/**
 * What a task asks the student to produce: a label out of a fixed set, or a text (a sequence kind). Each
 * kind has a default output field name and a default {@link Metric} (see gold-core's {@code Metrics}).
 */
public enum TaskKind {
    /** One label out of a fixed set per sample. */
    CLASSIFICATION(false),
    /** A span of a context field, e.g. SQuAD-style question answering. */
    EXTRACTIVE_QA(true),
    /** An arithmetic expression whose value answers a word problem, e.g. SVAMP. */
    MATH_WORD_PROBLEM(true),
    /** A free text written from the inputs, e.g. NL4OPT's optimisation formulation. */
    TEXT_GENERATION(true);

    private final boolean sequence;

    TaskKind(boolean sequence) {
        this.sequence = sequence;
    }

    /** The output field a task of this kind names unless it says otherwise. */
    public String defaultOutputField() {
        return switch (this) {
            case CLASSIFICATION -> "label";
            case EXTRACTIVE_QA -> "answer";
            case MATH_WORD_PROBLEM -> "equation";
            case TEXT_GENERATION -> "output";
        };
    }

    /** True when the sample's output is a token sequence ({@link Sample#target()}) rather than a label. */
    public boolean isSequence() {
        return sequence;
    }
}
