package io.github.goldkd.core;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One feedback selection: the whole probe batch with its scores, and the samples chosen from it.
 *
 * <p>The scores are a {@code double[]}, the type {@link OodScorer#score} returns and {@link FeedbackSelector}
 * and gold-ood's {@code ScoreStatistics} take, so a selection's scores go to any of them as they are. The
 * record copies the array in and out, and compares and hashes it by content. In the run store's
 * {@code selections.jsonl} the scores are a JSON array of numbers, as before.
 *
 * @param round       the loop round
 * @param scorer      the OOD score's name
 * @param selector    the selector's name
 * @param probeIds    the ids of the scored probe samples, in batch order
 * @param scores      the score of each probe sample, same order (a copy on every call)
 * @param selectedIds the chosen ids, in prompt order
 */
public record Selection(int round, String scorer, String selector, List<String> probeIds, double[] scores,
                        List<String> selectedIds) {

    public Selection {
        probeIds = List.copyOf(Objects.requireNonNull(probeIds, "probeIds"));
        scores = Objects.requireNonNull(scores, "scores").clone();
        selectedIds = List.copyOf(Objects.requireNonNull(selectedIds, "selectedIds"));
        if (probeIds.size() != scores.length) {
            throw new IllegalArgumentException("probeIds and scores differ in length: " + probeIds.size()
                    + " ids, " + scores.length + " scores");
        }
    }

    /** The score of each probe sample, in batch order; a copy, so the selection stays as it was recorded. */
    @Override
    public double[] scores() {
        return scores.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Selection s && round == s.round && Objects.equals(scorer, s.scorer)
                && Objects.equals(selector, s.selector) && probeIds.equals(s.probeIds) && Arrays.equals(scores, s.scores) && selectedIds.equals(s.selectedIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(round, scorer, selector, probeIds, Arrays.hashCode(scores), selectedIds);
    }

    @Override
    public String toString() {
        return "Selection[round=" + round + ", scorer=" + scorer + ", selector=" + selector + ", probeIds=" + probeIds
                + ", scores=" + Arrays.toString(scores) + ", selectedIds=" + selectedIds + "]";
    }
}
