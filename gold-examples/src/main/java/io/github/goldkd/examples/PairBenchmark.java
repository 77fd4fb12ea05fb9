package io.github.goldkd.examples;

import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.FeedbackMode;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.SymmetricCrossEntropyLoss;
import io.github.goldkd.core.Task;
import io.github.goldkd.ood.OodScores;
import io.github.goldkd.student.BagOfEmbeddingsConfig;
import io.github.goldkd.student.BagOfEmbeddingsStudent;
import io.github.goldkd.student.EncoderStudent;
import io.github.goldkd.student.EncoderStudentConfig;
import io.github.goldkd.student.LexicalOverlap;
import io.github.goldkd.student.seq.PairCrossConfig;
import io.github.goldkd.student.seq.PairCrossStudent;
import io.github.goldkd.student.seq.TokenAlignment;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The sentence-pair benchmark on the shipped QNLI-style data: pool = three articles, test = the fourth.
 * Rows: the majority class of the pool, a lexical-overlap baseline (logistic regression on
 * {@link io.github.goldkd.student.LexicalOverlap} features alone), and per student variant the real-data
 * ceiling (trained on the whole pool) and GOLD and no feedback at equal budgets with the offline
 * {@link io.github.goldkd.llm.corpus.CorpusTeacher}, over seeds 1..n. The "joined text" variants read the two
 * fields as one text, as every student did before pair-aware students: the comparison that says what
 * reading pairs is worth.
 */
final class PairBenchmark {

    /**
     * One student variant.
     *
     * @param name    the row label
     * @param factory the students
     * @param joined  whether it reads the pair as one joined text (a one-field copy of the task and data)
     */
    record Variant(String name, Supplier<StudentFactory> factory, boolean joined) {
    }

    /** Every variant by its command-line name. */
    static Map<String, Variant> variants() {
        Map<String, Variant> m = new LinkedHashMap<>();
        m.put("bag", new Variant("bag, pair", BagOfEmbeddingsStudent::factory, false));
        m.put("bag-wide", new Variant("bag, pair, wide path", () -> BagOfEmbeddingsStudent.factory(
                BagOfEmbeddingsConfig.builder().pairWide(true).build()), false));
        m.put("bag-joined", new Variant("bag, joined text", BagOfEmbeddingsStudent::factory, true));
        m.put("encoder", new Variant("encoder, pair, wide path with token alignment (the default)",
                () -> StudentChoice.ENCODER.factory(), false));
        m.put("encoder-overlap", new Variant("encoder, pair, wide path, overlap only", () -> EncoderStudent.factory(
                StudentChoice.encoder(), EncoderStudentConfig.builder().pairAlignment(false).build()), false));
        m.put("encoder-concat", new Variant("encoder, pair, overlap in the input", () -> EncoderStudent.factory(
                StudentChoice.encoder(), EncoderStudentConfig.builder().pairWide(false).build()), false));
        m.put("encoder-embeddings", new Variant("encoder, pair, embeddings only", () -> EncoderStudent.factory(
                StudentChoice.encoder(), EncoderStudentConfig.builder().pairOverlap(false).build()), false));
        m.put("encoder-relations", new Variant("encoder, pair, without u and v", () -> EncoderStudent.factory(
                StudentChoice.encoder(), EncoderStudentConfig.builder().pairVectors(false).build()), false));
        m.put("encoder-joined", new Variant("encoder, joined text", () -> StudentChoice.ENCODER.factory(), true));
        m.put("cross", new Variant("cross-reading, pair + overlap", () -> StudentChoice.CROSS.factory(), false));
        m.put("cross-tokens", new Variant("cross-reading, token states only", PairBenchmark::crossTokensOnly,
                false));
        return m;
    }

    /**
     * The default encoder student's wide features of a pair: overlap, then token alignment (the JVM's shared
     * alignment, whose token states the encoder students of the run read too).
     */
    private static float[] wideFeatures(String first, String second) {
        float[] overlap = LexicalOverlap.features(first, second);
        float[] aligned = TokenAlignment.shared().features(first, second);
        float[] out = java.util.Arrays.copyOf(overlap, overlap.length + aligned.length);
        System.arraycopy(aligned, 0, out, overlap.length, aligned.length);
        return out;
    }

    /** One factory per JVM for the ablation without overlap features: its bge session and cache serve every seed. */
    private static PairCrossStudent.Factory crossTokensOnly;

    private static synchronized PairCrossStudent.Factory crossTokensOnly() {
        if (crossTokensOnly == null) {
            crossTokensOnly = PairCrossStudent.factory(PairCrossConfig.defaults().withOverlap(false));
        }
        return crossTokensOnly;
    }

    /**
     * Settings of a run.
     *
     * @param heldOut  the articles tested, each with the other three as the pool
     * @param seeds    seeds 1..seeds
     * @param variants command-line names of the student variants
     * @param ceilingOnly whether only the ceiling rows are run (no GOLD and no-feedback loops: a fraction of the time)
     */
    record Settings(List<String> heldOut, int seeds, int rounds, int batchSize, int updateEvery, int finalEpochs,
                    List<String> variants, boolean ceilingOnly) {
    }

    /** Mean and standard deviation over seeds. */
    record Cell(double mean, double sd, int n) {
        static Cell of(List<Double> values) {
            SummaryStatistics s = new SummaryStatistics();
            values.forEach(s::addValue);
            return new Cell(s.getMean(), values.size() > 1 ? s.getStandardDeviation() : 0, values.size());
        }

        String format() {
            return n > 1 ? String.format(Locale.ROOT, "%.4f ± %.4f", mean, sd) : String.format(Locale.ROOT, "%.4f", mean);
        }
    }

    /** Runs the benchmark; returns the Markdown tables, one per held-out article. */
    static String run(Settings s, Path dir, Consumer<String> progress) {
        Task task = ShippedData.qnliTask();
        StringBuilder md = new StringBuilder();
        Map<String, List<Double>> overall = new LinkedHashMap<>();
        for (String article : s.heldOut()) {
            Dataset pool = ShippedData.qnliPoolWithout(article);
            Dataset test = ShippedData.qnliArticle(article);
            Map<String, Cell> rows = new LinkedHashMap<>();
            String majority = majorityLabel(pool);
            double majorityAccuracy = test.samples().stream().filter(x -> x.label().equals(majority)).count()
                    / (double) test.size();
            rows.put("majority class of the pool (" + majority + ")", Cell.of(List.of(majorityAccuracy)));
            double overlap = OverlapBaseline.fit(task, pool).accuracy(test);
            rows.put("lexical-overlap baseline (logistic regression, " + LexicalOverlap.COUNT
                    + " features)", Cell.of(List.of(overlap)));
            progress.accept(String.format(Locale.ROOT, "%s: majority %.4f, overlap baseline %.4f", article,
                    majorityAccuracy, overlap));
            if (s.variants().contains("encoder")) {
                // the default encoder's wide path alone: what the student adds beyond its own pair features
                double wide = OverlapBaseline.fit(task, pool, PairBenchmark::wideFeatures).accuracy(test);
                rows.put("logistic regression on overlap + token alignment (" + (LexicalOverlap.COUNT
                        + TokenAlignment.COUNT) + " features: the encoder's wide path alone)", Cell.of(List.of(wide)));
                progress.accept(String.format(Locale.ROOT, "%s: overlap + alignment regression %.4f", article, wide));
            }
            for (String v : s.variants()) {
                Variant variant = variants().get(v);
                Task t = variant.joined() ? joinedTask(task) : task;
                Dataset p = variant.joined() ? joined(pool) : pool;
                Dataset ts = variant.joined() ? joined(test) : test;
                List<Double> ceiling = new ArrayList<>();
                List<Double> gold = new ArrayList<>();
                List<Double> none = new ArrayList<>();
                for (int seed = 1; seed <= s.seeds(); seed++) {
                    long sd = seed;
                    StudentFactory f = variant.factory().get();
                    ceiling.add(Experiment.ceiling(t, f, p, ts, SymmetricCrossEntropyLoss.defaults(), BatchFilter.NONE,
                            s.finalEpochs(), sd));
                    for (boolean feedback : s.ceilingOnly() ? new boolean[0] : new boolean[] {true, false}) {
                        Path runDir = dir.resolve(article).resolve(v).resolve((feedback ? "gold" : "no-feedback")
                                + "-seed-" + seed);
                        Experiment.Outcome o = Experiment.run(t, Teachers.corpus(t, p), f, null, runDir, false,
                                b -> {
                                    b.oodScorer(OodScores.energy(1.0)).rounds(s.rounds()).batchSize(s.batchSize())
                                            .updateStudentEvery(s.updateEvery()).finalEpochs(s.finalEpochs()).seed(sd);
                                    return feedback ? b : b.feedbackMode(FeedbackMode.OFF_NO_PROBES);
                                });
                        double acc = o.result().student().score(ts, o.result().metric());
                        (feedback ? gold : none).add(acc);
                    }
                    progress.accept(s.ceilingOnly()
                            ? String.format(Locale.ROOT, "%s %-32s seed %d: ceiling %.4f", article, variant.name(), seed,
                                    ceiling.get(seed - 1))
                            : String.format(Locale.ROOT, "%s %-32s seed %d: ceiling %.4f, GOLD %.4f, no feedback %.4f",
                                    article, variant.name(), seed, ceiling.get(seed - 1), gold.get(seed - 1),
                                    none.get(seed - 1)));
                }
                rows.put(variant.name() + ": whole pool (ceiling)", Cell.of(ceiling));
                if (!s.ceilingOnly()) {
                    rows.put(variant.name() + ": GOLD", Cell.of(gold));
                    rows.put(variant.name() + ": no feedback", Cell.of(none));
                }
            }
            md.append(String.format(Locale.ROOT, "### test: %s (%d pairs), pool: the other three articles (%d pairs)%n%n",
                    article, test.size(), pool.size()));
            md.append("| row | accuracy |\n|---|---:|\n");
            rows.forEach((name, cell) -> {
                md.append("| ").append(name).append(" | ").append(cell.format()).append(" |\n");
                overall.computeIfAbsent(name.replaceFirst(" \\((entailment|not_entailment)\\)$", ""),
                        k -> new ArrayList<>()).add(cell.mean());
            });
            md.append('\n');
        }
        if (s.heldOut().size() > 1) {
            md.append("### mean over the held-out articles (each cell: the mean of the per-article means)\n\n");
            md.append("| row | accuracy |\n|---|---:|\n");
            overall.forEach((name, values) -> md.append(String.format(Locale.ROOT, "| %s | %.4f |%n", name,
                    values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN))));
        }
        return md.toString();
    }

    static String majorityLabel(Dataset data) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        data.forEach(x -> counts.merge(x.label(), 1, Integer::sum));
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /** A one-field copy of {@code task}: input {@code text}, the pair joined by a newline. */
    static Task joinedTask(Task task) {
        return Task.classification(task.name() + "-joined", task.description(), task.labels(),
                joined(Dataset.of(task.demonstrations())).samples());
    }

    /** The samples with one input field, {@code text}: the fields joined as {@link Sample#text()} joins them. */
    static Dataset joined(Dataset data) {
        List<Sample> out = new ArrayList<>(data.size());
        for (Sample x : data) {
            out.add(Sample.real(x.id(), x.text(), x.label()));
        }
        return Dataset.of(out);
    }

    private PairBenchmark() {
    }

    /** {@code gold bench pairs}: this benchmark from the command line. */
    @Command(name = "pairs", mixinStandardHelpOptions = true,
            description = "Sentence-pair students on the shipped QNLI-style data: baselines, ceiling, GOLD and no "
                    + "feedback.")
    static final class Cli implements Callable<Integer> {

        @Option(names = "--held-out", description = "Test article, or 'all' for each in turn (default: "
                + "${DEFAULT-VALUE}).")
        String heldOut = "normans";

        @Option(names = "--variants", split = ",", description = "Student variants: bag, bag-wide, bag-joined, "
                + "encoder, encoder-overlap, encoder-concat, encoder-embeddings, encoder-relations, encoder-joined, cross, "
                + "cross-tokens (default: all).")
        List<String> variants = new ArrayList<>(variants().keySet());

        @Option(names = "--ceiling-only", description = "Only the baselines and each variant's ceiling (trained on "
                + "the whole pool): no GOLD or no-feedback runs.")
        boolean ceilingOnly;

        @Option(names = "--out", description = "Output directory (default: runs/pairs-<time>).")
        Path out;

        @CommandLine.Mixin
        BenchLoopOptions loop = new BenchLoopOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            loop.validate(spec);
            List<String> articles;
            if (heldOut.equals("all")) {
                articles = ShippedData.QNLI_ARTICLES;
            } else if (ShippedData.QNLI_ARTICLES.contains(heldOut)) {
                articles = List.of(heldOut);
            } else {
                throw new CommandLine.ParameterException(spec.commandLine(), "--held-out must be 'all' or one of "
                        + ShippedData.QNLI_ARTICLES + ", was '" + heldOut + "'");
            }
            for (String v : variants) {
                if (!variants().containsKey(v)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--variants must be among "
                            + variants().keySet() + ", was '" + v + "'");
                }
            }
            Path dir = out != null ? out : Path.of("runs", "pairs-" + LocalDateTime.now()
                    .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            PrintWriter w = spec.commandLine().getOut();
            long start = System.nanoTime();
            String md = run(new Settings(articles, loop.seeds, loop.rounds, loop.batchSize, loop.updateEvery,
                            loop.finalEpochs, variants, ceilingOnly), dir,
                    line -> {
                        w.println(line);
                        w.flush();
                    });
            double seconds = (System.nanoTime() - start) / 1e9;
            String report = "# Sentence pairs: QNLI-style\n\n" + String.format(Locale.ROOT,
                    "%d rounds × batch %d (+ as many probes), update every %d rounds, %d final epochs (also the "
                            + "ceiling's), SCE, seeds 1..%d; %.0f s.%n%n", loop.rounds, loop.batchSize, loop.updateEvery,
                    loop.finalEpochs, loop.seeds, seconds) + md;
            AblationBenchmark.writeReport(dir.resolve("pairs.md"), report);
            // The offline teacher makes no requests; the tables themselves are in pairs.md.
            new Summary().put("seeds", loop.seeds).put("rounds", loop.rounds).put("batchSize", loop.batchSize)
                    .put("updateStudentEvery", loop.updateEvery).put("finalEpochs", loop.finalEpochs)
                    .put("heldOut", articles).put("variants", variants).put("ceilingOnly", ceilingOnly)
                    .put("seconds", seconds).put("seed", 1)
                    .put("requests", 0).put("promptTokens", 0).put("completionTokens", 0).write(dir);
            w.println();
            w.println(report);
            w.println("report: " + dir.resolve("pairs.md"));
            return 0;
        }
    }
}
