package io.github.goldkd.core;

/**
 * Whether selected probe samples go back into the prompt. The two ablations keep the total number of
 * generated samples equal to the run with feedback on.
 */
public enum FeedbackMode {
    /** GOLD: probes are scored and the selected ones fed back. */
    ON,
    /**
     * The ZeroGen-style baseline: no probes at all; each probe request is replaced by an ordinary
     * train request of the same size.
     */
    OFF_NO_PROBES,
    /** Probes are generated and kept as data, but nothing is scored or fed back. */
    OFF_PROBES_KEPT
}
