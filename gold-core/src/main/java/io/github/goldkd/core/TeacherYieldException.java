package io.github.goldkd.core;

import java.util.Map;

/**
 * Thrown by the loop when the teacher produced nothing usable: a round accepted no sample (or less than
 * {@link GoldDistiller.Builder#minAcceptedShare}), or the run ended with no data for the final student.
 * The rounds committed before stay in the run store; the failing round is not committed and no final
 * student is trained. The message counts the rejected candidates by reason, e.g.
 * {@code finish-length=6, schema=2}.
 */
public class TeacherYieldException extends GoldException {

    private final int round;
    private final Map<String, Integer> rejects;

    public TeacherYieldException(String message, int round, Map<String, Integer> rejects) {
        super(message);
        this.round = round;
        this.rejects = Map.copyOf(rejects);
    }

    /** The round that fell short; -1 when no round was at fault (no data to train the final student on). */
    public int round() {
        return round;
    }

    /** The failing round's rejected candidates by reason (empty when the generator reported none). */
    public Map<String, Integer> rejects() {
        return rejects;
    }
}
