package io.github.goldkd.examples;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.FeedbackMode;
import io.github.goldkd.core.GoldDistiller;
import io.github.goldkd.core.RunStore;
import io.github.goldkd.core.SymmetricCrossEntropyLoss;
import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.Task;
import io.github.goldkd.examples.report.ReportWriter;
import io.github.goldkd.ood.OodScores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

/**
 * {@code gold demo}: GOLD against the no-feedback baseline on the shipped sentiment task, offline, with the
 * corpus-backed teacher simulation; ends with a table of imdb accuracies and the real-data ceiling.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run GOLD and the no-feedback baseline on the sentiment task (offline) and compare them.")
final class DemoCommand implements Callable<Integer> {

    /** The demo's settings, chosen once (see the README) and not tuned to the result. */
    static final int ROUNDS = 40;
    static final int BATCH_SIZE = 8;
    static final int UPDATE_EVERY = 5;
    static final int FINAL_EPOCHS = 10;
    static final long SEED = 42;
    static final StudentChoice STUDENT = StudentChoice.ENCODER;

    @Option(names = "--out", description = "Output directory (default: runs/demo-<time>).")
    Path out;

    @Option(names = "--rounds", description = "Rounds per run (default: ${DEFAULT-VALUE}).")
    int rounds = ROUNDS;

    @Option(names = "--student", description = "bag, cnn or encoder (default: encoder).")
    String student = STUDENT.cliName();

    @Option(names = "--seed", description = "Master seed (default: ${DEFAULT-VALUE}).")
    long seed = SEED;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path dir = out != null ? out : Path.of("runs", "demo-" + LocalDateTime.now()
                .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Options.range(spec, "--rounds", rounds, 1, 1_000_000);
        StudentChoice choice;
        try {
            choice = StudentChoice.parse(student);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        DemoResult r = run(dir, rounds, choice, seed);
        PrintWriter w = spec.commandLine().getOut();
        w.println();
        w.println(r.table());
        w.println("report: " + r.report());
        return 0;
    }

    /**
     * What the demo measured.
     *
     * @param gold      imdb accuracy of the GOLD student
     * @param baseline  imdb accuracy of the no-feedback (ZeroGen-style) student
     * @param ceiling   imdb accuracy of the same student trained on the whole real pool
     * @param generated samples generated per run
     * @param report    the report's path
     */
    record DemoResult(double gold, double baseline, double ceiling, int generated, Path report) {
        String table() {
            String[][] rows = {
                    {"GOLD: generated with energy feedback (" + generated + " samples)", fmt(gold)},
                    {"no feedback, ZeroGen-style (" + generated + " samples)", fmt(baseline)},
                    {"the whole real pool, yelp + amazon (ceiling)", fmt(ceiling)}};
            int w = "student trained on".length();
            for (String[] r : rows) {
                w = Math.max(w, r[0].length());
            }
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "| %-" + w + "s | imdb accuracy |%n", "student trained on"));
            sb.append("|").append("-".repeat(w + 2)).append("|--------------:|\n");
            for (String[] r : rows) {
                sb.append(String.format(Locale.ROOT, "| %-" + w + "s | %13s |%n", r[0], r[1]));
            }
            return sb.toString().stripTrailing();
        }

        private static String fmt(double v) {
            return String.format(Locale.ROOT, "%.4f", v);
        }
    }

    /** Runs the demo into {@code dir} (testable: the CLI and the tests call this). */
    static DemoResult run(Path dir, int rounds, StudentChoice choice, long seed) {
        Task task = ShippedData.sentimentTask();
        Dataset pool = ShippedData.sentimentPool();
        Dataset test = ShippedData.sentimentTest();
        UnaryOperator<GoldDistiller.Builder> common = b -> b.oodScorer(OodScores.energy(1.0))
                .batchSize(BATCH_SIZE).rounds(rounds).updateStudentEvery(UPDATE_EVERY).finalEpochs(FINAL_EPOCHS)
                .seed(seed);
        Experiment.Outcome gold = Experiment.run(task, Teachers.corpus(task, pool), choice.factory(), test,
                dir.resolve("gold"), false, common);
        Experiment.Outcome base = Experiment.run(task, Teachers.corpus(task, pool), choice.factory(), test,
                dir.resolve("no-feedback"), false, b -> common.apply(b).feedbackMode(FeedbackMode.OFF_NO_PROBES));
        double ceiling = Experiment.ceiling(task, choice.factory(), pool, test, SymmetricCrossEntropyLoss.defaults(),
                BatchFilter.NONE, FINAL_EPOCHS, seed);
        Path report = ReportWriter.write(dir, "GOLD demo: sentiment, yelp + amazon → imdb", List.of(
                new ReportWriter.RunView("GOLD", RunStore.read(dir.resolve("gold")), gold.result().student(),
                        gold.testScore()),
                new ReportWriter.RunView("no feedback", RunStore.read(dir.resolve("no-feedback")),
                        base.result().student(), base.testScore())), test, OodScores.energy(1.0));
        gold.summary(seed, choice.cliName()).write(dir.resolve("gold"));
        base.summary(seed, choice.cliName()).write(dir.resolve("no-feedback"));
        new Summary().put("testAccuracy", gold.testScore()).put("baselineTestAccuracy", base.testScore())
                .put("ceilingTestAccuracy", ceiling).put("generatedSamples", gold.result().dataset().size())
                .put("requests", gold.requests() + base.requests())
                .put("promptTokens", gold.promptTokens() + base.promptTokens())
                .put("completionTokens", gold.completionTokens() + base.completionTokens())
                .put("seconds", gold.seconds() + base.seconds()).put("seed", seed).put("student", choice.cliName())
                .put("rounds", rounds).put("batchSize", BATCH_SIZE).put("updateStudentEvery", UPDATE_EVERY)
                .write(dir);
        return new DemoResult(gold.testScore(), base.testScore(), ceiling, gold.result().dataset().size(),
                report);
    }
}
