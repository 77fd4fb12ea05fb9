package io.github.goldkd.core;

/** What happens to earlier feedback examples when new ones are selected. */
public enum FeedbackLifetime {
    /** The new selection replaces the old one (the reference). */
    REPLACE,
    /** New selections join a pool that keeps the most recent {@code feedbackPoolLimit} examples. */
    ACCUMULATE
}
