package io.github.goldkd.examples;

import io.github.goldkd.core.CrossEntropyLoss;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.FeedbackLifetime;
import io.github.goldkd.core.FeedbackMode;
import io.github.goldkd.core.GoldDistiller;
import io.github.goldkd.core.RoundReport;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Selection;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.SymmetricCrossEntropyLoss;
import io.github.goldkd.core.Loss;
import io.github.goldkd.core.metric.Metrics;
import io.github.goldkd.ood.BatchFilters;
import io.github.goldkd.ood.FeedbackSelectors;
import io.github.goldkd.ood.OodScores;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The feedback ablation: every row generates the same number of samples with the same teacher and seeds,
 * and differs in one thing only. Accuracy on the test set is reported as mean ± standard deviation over
 * seeds, per student.
 */
final class AblationBenchmark {

    /**
     * One row.
     *
     * @param cli    the row's name on the command line ({@code --selectors})
     * @param name   what the row changes
     * @param change the builder change against the GOLD defaults
     */
    record Row(String cli, String name, UnaryOperator<GoldDistiller.Builder> change) {

        /** Whether this row trains on the real pool instead of running the loop (its change is unused). */
        boolean isCeiling() {
            return cli.equals(CEILING);
        }
    }

    /** The command-line name of the row every other row is paired with. */
    static final String RANDOM = "random";
    /** The command-line name of the reference GOLD row. */
    static final String GOLD = "gold";
    /** The command-line name of the no-feedback row (ZeroGen-style). */
    static final String NONE = "none";
    /** The command-line name of the probes-kept row. */
    static final String PROBES_KEPT = "probes-kept";
    /**
     * The command-line name of the ceiling row: no loop, a fresh student trained on the whole real pool like a
     * final student (the final epochs and loss), one per seed.
     */
    static final String CEILING = "ceiling";
    /** The rule that needs teacher labels, which sequence tasks do not have. */
    static final String PER_CLASS = "per-class";

    /**
     * A shipped sequence task's ablation budget: smaller than its demo's, because the table runs every row at
     * five seeds (issue 12: each task's whole table within about 25 minutes on the reference machine). The
     * command line's loop options override it.
     */
    record Budget(int rounds, int batchSize, int updateEvery, int finalEpochs, int ceilingEpochs) {
    }

    /**
     * The sequence tasks' ablation budgets, by shipped task name, chosen by cost (measured speeds of the demos)
     * before any table was run: each task's table, rows times five seeds, in about 25 minutes of one core. The
     * ceiling trains one epoch over the whole pool: 98 steps of 32 on SVAMP's 3,138 problems, already more
     * steps than a generated run's final training gets (svamp: 192 samples, 4 epochs, 24 steps), where five
     * seeds of four epochs would take longer than the rest of the table. nl4opt's first budget (6 rounds, 3 final
     * epochs, a one-epoch ceiling) taught no student, the ceiling included, to write a formulation (BENCHMARKS.md),
     * so its table runs at twice the samples with six final and ceiling epochs, where the ceiling and the loop
     * rows do learn: about 2.5 minutes of one core per run.
     */
    static final Map<String, Budget> BUDGETS = Map.of(
            "squad", new Budget(6, 8, 3, 3, 1),
            "svamp", new Budget(12, 8, 6, 4, 1),
            "nl4opt", new Budget(12, 8, 6, 6, 6));

    /** Issue 17's soft-selection temperature: the least familiar probe e^4 times as likely as the most familiar. */
    static final double SOFT_TEMPERATURE = 0.25;

    /** The rows of the first ablation, in order: what {@code gold bench ablation} runs without --selectors. */
    static List<Row> rows() {
        return List.of(named(NONE), named(PROBES_KEPT), named(RANDOM), named(GOLD), named("max-softmax"),
                named("cross-entropy"), named("filter-low"), named("filter-high"));
    }

    /**
     * What {@code gold bench ablation} runs without --selectors for a task of {@code kind}: the first ablation's
     * rows for classification; for a sequence task issue 12's five rows, (1) no feedback, (2) probes kept,
     * (3) random feedback, (4) GOLD and (5) the real-pool ceiling (the classifier rows (5)-(7) are about
     * classification students and are left out where every run costs minutes).
     */
    static List<Row> rows(TaskKind kind) {
        return kind.isSequence() ? List.of(named(NONE), named(PROBES_KEPT), named(RANDOM), named(GOLD), named(CEILING))
                : rows();
    }

    /**
     * Every row by command-line name: the first ablation's rows, then issue 17's selection rules. Loop
     * modifiers ({@link #MODIFIERS}) join a name with '+', e.g. {@code misfit+fresh}.
     */
    private static Map<String, Row> catalogue() {
        Map<String, Row> m = new LinkedHashMap<>();
        for (Row r : List.of(
                new Row(NONE, "(1) no probes, no feedback (ZeroGen-style)", b -> b.feedbackMode(FeedbackMode.OFF_NO_PROBES)),
                new Row(PROBES_KEPT, "(2) probes kept, no feedback", b -> b.feedbackMode(FeedbackMode.OFF_PROBES_KEPT)),
                new Row(RANDOM, "(3) random feedback from the probe batch", b -> b.selector(FeedbackSelectors.randomBand())),
                new Row(GOLD, "(4) GOLD: energy band [0.5, 0.8)", b -> b),
                new Row("max-softmax", "(5) max-softmax instead of energy", b -> b.oodScorer(OodScores.maxSoftmax())),
                new Row("cross-entropy", "(6) cross-entropy instead of SCE", b -> b.finalLoss(new CrossEntropyLoss())),
                new Row("filter-low", "(7a) energy filter, drops the low-energy half", b -> b.batchFilter(
                        BatchFilters.dropLowest(OodScores.energy(1.0), 0.5))),
                new Row("filter-high", "(7b) energy filter, drops the high-energy half", b -> b.batchFilter(
                        BatchFilters.dropHighest(OodScores.energy(1.0), 0.5))),
                new Row(PER_CLASS, "per-class energy band [0.5, 0.8)",
                        b -> b.selector(FeedbackSelectors.perClassBand(0.5, 0.8))),
                new Row("diverse", "diverse: TF-IDF farthest point in the unfamiliar half",
                        b -> b.selector(FeedbackSelectors.diverseBand(0.5, 0.8))),
                new Row("misfit", "misfit: the student disagrees with the teacher's label or target",
                        b -> b.selector(FeedbackSelectors.misfit(0.5, 0.8))),
                new Row("soft", "soft: drawn with weight exp((rank quantile - 1) / 0.25)",
                        b -> b.selector(FeedbackSelectors.soft(0.5, 0.8, SOFT_TEMPERATURE))),
                new Row(CEILING, "(5) the whole real pool (ceiling)", b -> b))) {
            m.put(r.cli(), r);
        }
        return m;
    }

    /**
     * Loop settings a row name can add after '+': {@code fresh} updates the in-loop student every round with
     * one more pass over all data so far, continuing from its weights (the existing updateStudentEvery = 1,
     * updateEpochs = 1), so every selection reads current scores; {@code accumulate} keeps earlier feedback
     * (the existing feedbackLifetime ACCUMULATE, up to feedbackPoolLimit examples) instead of replacing it.
     */
    static final Map<String, UnaryOperator<GoldDistiller.Builder>> MODIFIERS = Map.of(
            "fresh", b -> b.updateStudentEvery(1).updateEpochs(1),
            "accumulate", b -> b.feedbackLifetime(FeedbackLifetime.ACCUMULATE));

    /** The names {@link #named} accepts, for a usage message. */
    static String names() {
        return String.join(", ", catalogue().keySet()) + "; add +" + String.join(" or +",
                MODIFIERS.keySet().stream().sorted().toList()) + " to any of them (e.g. misfit+fresh)";
    }

    /** The row a command-line name stands for, e.g. {@code misfit} or {@code gold+fresh}. */
    static Row named(String spec) {
        String[] parts = spec.strip().split("\\+");
        Row base = catalogue().get(parts[0].strip());
        if (base == null) {
            throw new IllegalArgumentException("unknown selection rule '" + spec + "'; allowed: " + names());
        }
        if (base.isCeiling() && parts.length > 1) {
            throw new IllegalArgumentException("'" + spec + "': the ceiling runs no loop, so it takes no +"
                    + parts[1].strip());
        }
        UnaryOperator<GoldDistiller.Builder> change = base.change();
        StringBuilder name = new StringBuilder(base.name());
        StringBuilder cli = new StringBuilder(base.cli());
        for (int i = 1; i < parts.length; i++) {
            String mod = parts[i].strip();
            UnaryOperator<GoldDistiller.Builder> extra = MODIFIERS.get(mod);
            if (extra == null) {
                throw new IllegalArgumentException("unknown modifier '+" + mod + "' in '" + spec + "'; allowed: "
                        + names());
            }
            UnaryOperator<GoldDistiller.Builder> before = change;
            change = b -> extra.apply(before.apply(b));
            name.append(" + ").append(mod);
            cli.append('+').append(mod);
        }
        return new Row(cli.toString(), name.toString(), change);
    }

    /**
     * The rows of a {@code --selectors} run: no feedback, random feedback and GOLD first (the baselines of
     * the paired differences and the curves), then the given rules in order, each once.
     */
    static List<Row> selection(List<String> specs) {
        return selection(specs, TaskKind.CLASSIFICATION);
    }

    /**
     * The rows of a {@code --selectors} run on a task of {@code kind}. For a sequence task the baselines are
     * issue 12's rows, (1) no feedback, (2) probes kept, (3) random, (4) GOLD, then the given rules, then
     * (5) the ceiling, so that one run gives the task's whole table. {@code per-class} is refused for a
     * sequence task: its band is computed within each teacher label, sequence samples have none, and the rule
     * would be the plain band, i.e. a second GOLD row.
     *
     * @throws IllegalArgumentException for an unknown name, or per-class on a sequence task
     */
    static List<Row> selection(List<String> specs, TaskKind kind) {
        Map<String, Row> rows = new LinkedHashMap<>();
        List<String> baselines = kind.isSequence() ? List.of(NONE, PROBES_KEPT, RANDOM, GOLD) : List.of(NONE, RANDOM, GOLD);
        for (String spec : concat(baselines, specs)) {
            Row r = named(spec);
            if (kind.isSequence() && r.cli().split("\\+")[0].equals(PER_CLASS)) {
                throw new IllegalArgumentException("'" + spec + "' computes the band within each teacher label, "
                        + "and a " + kind.name().toLowerCase(Locale.ROOT) + " task has no labels: every probe "
                        + "would form one group and the rule would be the plain band, i.e. 'gold'; choose among "
                        + names().replace(PER_CLASS + ", ", ""));
            }
            if (!r.isCeiling()) {
                rows.putIfAbsent(r.cli(), r);
            }
        }
        if (kind.isSequence() || specs.stream().anyMatch(x -> x.strip().equals(CEILING))) {
            Row c = named(CEILING);
            rows.put(c.cli(), c);
        }
        return List.copyOf(rows.values());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /**
     * Settings of a benchmark run.
     *
     * @param rounds      rounds per run
     * @param batchSize   samples per batch
     * @param updateEvery  student update period
     * @param updateEpochs epochs per in-loop update
     * @param finalEpochs final epochs
     * @param seeds       seeds 1..seeds
     * @param students    the students to compare
     * @param monitorSize test samples the in-loop student is scored on after each update, for the curves (a
     *                    fixed subset, {@link Experiment#monitorSubset} with {@link DemoCommand#MONITOR_SEED});
     *                    0 = the whole test set. Final students are always scored on the whole test set.
     * @param factories   the student factory of each choice (the demos' seq2seq configuration, for example)
     * @param ceilingEpochs epochs of the ceiling row's training on the whole pool
     * @param finalLoss   the loss of every row's final student and of the ceiling (rows may change it, as
     *                    cross-entropy does)
     * @param firstSeed   the first of the seeds: a row runs seeds firstSeed..firstSeed + seeds - 1, so that one
     *                    table can be run in parts (one process per part) and the parts' seeds stay those of
     *                    the whole table
     */
    record Settings(int rounds, int batchSize, int updateEvery, int updateEpochs, int finalEpochs, int seeds,
                    List<StudentChoice> students, int monitorSize, Function<StudentChoice, StudentFactory> factories,
                    int ceilingEpochs, Loss finalLoss, int firstSeed) {

        Settings {
            if (firstSeed < 1) {
                throw new IllegalArgumentException("firstSeed must be >= 1, was " + firstSeed);
            }
            if (monitorSize < 0) {
                throw new IllegalArgumentException("monitorSize must be >= 0 (0 = the whole test set), was "
                        + monitorSize);
            }
            if (ceilingEpochs < 1) {
                throw new IllegalArgumentException("ceilingEpochs must be >= 1, was " + ceilingEpochs);
            }
            if (finalLoss == null) {
                throw new IllegalArgumentException("finalLoss must not be null");
            }
        }

        /** Seeds 1..seeds. */
        Settings(int rounds, int batchSize, int updateEvery, int updateEpochs, int finalEpochs, int seeds,
                 List<StudentChoice> students, int monitorSize, Function<StudentChoice, StudentFactory> factories,
                 int ceilingEpochs, Loss finalLoss) {
            this(rounds, batchSize, updateEvery, updateEpochs, finalEpochs, seeds, students, monitorSize, factories,
                    ceilingEpochs, finalLoss, 1);
        }

        /** Every student with its default configuration, monitored on the whole test set. */
        Settings(int rounds, int batchSize, int updateEvery, int updateEpochs, int finalEpochs, int seeds,
                 List<StudentChoice> students) {
            this(rounds, batchSize, updateEvery, updateEpochs, finalEpochs, seeds, students, 0, StudentChoice::factory,
                    finalEpochs, SymmetricCrossEntropyLoss.defaults());
        }
    }

    /**
     * One cell: mean, standard deviation and the per-seed values of the final student's test score, the
     * in-loop student's mean monitoring score after each update against the samples generated before it, and
     * the mean wall time of one run (of one ceiling training and scoring for the ceiling row).
     *
     * @param generated samples generated per run; for the ceiling, the real pool's size
     */
    record Cell(double mean, double sd, List<Double> values, int generated, double[][] curve, double seconds) {
    }

    /**
     * Runs every row for every student and seed; returns cells by student then row name. Progress lines go to
     * {@code progress}. The monitoring set ({@code s.monitorSize()} of the test set, or all of it) is scored
     * after each in-loop update, for the learning curves only: the loop never reads the score. Final students
     * and ceilings are scored on the whole test set.
     */
    static Map<StudentChoice, Map<String, Cell>> run(Task task, Dataset pool, Dataset test, Settings s, List<Row> rows,
                                                    Path dir, Consumer<String> progress) {
        Dataset monitor = Experiment.monitorSubset(test, s.monitorSize(), DemoCommand.MONITOR_SEED);
        Map<StudentChoice, Map<String, Cell>> out = new LinkedHashMap<>();
        for (StudentChoice student : s.students()) {
            StudentFactory factory = s.factories().apply(student);
            Map<String, Cell> cells = new LinkedHashMap<>();
            for (Row row : rows) {
                SummaryStatistics stats = new SummaryStatistics();
                SummaryStatistics seconds = new SummaryStatistics();
                List<Double> values = new ArrayList<>();
                List<double[][]> curves = new ArrayList<>();
                int generated = -1;
                for (int seed = s.firstSeed(); seed < s.firstSeed() + s.seeds(); seed++) {
                    long sd = seed;
                    double score;
                    double runSeconds;
                    int size;
                    if (row.isCeiling()) {
                        long start = System.nanoTime();
                        score = Experiment.ceiling(task, factory, pool, test, s.finalLoss(),
                                BatchFilter.NONE, s.ceilingEpochs(), sd);
                        runSeconds = (System.nanoTime() - start) / 1e9;
                        size = pool.size();
                    } else {
                        Path runDir = dir.resolve(student.cliName()).resolve(slug(row.name())).resolve("seed-" + seed);
                        Experiment.Outcome o = Experiment.run(task, Teachers.corpus(task, pool), factory, test, monitor,
                                runDir, b -> row.change().apply(b.oodScorer(OodScores.energy(1.0)).finalLoss(s.finalLoss())
                                        .rounds(s.rounds()).batchSize(s.batchSize()).updateStudentEvery(s.updateEvery())
                                        .updateEpochs(s.updateEpochs())
                                        .finalEpochs(s.finalEpochs()).seed(sd)));
                        score = o.testScore();
                        runSeconds = o.seconds();
                        size = o.result().dataset().size();
                        curves.add(curve(o.result().rounds()));
                        if (generated >= 0 && generated != size) {
                            throw new IllegalStateException("row " + row.name() + " generated " + size
                                    + " samples with seed " + seed + ", " + generated + " before: totals must be equal");
                        }
                    }
                    stats.addValue(score);
                    seconds.addValue(runSeconds);
                    values.add(score);
                    generated = size;
                    progress.accept(String.format(Locale.ROOT, "%-8s %-48s seed %d: %s %.4f (%d samples, %.1f s)",
                            student.cliName(), row.name(), seed, Metrics.defaultFor(task.kind()).name(), score,
                            generated, runSeconds));
                }
                cells.put(row.name(), new Cell(stats.getMean(), stats.getStandardDeviation(), values, generated,
                        meanCurve(curves), seconds.getMean()));
            }
            out.put(student, cells);
        }
        return out;
    }

    /** {samples generated before the update, in-loop test score} at each round that updated and scored. */
    static double[][] curve(List<RoundReport> rounds) {
        List<double[]> points = new ArrayList<>();
        int before = 0;
        for (RoundReport r : rounds) {
            if (r.studentScore() != null) {
                points.add(new double[] {before, r.studentScore()});
            }
            before += r.generated();
        }
        return points.toArray(double[][]::new);
    }

    /** The pointwise mean over seeds, on the points all seeds have (equal budgets give equal x). */
    static double[][] meanCurve(List<double[][]> curves) {
        int n = curves.stream().mapToInt(c -> c.length).min().orElse(0);
        double[][] out = new double[n][2];
        for (int i = 0; i < n; i++) {
            for (double[][] c : curves) {
                out[i][0] += c[i][0] / curves.size();
                out[i][1] += c[i][1] / curves.size();
            }
        }
        return out;
    }

    /**
     * The results as a Markdown table: per student the mean ± sd over seeds, the paired difference to
     * random feedback (row minus random, seed by seed) as mean ± sd of the differences, marked with
     * {@code *} where the mean difference exceeds its sd, and the mean wall seconds of one run. The samples
     * column is what each run generated; for the ceiling, the size of the real pool it trained on.
     */
    static String table(Map<StudentChoice, Map<String, Cell>> results, List<Row> rows, int seeds, String metric) {
        StringBuilder sb = new StringBuilder();
        sb.append("| row | samples |");
        results.keySet().forEach(s -> sb.append(' ').append(s.cliName()).append(' ').append(metric).append(" (")
                .append(seeds).append(" seeds) | ").append(s.cliName()).append(" − random, paired | ")
                .append(s.cliName()).append(" s / run |"));
        sb.append("\n|---|---:|");
        results.keySet().forEach(s -> sb.append("---:|---:|---:|"));
        sb.append('\n');
        Map<String, Integer> generated = new HashMap<>();
        results.values().forEach(m -> m.forEach((k, v) -> generated.put(k, v.generated())));
        String random = named(RANDOM).name();
        for (Row row : rows) {
            sb.append("| ").append(row.name()).append(" | ").append(generated.get(row.name())).append(" |");
            for (Map<String, Cell> cells : results.values()) {
                Cell c = cells.get(row.name());
                sb.append(String.format(Locale.ROOT, " %.4f ± %.4f |", c.mean(), c.sd()));
                Cell base = cells.get(random);
                // the ceiling is no selection rule: a difference to random feedback would only restate the gap
                if (base == null || row.name().equals(random) || row.isCeiling()) {
                    sb.append(" |");
                } else {
                    double[] d = paired(c, base);
                    sb.append(String.format(Locale.ROOT, " %+.4f ± %.4f%s |", d[0], d[1], d[0] > d[1] ? " *" : ""));
                }
                sb.append(String.format(Locale.ROOT, " %.0f |", c.seconds()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Mean and standard deviation of {@code a - b} seed by seed. */
    static double[] paired(Cell a, Cell b) {
        SummaryStatistics d = new SummaryStatistics();
        for (int i = 0; i < Math.min(a.values().size(), b.values().size()); i++) {
            d.addValue(a.values().get(i) - b.values().get(i));
        }
        return new double[] {d.getMean(), d.getN() > 1 ? d.getStandardDeviation() : 0.0};
    }

    /**
     * The row with the largest paired difference to random feedback for one student, among the rows that are
     * not a baseline (no feedback, probes kept, random, GOLD, the ceiling); null when there is none.
     */
    static Row best(Map<String, Cell> cells, List<Row> rows) {
        Cell base = cells.get(named(RANDOM).name());
        Row best = null;
        double bestDiff = Double.NEGATIVE_INFINITY;
        for (Row r : rows) {
            if (List.of(NONE, PROBES_KEPT, RANDOM, GOLD, CEILING).contains(r.cli()) || base == null) {
                continue;
            }
            double d = paired(cells.get(r.name()), base)[0];
            if (d > bestDiff) {
                bestDiff = d;
                best = r;
            }
        }
        return best;
    }

    /**
     * One learning-curve chart per student in {@code dir} ({@code curve-<student>.png}): the in-loop student's
     * mean test score against the samples generated so far, for no feedback, random feedback, GOLD and the
     * rule with the largest paired gain over random. Returns the Markdown that shows them.
     */
    static String curves(Path dir, Map<StudentChoice, Map<String, Cell>> results, List<Row> rows, String taskName,
                         String metric, String monitored) {
        StringBuilder md = new StringBuilder();
        for (Map.Entry<StudentChoice, Map<String, Cell>> e : results.entrySet()) {
            Map<String, double[][]> series = new LinkedHashMap<>();
            List<Row> shown = new ArrayList<>();
            for (String cli : List.of(NONE, RANDOM, GOLD)) {
                rows.stream().filter(r -> r.cli().equals(cli)).findFirst().ifPresent(shown::add);
            }
            Row best = best(e.getValue(), rows);
            if (best != null) {
                shown.add(best);
            }
            for (Row r : shown) {
                Cell c = e.getValue().get(r.name());
                if (c != null && c.curve().length > 0) {
                    series.put(r.cli() + (r == best ? " (best rule)" : ""), c.curve());
                }
            }
            if (series.isEmpty()) {
                continue;
            }
            String file = "curve-" + e.getKey().cliName() + ".png";
            try {
                io.github.goldkd.examples.report.ReportWriter.lineChart(dir.resolve(file), taskName + ", "
                        + e.getKey().cliName() + ": in-loop student on " + monitored, "samples generated", metric,
                        series);
            } catch (IOException ex) {
                throw new io.github.goldkd.core.GoldException("cannot write " + dir.resolve(file) + ": "
                        + ex.getMessage(), ex);
            }
            md.append("\n## Learning curves (").append(e.getKey().cliName()).append(")\n\n![").append(file)
                    .append("](").append(file).append(")\n\nThe in-loop student's ").append(metric).append(" on ")
                    .append(monitored)
                    .append(" after each update, mean over seeds, against the samples generated before it:\n\n")
                    .append("| samples |");
            series.keySet().forEach(k -> md.append(' ').append(k).append(" |"));
            md.append("\n|---:|");
            series.keySet().forEach(k -> md.append("---:|"));
            md.append('\n');
            double[][] first = series.values().iterator().next();
            // Rows with another update cadence (+fresh) have more points; the table shows the x of the first.
            for (double[] point : first) {
                md.append(String.format(Locale.ROOT, "| %.0f |", point[0]));
                for (double[][] c : series.values()) {
                    md.append(String.format(Locale.ROOT, " %s |", valueAt(c, point[0])));
                }
                md.append('\n');
            }
        }
        return md.toString();
    }

    private static String valueAt(double[][] curve, double x) {
        for (double[] p : curve) {
            if (p[0] == x) {
                return String.format(Locale.ROOT, "%.4f", p[1]);
            }
        }
        return "";
    }

    /**
     * What GOLD fed back in one run and what the teacher answered with it: the evidence for (or against) the
     * method on this data. Only selections that reached a prompt are shown (with feedback every P rounds, a
     * selection replaced before the next feedback round never does), spread over the run, each with the
     * energy range of its probe batch: a student whose energies do not spread cannot tell familiar from not.
     */
    static String feedbackTrace(Path runDir, int maxShown) {
        var run = io.github.goldkd.core.RunStore.read(runDir);
        Map<String, Sample> byId = new HashMap<>();
        run.samples().forEach(s -> byId.put(s.id(), s));
        List<int[]> used = new ArrayList<>(); // {feedback round, index of the selection it used}
        for (RoundReport r : run.rounds()) {
            if (r.feedbackInPrompt() == 0) {
                continue;
            }
            int latest = -1;
            for (int i = 0; i < run.selections().size(); i++) {
                if (run.selections().get(i).round() < r.round()) {
                    latest = i;
                }
            }
            used.add(new int[] {r.round(), latest});
        }
        List<Double> spreads = new ArrayList<>();
        for (Selection sel : run.selections()) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double e : sel.scores()) {
                lo = Math.min(lo, e);
                hi = Math.max(hi, e);
            }
            if (sel.scores().length > 0) {
                spreads.add(hi - lo);
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%d of %d rounds put feedback into the prompt. Energy range (max - min) "
                        + "within a probe batch: median %.3f, largest %.3f.%n%n", used.size(), run.rounds().size(),
                median(spreads), spreads.stream().mapToDouble(Double::doubleValue).max().orElse(0)));
        int step = Math.max(1, used.size() / Math.max(1, maxShown));
        for (int k = 0; k < used.size() && k / step < maxShown; k += step) {
            int round = used.get(k)[0];
            Selection sel = run.selections().get(used.get(k)[1]);
            sb.append(String.format(Locale.ROOT, "- round %d's prompt held the selection of round %d (probe energies "
                    + "%.3f to %.3f):", round, sel.round(), Arrays.stream(sel.scores()).min().orElse(0),
                    Arrays.stream(sel.scores()).max().orElse(0)));
            for (String id : sel.selectedIds()) {
                Sample s = byId.get(id);
                double score = sel.scores()[sel.probeIds().indexOf(id)];
                sb.append(String.format(Locale.ROOT, " [%s, %.3f] \"%s\"", answer(s), score, clip(s.text())));
            }
            sb.append("\n  - the teacher wrote:");
            run.samples().samples().stream().filter(s -> s.round() == round
                    && s.origin() == io.github.goldkd.core.Origin.TRAIN).limit(3)
                    .forEach(s -> sb.append(" [").append(answer(s)).append("] \"").append(clip(s.text())).append('"'));
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The teacher's label, or for a sequence sample its target (clipped), as the trace shows it. */
    private static String answer(Sample s) {
        return s.label() != null ? s.label() : s.target() == null ? "-" : clip(s.target());
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static void writeReport(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new io.github.goldkd.core.GoldException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String clip(String s) {
        String one = s.replace('\n', ' ');
        return one.length() <= 90 ? one : one.substring(0, 87) + "...";
    }

    static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    private AblationBenchmark() {
    }
}
