package io.github.goldkd.examples;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The loop settings every benchmark command takes ({@code @Mixin}), with the demo's values as defaults and
 * one validation, so that each benchmark accepts and refuses the same values.
 */
final class BenchLoopOptions {

    @Option(names = "--seeds", description = "Seeds per row (default: ${DEFAULT-VALUE}).")
    int seeds = 5;

    @Option(names = "--rounds", description = "Rounds per run (default: ${DEFAULT-VALUE}; a shipped sequence task's "
            + "ablation: its own budget, see BENCHMARKS.md).")
    int rounds = DemoCommand.SENTIMENT.rounds();

    @Option(names = "--batch-size", description = "Samples per batch (default: ${DEFAULT-VALUE}).")
    int batchSize = DemoCommand.SENTIMENT.batchSize();

    @Option(names = "--update-every", description = "Student update period (default: ${DEFAULT-VALUE}).")
    int updateEvery = DemoCommand.SENTIMENT.updateEvery();

    @Option(names = "--final-epochs", description = "Final epochs, also the real-pool ceiling's where one is "
            + "trained (default: ${DEFAULT-VALUE}).")
    int finalEpochs = DemoCommand.SENTIMENT.finalEpochs();

    /**
     * Takes these values for the loop options the command line did not give (a task's own budget instead of the
     * sentiment demo's).
     */
    void defaults(CommandLine.Model.CommandSpec spec, int rounds, int batchSize, int updateEvery, int finalEpochs) {
        CommandLine.ParseResult given = spec.commandLine().getParseResult();
        if (given == null || !given.hasMatchedOption("--rounds")) {
            this.rounds = rounds;
        }
        if (given == null || !given.hasMatchedOption("--batch-size")) {
            this.batchSize = batchSize;
        }
        if (given == null || !given.hasMatchedOption("--update-every")) {
            this.updateEvery = updateEvery;
        }
        if (given == null || !given.hasMatchedOption("--final-epochs")) {
            this.finalEpochs = finalEpochs;
        }
    }

    /** Refuses a value out of range with a usage error naming the option. */
    void validate(CommandLine.Model.CommandSpec spec) {
        Options.range(spec, "--seeds", seeds, 1, 100);
        Options.range(spec, "--rounds", rounds, 1, 1_000_000);
        Options.range(spec, "--batch-size", batchSize, 1, 10_000);
        Options.range(spec, "--update-every", updateEvery, 1, 1_000_000);
        Options.range(spec, "--final-epochs", finalEpochs, 1, 10_000);
    }
}
