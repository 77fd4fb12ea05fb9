package io.github.goldkd.core;

import java.util.List;

/**
 * Drops samples from a training mini-batch by a score of the current network's logits (the energy
 * filter of GOLD's final training). Students call it inside each mini-batch step.
 */
public interface BatchFilter {

    /** Keeps every sample. */
    BatchFilter NONE = new BatchFilter() {
        @Override
        public int[] keep(List<Logits> batch) {
            int[] all = new int[batch.size()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }

        @Override
        public String name() {
            return "none";
        }
    };

    /**
     * The indices of the samples to train on, ascending. Never empty for a non-empty batch.
     *
     * @param batch the current network's logits (with targets) for the mini-batch
     */
    int[] keep(List<Logits> batch);

    /** A short name with parameters. */
    String name();
}
