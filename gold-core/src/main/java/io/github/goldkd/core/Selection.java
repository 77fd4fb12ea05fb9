package io.github.goldkd.core;

import java.util.List;
import java.util.Objects;

/**
 * One feedback selection: the whole probe batch with its scores, and the samples chosen from it.
 *
 * @param round       the loop round
 * @param scorer      the OOD score's name
 * @param selector    the selector's name
 * @param probeIds    the ids of the scored probe samples, in batch order
 * @param scores      the score of each probe sample, same order
 * @param selectedIds the chosen ids, in prompt order
 */
public record Selection(int round, String scorer, String selector, List<String> probeIds, List<Double> scores,
                        List<String> selectedIds) {

    public Selection {
        probeIds = List.copyOf(Objects.requireNonNull(probeIds, "probeIds"));
        scores = List.copyOf(Objects.requireNonNull(scores, "scores"));
        selectedIds = List.copyOf(Objects.requireNonNull(selectedIds, "selectedIds"));
        if (probeIds.size() != scores.size()) {
            throw new IllegalArgumentException("probeIds and scores differ in length");
        }
    }
}
