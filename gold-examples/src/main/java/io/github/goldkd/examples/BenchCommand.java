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

        @Option(names = "--monitor", description = "Test samples the in-loop student is scored on after each update, "
                + "for the learning curves: a fixed subset (seed " + DemoCommand.MONITOR_SEED + "); 0 = the whole "
                + "test set. Final students are always scored on the whole test set (default: the task's demo "
                + "setting, 100 for svamp, 50 for nl4opt, else 0).")
        Integer monitor;

        @Option(names = "--ceiling-epochs", description = "Epochs of the ceiling row's training on the whole pool "
                + "(default: --final-epochs; a shipped sequence task: its budget's, see BENCHMARKS.md).")
        Integer ceilingEpochs;

        @Option(names = "--first-seed", description = "First seed of every row: the rows run seeds --first-seed .. "
                + "--first-seed + --seeds - 1, so that a table can be split over processes, e.g. --seeds 3 and "
                + "--first-seed 4 --seeds 2 (default: ${DEFAULT-VALUE}).")
        int firstSeed = 1;

        @CommandLine.Mixin
        BenchLoopOptions loop = new BenchLoopOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            loop.validate(spec);
            Options.range(spec, "--update-epochs", updateEpochs, 1, 1_000);
            Options.range(spec, "--first-seed", firstSeed, 1, 1_000_000);
            TaskOption taskOption = TaskOption.resolve(spec.commandLine(), task == null ? "sentiment" : task);
            if (!taskOption.shipped() && (pool == null || test == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--task FILE needs --pool and --test (a shipped task defaults to its own files)");
            }
            io.github.goldkd.core.TaskKind kind = taskOption.task().kind();
            // a shipped sequence task runs at its own budget unless the options say otherwise
            DemoCommand.Settings demo = taskOption.shipped() && kind.isSequence()
                    ? DemoCommand.DEMOS.get(taskOption.name()) : null;
            AblationBenchmark.Budget budget = demo == null ? null : AblationBenchmark.BUDGETS.get(taskOption.name());
            if (budget != null) {
                loop.defaults(spec, budget.rounds(), budget.batchSize(), budget.updateEvery(), budget.finalEpochs());
            }
            int monitorSize = monitor != null ? monitor : demo != null ? demo.monitorSize() : 0;
            int ceiling = ceilingEpochs != null ? ceilingEpochs : budget != null ? budget.ceilingEpochs() : loop.finalEpochs;
            Options.range(spec, "--ceiling-epochs", ceiling, 1, 10_000);
            Options.range(spec, "--monitor", monitorSize, 0, 1_000_000);
            List<AblationBenchmark.Row> rows;
            try {
                rows = selectors == null ? AblationBenchmark.rows(kind) : AblationBenchmark.selection(selectors, kind);
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
                    loop.updateEvery, updateEpochs, loop.finalEpochs, loop.seeds, choices, monitorSize,
                    c -> demo != null ? demo.factory(c) : c.factory(), ceiling,
                    demo != null ? demo.finalLoss() : io.github.goldkd.core.SymmetricCrossEntropyLoss.defaults(),
                    firstSeed);
            String monitored = monitorSize == 0 || monitorSize >= ts.size() ? "the whole test set (" + ts.size() + ")"
                    : "a fixed subset of " + monitorSize + " of the " + ts.size() + " test samples (seed "
                    + DemoCommand.MONITOR_SEED + ")";
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
                trace.append("\n## What GOLD fed back (").append(c.cliName()).append(", seed ").append(firstSeed)
                        .append(")\n\n").append(AblationBenchmark.feedbackTrace(dir.resolve(c.cliName())
                                .resolve(AblationBenchmark.slug(goldRow)).resolve("seed-" + firstSeed), 4));
            }
            String curves = AblationBenchmark.curves(dir, results, rows, t.name(), metric, monitored);
            double seconds = (System.nanoTime() - start) / 1e9;
            String md = "# Ablation: " + t.name() + "\n\n" + String.format(java.util.Locale.ROOT,
                    "%d rounds × batch %d, update every %d rounds (%d epoch(s) each), %d final epochs, seeds %d..%d; "
                            + "%.0f s. Final students scored on the whole test set (%d); the in-loop student on %s.%s%n%n",
                    loop.rounds, loop.batchSize, loop.updateEvery, updateEpochs, loop.finalEpochs,
                    firstSeed, firstSeed + loop.seeds - 1, seconds, ts.size(), monitored, " Final loss " + settings.finalLoss().name() + "."
                            + (rows.stream().anyMatch(AblationBenchmark.Row::isCeiling) ? " The ceiling trains "
                            + ceiling + " epoch(s) on the whole pool (" + p.size() + ")." : ""))
                    + table + "\n`*`: the paired difference to random feedback (row minus "
                    + "random, seed by seed) exceeds its standard deviation.\n" + curves + trace;
            AblationBenchmark.writeReport(dir.resolve("ablation.md"), md);
            Summary summary = new Summary().put("seeds", loop.seeds).put("rounds", loop.rounds).put("batchSize", loop.batchSize)
                    .put("updateStudentEvery", loop.updateEvery).put("finalEpochs", loop.finalEpochs)
                    .put("ceilingEpochs", ceiling)
                    .put("monitorSamples", monitorSize == 0 ? ts.size() : Math.min(monitorSize, ts.size()))
                    .put("seconds", seconds).put("seed", firstSeed).put("requests", 0).put("promptTokens", 0)
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
