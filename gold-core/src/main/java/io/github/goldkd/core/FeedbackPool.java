package io.github.goldkd.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The feedback examples that go into the next prompts: what the selections of a run fed back, kept under
 * the run's {@link FeedbackLifetime} and pool limit. A resumed run rebuilds it by applying the stored
 * selections in order, so it holds exactly what the uninterrupted run held.
 */
final class FeedbackPool {

    private final FeedbackLifetime lifetime;
    private final int limit;
    private final List<Sample> examples = new ArrayList<>();

    /**
     * @param lifetime whether a selection replaces the pool or adds to it
     * @param limit    the most examples kept; the oldest go first
     */
    FeedbackPool(FeedbackLifetime lifetime, int limit) {
        this.lifetime = Check.notNull("feedbackLifetime", lifetime);
        this.limit = Check.atLeast("feedbackPoolLimit", limit, 1);
    }

    /** Takes in one round's selected probe samples, in the order they go into the prompt. */
    void add(List<Sample> selected) {
        if (lifetime == FeedbackLifetime.REPLACE) {
            examples.clear();
        }
        examples.addAll(selected);
        while (examples.size() > limit) {
            examples.remove(0);
        }
    }

    /** The examples for the next prompt, oldest first; a copy, so later selections do not change it. */
    List<Sample> examples() {
        return List.copyOf(examples);
    }
}
