package io.github.goldkd.examples;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Task;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code gold bench}: benchmark programs of the command line. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {BenchCommand.Ablation.class, PairBenchmark.Cli.class, TeacherBenchmark.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a benchmark is required: ablation, pairs or teacher");
    }

    /** {@code gold bench ablation}: the feedback ablation, on the shipped data or on any pool and test file. */
    @Command(name = "ablation", mixinStandardHelpOptions = true,
            description = "Compare GOLD with its ablations at an equal number of generated samples.")
    static final class Ablation implements Callable<Integer> {

        @Option(names = "--students", split = ",", description = "Students to compare (default: bag,encoder for a "
                + "classification task, else the student of the task's kind).")
        List<String> students;

        @Option(names = "--task", description = "Task file or a shipped task: sentiment, qnli, squad, svamp or nl4opt "
                + "(default: sentiment).")
        String task;

        @Option(names = "--pool", description = "Labelled file the corpus teacher answers from (default for a shipped "
                + "task: its pool; for sentiment yelp + amazon).")
        Path pool;

        @Option(names = "--test", description = "Labelled test file (default for a shipped task: its test set; for "
                + "sentiment imdb).")
        Path test;

        @Option(names = "--update-epochs", description = "Epochs per in-loop student update (default: ${DEFAULT-VALUE}, "
                + "the reference's one pass).")
        int updateEpochs = 1;

        @Option(names = "--out", description = "Output directory (default: runs/ablation-<time>).")
        Path out;

        @Option(names = "--selectors", split = ",", description = "Selection rules to compare instead of the "
                + "first ablation's rows, e.g. per-class,diverse,misfit,soft,gold+fresh,random+accumulate; no "
                + "feedback, random feedback and GOLD always run as baselines. Every row shows its paired "
                + "difference to random feedback (same seeds).")
        List<String> selectors;

        @CommandLine.Mixin
        BenchLoopOptions loop = new BenchLoopOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            loop.validate(spec);
            Options.range(spec, "--update-epochs", updateEpochs, 1, 1_000);
            TaskOption taskOption = TaskOption.resolve(spec.commandLine(), task == null ? "sentiment" : task);
            if (!taskOption.shipped() && (pool == null || test == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--task FILE needs --pool and --test (a shipped task defaults to its own files)");
            }
            List<AblationBenchmark.Row> rows;
            try {
                rows = selectors == null ? AblationBenchmark.rows() : AblationBenchmark.selection(selectors);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--selectors: " + e.getMessage());
            }
            List<StudentChoice> choices = new ArrayList<>();
            if (students == null) {
                if (taskOption.task().kind() == io.github.goldkd.core.TaskKind.CLASSIFICATION) {
                    choices.addAll(List.of(StudentChoice.BAG, StudentChoice.ENCODER));
                } else {
                    choices.add(taskOption.student(spec.commandLine(), null, StudentChoice.BAG));
                }
            } else {
                for (String s : students) {
                    choices.add(taskOption.student(spec.commandLine(), s, StudentChoice.BAG));
                }
            }
            Task t = taskOption.task();
            Dataset p = taskOption.pool(pool);
            Dataset ts = taskOption.test(test);
            Path dir = out != null ? out : Path.of("runs", "ablation-" + LocalDateTime.now()
                    .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            PrintWriter w = spec.commandLine().getOut();
            AblationBenchmark.Settings settings = new AblationBenchmark.Settings(loop.rounds, loop.batchSize,
                    loop.updateEvery, updateEpochs, loop.finalEpochs, loop.seeds, choices);
            long start = System.nanoTime();
            Map<StudentChoice, Map<String, AblationBenchmark.Cell>> results =
                    AblationBenchmark.run(t, p, ts, settings, rows, dir, line -> {
                        w.println(line);
                        w.flush();
                    });
            String metric = io.github.goldkd.core.metric.Metrics.defaultFor(t.kind()).name();
            String table = AblationBenchmark.table(results, rows, loop.seeds, metric);
            String goldRow = AblationBenchmark.named(AblationBenchmark.GOLD).name();
            StringBuilder trace = new StringBuilder();
            for (StudentChoice c : choices) {
                trace.append("\n## What GOLD fed back (").append(c.cliName()).append(", seed 1)\n\n")
                        .append(AblationBenchmark.feedbackTrace(dir.resolve(c.cliName())
                                .resolve(AblationBenchmark.slug(goldRow)).resolve("seed-1"), 4));
            }
            String curves = AblationBenchmark.curves(dir, results, rows, t.name(), metric);
            double seconds = (System.nanoTime() - start) / 1e9;
            String md = "# Ablation: " + t.name() + "\n\n" + String.format(java.util.Locale.ROOT,
                    "%d rounds × batch %d, update every %d rounds (%d epoch(s) each), %d final epochs, seeds 1..%d; "
                            + "%.0f s.%n%n", loop.rounds, loop.batchSize, loop.updateEvery, updateEpochs, loop.finalEpochs,
                    loop.seeds, seconds) + table + "\n`*`: the paired difference to random feedback (row minus "
                    + "random, seed by seed) exceeds its standard deviation.\n" + curves + trace;
            AblationBenchmark.writeReport(dir.resolve("ablation.md"), md);
            Summary summary = new Summary().put("seeds", loop.seeds).put("rounds", loop.rounds).put("batchSize", loop.batchSize)
                    .put("seconds", seconds).put("seed", 1).put("requests", 0).put("promptTokens", 0)
                    .put("completionTokens", 0);
            results.forEach((student, cells) -> cells.forEach((row, cell) -> {
                summary.put(student.cliName() + " " + row, cell.values());
                summary.put("generatedSamples", cell.generated());
            }));
            double goldMean = results.values().iterator().next().get(goldRow).mean();
            summary.put("metric", io.github.goldkd.core.metric.Metrics.defaultFor(t.kind()).name())
                    .put("testScore", goldMean);
            if (t.kind() == io.github.goldkd.core.TaskKind.CLASSIFICATION) {
                summary.put("testAccuracy", goldMean);
            }
            summary.write(dir);
            w.println();
            w.println(table);
            w.println("report: " + dir.resolve("ablation.md"));
            return 0;
        }
    }
}
