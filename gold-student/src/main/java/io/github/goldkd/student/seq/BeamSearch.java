package io.github.goldkd.student.seq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Host-side beam search over a {@link NextTokenScorer} (width 1 is greedy decoding), restricted by a
 * {@link DecodingConstraint}.
 *
 * <p>Each step asks the scorer once for all live hypotheses. A token the constraint refuses, or to which the
 * scorer gives a non-finite log-probability, is never taken; a hypothesis with no token left is dropped. The
 * candidates of a step are ranked by summed log-probability (all live hypotheses have the same length, so this
 * is also the ranking by normalised score); the best {@code beamWidth} of them survive, and those among them
 * that end with the end-of-sequence token leave the beam as finished hypotheses, the others stay live.
 *
 * <p>Lengths: an output holds at most {@code maxLength} tokens besides the end-of-sequence token. A
 * hypothesis that has {@code maxLength} tokens can only be closed by the end-of-sequence token (as fairseq
 * does), whose log-probability is counted; if the constraint or the scorer refuses it there, the hypothesis is
 * kept as <em>unfinished</em>. Finished hypotheses always rank before unfinished ones, which are returned only
 * when fewer hypotheses finished than were asked for.
 *
 * <p>Length normalisation is GNMT's (Wu et al. 2016): score = logP / ((5 + n) / 6)^alpha, with n the number of
 * scored tokens (the end-of-sequence token included). alpha = 0 leaves the summed log-probability, which
 * favours short outputs; larger alpha favours longer ones. The search stops when no live hypothesis can still
 * beat the k-th best finished one: since log-probabilities are at most 0, a live hypothesis's score is bounded
 * by its current logP over the largest length penalty it could reach.
 *
 * <p>Deterministic: ties are broken by hypothesis order, then by the lower token id. The search keeps no
 * state between calls: concurrent calls are safe when their scorers and constraints are. A search can also be
 * driven from outside, one {@link Run} per source ({@link #start}), so that a caller decoding many sources
 * scores the live hypotheses of all of them in one model call per step; the hypotheses are the same.
 */
final class BeamSearch {

    /** One decoded output. */
    record Hypothesis(int[] tokens, double logProbability, double score, boolean finished) {

        /** @return the output tokens (end-of-sequence token excluded); a copy */
        @Override
        public int[] tokens() {
            return tokens.clone();
        }

        @Override
        public String toString() {
            return "Hypothesis" + Arrays.toString(tokens) + "(logP=" + logProbability + ", score=" + score
                    + (finished ? "" : ", unfinished") + ")";
        }
    }

    private final int beamWidth;
    private final int maxLength;
    private final int eosToken;
    private final double lengthPenaltyAlpha;

    /**
     * @param beamWidth          hypotheses kept per step, at least 1 (1 = greedy)
     * @param maxLength          most output tokens besides the end-of-sequence token, at least 1
     * @param eosToken           the end-of-sequence token id, at least 0
     * @param lengthPenaltyAlpha GNMT length-normalisation exponent, finite and in [0, 10] (0 = none)
     */
    BeamSearch(int beamWidth, int maxLength, int eosToken, double lengthPenaltyAlpha) {
        if (beamWidth < 1) {
            throw new IllegalArgumentException("beamWidth must be >= 1, was " + beamWidth);
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be >= 1, was " + maxLength);
        }
        if (eosToken < 0) {
            throw new IllegalArgumentException("eosToken must be >= 0, was " + eosToken);
        }
        if (!(lengthPenaltyAlpha >= 0 && lengthPenaltyAlpha <= 10)) {
            throw new IllegalArgumentException("lengthPenaltyAlpha must be a finite number in [0, 10], was "
                    + lengthPenaltyAlpha);
        }
        this.beamWidth = beamWidth;
        this.maxLength = maxLength;
        this.eosToken = eosToken;
        this.lengthPenaltyAlpha = lengthPenaltyAlpha;
    }

    /** Greedy decoding: beam width 1, no length normalisation (it cannot change a greedy pick). */
    static BeamSearch greedy(int maxLength, int eosToken) {
        return new BeamSearch(1, maxLength, eosToken, 0);
    }

    int beamWidth() {
        return beamWidth;
    }

    int maxLength() {
        return maxLength;
    }

    int eosToken() {
        return eosToken;
    }

    double lengthPenaltyAlpha() {
        return lengthPenaltyAlpha;
    }

    /**
     * @return the best hypothesis; if every hypothesis was dropped (no token allowed anywhere), an empty
     *         unfinished hypothesis with log-probability and score -infinity
     */
    Hypothesis decode(NextTokenScorer scorer, DecodingConstraint constraint) {
        if (scorer == null) {
            throw new IllegalArgumentException("scorer must not be null");
        }
        Run run = start(constraint, 1);
        while (!run.done()) {
            run.accept(scorer.logProbabilities(run.pending()));
        }
        return run.best();
    }

    /**
     * @param k how many hypotheses to return, in [1, beamWidth]
     * @return up to k hypotheses, best first: finished ones by score, then unfinished ones by score; empty if
     *         every hypothesis was dropped
     */
    List<Hypothesis> decodeTop(NextTokenScorer scorer, DecodingConstraint constraint, int k) {
        if (scorer == null) {
            throw new IllegalArgumentException("scorer must not be null");
        }
        Run run = start(constraint, k);
        while (!run.done()) {
            run.accept(scorer.logProbabilities(run.pending()));
        }
        return run.top();
    }

    /**
     * A search of one source driven from outside, step by step: {@link Run#pending()} are the prefixes to
     * score, {@link Run#accept} takes their rows. A caller decoding many sources gathers the pending prefixes
     * of all of them into one model call per step; each source's result is the same as {@link #decodeTop}'s,
     * which drives one run alone.
     *
     * @param constraint the source's constraint ({@link DecodingConstraint#NONE} for none)
     * @param k          how many hypotheses {@link Run#top()} returns, in [1, beamWidth]
     */
    Run start(DecodingConstraint constraint, int k) {
        if (constraint == null) {
            throw new IllegalArgumentException("constraint must not be null (use DecodingConstraint.NONE)");
        }
        if (k < 1 || k > beamWidth) {
            throw new IllegalArgumentException("k must be in [1, beamWidth=" + beamWidth + "], was " + k);
        }
        return new Run(constraint, k);
    }

    /**
     * The state of one source's search between steps. All pending prefixes of a run have the same length,
     * the number of steps taken; so do those of every run started together and stepped together.
     */
    final class Run {
        private final DecodingConstraint constraint;
        private final int k;
        private final List<Hypothesis> finished = new ArrayList<>();
        private final List<Hypothesis> unfinished = new ArrayList<>();
        private List<int[]> live = new ArrayList<>();
        private List<Double> liveLogP = new ArrayList<>();
        private boolean done;

        private Run(DecodingConstraint constraint, int k) {
            this.constraint = constraint;
            this.k = k;
            live.add(new int[0]);
            liveLogP.add(0.0);
        }

        /** Whether the search has ended; then {@link #pending()} is empty. */
        boolean done() {
            return done;
        }

        /** The live prefixes whose next-token rows {@link #accept} expects, in order (read-only). */
        List<int[]> pending() {
            return done ? List.of() : Collections.unmodifiableList(live);
        }

        /**
         * One step: {@code rows} holds, per pending prefix in order, the log-probabilities of the next token.
         */
        void accept(float[][] rows) {
            if (done) {
                throw new IllegalStateException("the search has ended: no prefix is pending");
            }
            int length = live.get(0).length;
            boolean lastStep = length == maxLength;
            checkRows(rows, live.size());
            // Each hypothesis contributes at most beamWidth + 1 candidates to the step's top beamWidth (one
            // more than the width, so that an end-of-sequence candidate cannot starve the live beam).
            List<Candidate> candidates = new ArrayList<>();
            for (int h = 0; h < live.size(); h++) {
                candidates.addAll(bestTokens(live.get(h), liveLogP.get(h), h, rows[h], constraint, lastStep));
            }
            candidates.sort(Candidate.ORDER);
            List<int[]> nextLive = new ArrayList<>();
            List<Double> nextLogP = new ArrayList<>();
            boolean[] extended = new boolean[live.size()];
            for (int rank = 0; rank < candidates.size() && rank < beamWidth; rank++) {
                Candidate c = candidates.get(rank);
                extended[c.hypothesis] = true;
                int[] prefix = live.get(c.hypothesis);
                if (c.token == eosToken) {
                    finished.add(new Hypothesis(prefix.clone(), c.logP, normalise(c.logP, length + 1), true));
                } else {
                    int[] next = Arrays.copyOf(prefix, length + 1);
                    next[length] = c.token;
                    nextLive.add(next);
                    nextLogP.add(c.logP);
                }
            }
            if (lastStep) {
                // A full-length hypothesis whose end-of-sequence token was refused stays as it is, unfinished.
                for (int h = 0; h < live.size(); h++) {
                    if (!extended[h]) {
                        unfinished.add(new Hypothesis(live.get(h).clone(), liveLogP.get(h),
                                normalise(liveLogP.get(h), length), false));
                    }
                }
                done = true;
                return;
            }
            live = nextLive;
            liveLogP = nextLogP;
            done = live.isEmpty() || cannotImprove(finished, liveLogP, k);
        }

        /**
         * @return up to k hypotheses, best first: finished ones by score, then unfinished ones by score; empty
         *         if every hypothesis was dropped
         */
        List<Hypothesis> top() {
            if (!done) {
                throw new IllegalStateException("the search has not ended: prefixes are still pending");
            }
            Comparator<Hypothesis> byScore = Comparator.comparingDouble(Hypothesis::score).reversed();
            List<Hypothesis> f = new ArrayList<>(finished);
            List<Hypothesis> u = new ArrayList<>(unfinished);
            f.sort(byScore);
            u.sort(byScore);
            List<Hypothesis> result = new ArrayList<>(f.subList(0, Math.min(k, f.size())));
            for (int i = 0; i < u.size() && result.size() < k; i++) {
                result.add(u.get(i));
            }
            return result;
        }

        /** The best hypothesis, as {@link BeamSearch#decode} returns it. */
        Hypothesis best() {
            List<Hypothesis> top = top();
            return top.isEmpty()
                    ? new Hypothesis(new int[0], Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, false)
                    : top.get(0);
        }
    }

    /** GNMT's length penalty divides the log-probability; n is the number of scored tokens. */
    double normalise(double logP, int n) {
        if (lengthPenaltyAlpha == 0) {
            return logP;
        }
        return logP / Math.pow((5.0 + n) / 6.0, lengthPenaltyAlpha);
    }

    /**
     * Whether no live hypothesis can beat the k-th best finished one. A live hypothesis's logP can only fall,
     * and for logP <= 0 the most favourable penalty is the largest one it can reach (maxLength tokens plus
     * the end-of-sequence token).
     */
    private boolean cannotImprove(List<Hypothesis> finished, List<Double> liveLogP, int k) {
        if (finished.size() < k) {
            return false;
        }
        double[] scores = finished.stream().mapToDouble(Hypothesis::score).sorted().toArray();
        double kthBest = scores[scores.length - k];
        for (double logP : liveLogP) {
            if (logP > 0) {
                return false; // not a log-probability: no bound holds, search on
            }
            if (normalise(logP, maxLength + 1) > kthBest) {
                return false;
            }
        }
        return true;
    }

    private List<Candidate> bestTokens(int[] prefix, double logP, int hypothesis, float[] row,
                                       DecodingConstraint constraint, boolean lastStep) {
        List<Candidate> best = new ArrayList<>(beamWidth + 2);
        int from = lastStep ? eosToken : 0;
        int to = lastStep ? eosToken + 1 : row.length;
        for (int token = from; token < to; token++) {
            float value = row[token];
            if (!Float.isFinite(value)) {
                continue;
            }
            // The constraint is asked last: it may be the dearer check.
            double candidateLogP = logP + value;
            if (best.size() == beamWidth + 1 && candidateLogP <= best.get(beamWidth).logP) {
                continue;
            }
            if (constraint != DecodingConstraint.NONE && !constraint.allows(prefix, token)) {
                continue;
            }
            Candidate c = new Candidate(hypothesis, token, candidateLogP);
            int at = best.size();
            while (at > 0 && Candidate.ORDER.compare(c, best.get(at - 1)) < 0) {
                at--;
            }
            best.add(at, c);
            if (best.size() > beamWidth + 1) {
                best.remove(best.size() - 1);
            }
        }
        return best;
    }

    private void checkRows(float[][] rows, int expected) {
        if (rows == null || rows.length != expected) {
            throw new IllegalStateException("the scorer must return one row per prefix: asked for " + expected
                    + ", got " + (rows == null ? "null" : rows.length));
        }
        int width = rows[0].length;
        for (float[] row : rows) {
            if (row.length != width) {
                throw new IllegalStateException("the scorer's rows must all have the same width, got "
                        + width + " and " + row.length);
            }
        }
        if (eosToken >= width) {
            throw new IllegalStateException("eosToken " + eosToken + " is outside the scorer's vocabulary of "
                    + width + " tokens");
        }
    }

    private record Candidate(int hypothesis, int token, double logP) {
        /** Higher logP first; ties by earlier hypothesis, then lower token id. */
        static final Comparator<Candidate> ORDER = Comparator.comparingDouble(Candidate::logP).reversed()
                .thenComparingInt(Candidate::hypothesis).thenComparingInt(Candidate::token);
    }

}
