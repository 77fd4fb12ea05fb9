package io.github.goldkd.student.seq;

import java.util.List;

/**
 * The model side of a host-side decoding loop, bound to one source sequence (its encoder output computed
 * once): the log-probabilities of the next output token after each of several prefixes. Beam search asks for
 * all live beams of a source at once, so an implementation can run them as one batch.
 */
@FunctionalInterface
public interface NextTokenScorer {

    /**
     * @param prefixes the output tokens decoded so far, one array per live hypothesis (possibly empty: the
     *                 first step); implementations must not modify them
     * @return one row per prefix, in order, of log-probabilities over the output vocabulary (every row of
     *         the same width)
     */
    float[][] logProbabilities(List<int[]> prefixes);
}
