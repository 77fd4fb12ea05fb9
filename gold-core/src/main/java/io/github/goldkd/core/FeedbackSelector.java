package io.github.goldkd.core;

/** Chooses which probe samples go back into the teacher's prompt, given their OOD scores. */
public interface FeedbackSelector {

    /**
     * The indices of the chosen samples in {@code scores}, in the order they go into the prompt.
     *
     * @param seed for selectors that draw at random; others ignore it
     */
    int[] select(double[] scores, long seed);

    /**
     * The indices of the chosen samples in the context's probe batch, in prompt order. The loop calls this
     * one; the default reads only the scores and the seed, so a score-based selector implements
     * {@link #select(double[], long)} alone, and a rule that needs the samples or the student's logits
     * overrides this.
     */
    default int[] select(SelectionContext context) {
        return select(context.scores(), context.seed());
    }

    /** A short name with parameters, e.g. {@code band[0.5,0.8)}. */
    String name();
}
