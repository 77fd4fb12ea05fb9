package io.github.goldkd.core;

import java.util.List;
import java.util.Map;

/**
 * What one completed round did; the run store holds one per committed round.
 *
 * @param round            0-based round
 * @param trainRequested   train samples asked for (including a no-probe run's extra train batch)
 * @param trainGenerated   train samples delivered
 * @param probeRequested   probe samples asked for
 * @param probeGenerated   probe samples delivered
 * @param feedbackInPrompt feedback examples in this round's prompts
 * @param selectedIds      ids chosen as feedback this round (empty when none)
 * @param studentUpdated   whether the in-loop student was updated at the start of this round
 * @param studentScore     the run's metric ({@link GoldConfig#metric()}) on the monitoring set after that
 *                         update, {@code null} when not measured
 * @param requests         model calls
 * @param cacheHits        answers from the request cache
 * @param promptTokens     prompt tokens
 * @param completionTokens completion tokens
 * @param rejects          rejected candidates by reason
 * @param millis           wall time of the round
 * @param samplesWritten   sample lines the round wrote to the run store, so that a resume can tell a lost
 *                         line; {@code null} in run stores written before it was recorded
 * @param selectionsWritten selection lines the round wrote; {@code null} likewise
 */
public record RoundReport(int round, int trainRequested, int trainGenerated, int probeRequested, int probeGenerated,
                          int feedbackInPrompt, List<String> selectedIds, boolean studentUpdated,
                          Double studentScore, int requests, int cacheHits, long promptTokens,
                          long completionTokens, Map<String, Integer> rejects, long millis,
                          Integer samplesWritten, Integer selectionsWritten) {

    public RoundReport {
        selectedIds = List.copyOf(selectedIds == null ? List.of() : selectedIds);
        rejects = Map.copyOf(rejects == null ? Map.of() : rejects);
    }

    /** Samples delivered this round, train and probe. */
    public int generated() {
        return trainGenerated + probeGenerated;
    }
}
