package io.github.goldkd.core;

import java.util.List;

/**
 * Maps a student's logits to one score per sample; higher means more out-of-distribution for the
 * student. gold-ood holds the reference scores (energy, maximum softmax, entropy, NLL).
 */
public interface OodScorer {

    /** One score per entry of {@code batch}, in order. */
    double[] score(List<Logits> batch);

    /** A short name with parameters, e.g. {@code energy(T=1.0)}. */
    String name();
}
