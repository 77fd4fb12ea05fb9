package io.github.goldkd.core;

/** When the loop asks the teacher for a probe batch. */
public enum ProbePolicy {
    /** Every round (the reference for classification). */
    EVERY_ROUND,
    /** Only in feedback rounds (the reference for sequence tasks). */
    FEEDBACK_ROUNDS,
    /** Never: no probes, no feedback. */
    NEVER
}
