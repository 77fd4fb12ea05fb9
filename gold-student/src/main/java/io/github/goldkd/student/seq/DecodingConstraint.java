package io.github.goldkd.student.seq;

/**
 * Which output tokens may follow a prefix, so that decoding can only write well-formed output (an expression
 * over the number slots a problem has, a span inside the context, ...).
 */
public interface DecodingConstraint {

    /** No constraint: every token may follow every prefix. */
    DecodingConstraint NONE = (prefix, token) -> true;

    /**
     * Whether {@code token} may follow {@code prefix}. The end-of-sequence token is asked like any other:
     * a constraint refuses it while the output is incomplete.
     */
    boolean allows(int[] prefix, int token);
}
