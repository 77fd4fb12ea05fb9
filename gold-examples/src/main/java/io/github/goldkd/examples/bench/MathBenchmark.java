package io.github.goldkd.examples.bench;

import io.github.goldkd.core.metric.Metrics;

/**
 * Seq2seq student on math word problems: trained on MAWPS + ASDiv-A (the shipped svamp pool), tested on SVAMP,
 * execution accuracy with greedy decoding (every few epochs) and beam search (at the end). Options: see
 * {@link SequenceBenchmarks#run}; {@code --encoder scratch|bge} chooses the encoder (from scratch, or frozen bge
 * token states of the problem text with trainable layers on top).
 */
public final class MathBenchmark {

    private MathBenchmark() {
    }

    public static void main(String[] args) {
        SequenceBenchmarks.run("svamp", Metrics.executionAccuracy(), args);
    }
}
