package io.github.goldkd.core;

/** Which label each requested sample of a classification batch gets. */
public enum LabelPlan {
    /** Round-robin over the labels, continued across batches, so every label gets its share. */
    BALANCED,
    /** Each label drawn uniformly at random from the request's seed. */
    UNIFORM_RANDOM
}
