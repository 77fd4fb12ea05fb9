package io.github.goldkd.core;

/** The two kinds of request the loop makes of a generator. */
public enum GenerationMode {
    /** Ordinary training data, with the current feedback examples in feedback rounds. */
    TRAIN,
    /** A probe batch: samples that differ from what the teacher has written so far. */
    PROBE
}
