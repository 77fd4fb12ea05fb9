package io.github.goldkd.examples.bench;

import io.github.goldkd.core.metric.Metrics;

/**
 * Seq2seq student (copy mode) on NL4OPT: trained on the shipped nl4opt pool (the competition's 289-problem test
 * split), tested on its 99 dev problems, ROUGE-L with greedy decoding (every few epochs) and beam search (at the
 * end). Options: see {@link SequenceBenchmarks#run}.
 */
public final class FormulationBenchmark {

    private FormulationBenchmark() {
    }

    public static void main(String[] args) {
        SequenceBenchmarks.run("nl4opt", Metrics.rougeL(), args);
    }
}
