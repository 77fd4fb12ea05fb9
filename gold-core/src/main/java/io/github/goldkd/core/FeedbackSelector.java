package io.github.goldkd.core;

/** Chooses which probe samples go back into the teacher's prompt, given their OOD scores. */
public interface FeedbackSelector {

    /**
     * The indices of the chosen samples in {@code scores}, in the order they go into the prompt.
     *
     * @param seed for selectors that draw at random; others ignore it
     */
    int[] select(double[] scores, long seed);

    /** A short name with parameters, e.g. {@code band[0.5,0.8)}. */
    String name();
}
