package io.github.goldkd.examples;

import io.github.goldkd.core.CrossEntropyLoss;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.FeedbackMode;
import io.github.goldkd.core.GoldDistiller;
import io.github.goldkd.core.RoundReport;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Selection;
import io.github.goldkd.core.Task;
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
     * @param name   what the row changes
     * @param change the builder change against the GOLD defaults
     */
    record Row(String name, UnaryOperator<GoldDistiller.Builder> change) {
    }

    /** The rows of the issue, in order. */
    static List<Row> rows() {
        return List.of(
                new Row("(1) no probes, no feedback (ZeroGen-style)", b -> b.feedbackMode(FeedbackMode.OFF_NO_PROBES)),
                new Row("(2) probes kept, no feedback", b -> b.feedbackMode(FeedbackMode.OFF_PROBES_KEPT)),
                new Row("(3) random feedback from the probe batch", b -> b.selector(FeedbackSelectors.randomBand())),
                new Row("(4) GOLD: energy band [0.5, 0.8)", b -> b),
                new Row("(5) max-softmax instead of energy", b -> b.oodScorer(OodScores.maxSoftmax())),
                new Row("(6) cross-entropy instead of SCE", b -> b.finalLoss(new CrossEntropyLoss())),
                new Row("(7a) energy filter, drops the low-energy half", b -> b.batchFilter(
                        BatchFilters.dropLowest(OodScores.energy(1.0), 0.5))),
                new Row("(7b) energy filter, drops the high-energy half", b -> b.batchFilter(
                        BatchFilters.dropHighest(OodScores.energy(1.0), 0.5))));
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
     */
    record Settings(int rounds, int batchSize, int updateEvery, int updateEpochs, int finalEpochs, int seeds,
                    List<StudentChoice> students) {
    }

    /** Mean, standard deviation and the per-seed values of one cell. */
    record Cell(double mean, double sd, List<Double> values, int generated) {
    }

    /**
     * Runs every row for every student and seed; returns cells by student then row name. Progress lines go to
     * {@code progress}.
     */
    static Map<StudentChoice, Map<String, Cell>> run(Task task, Dataset pool, Dataset test, Settings s, Path dir,
                                                    Consumer<String> progress) {
        Map<StudentChoice, Map<String, Cell>> out = new LinkedHashMap<>();
        for (StudentChoice student : s.students()) {
            Map<String, Cell> cells = new LinkedHashMap<>();
            for (Row row : rows()) {
                SummaryStatistics stats = new SummaryStatistics();
                List<Double> values = new ArrayList<>();
                int generated = -1;
                for (int seed = 1; seed <= s.seeds(); seed++) {
                    long sd = seed;
                    Path runDir = dir.resolve(student.cliName()).resolve(slug(row.name())).resolve("seed-" + seed);
                    Experiment.Outcome o = Experiment.run(task, Teachers.corpus(task, pool), student.factory(), null,
                            runDir, false, b -> row.change().apply(b.oodScorer(OodScores.energy(1.0))
                                    .rounds(s.rounds()).batchSize(s.batchSize()).updateStudentEvery(s.updateEvery())
                                    .updateEpochs(s.updateEpochs())
                                    .finalEpochs(s.finalEpochs()).seed(sd)));
                    double acc = o.result().student().score(test, o.result().metric());
                    stats.addValue(acc);
                    values.add(acc);
                    if (generated >= 0 && generated != o.result().dataset().size()) {
                        throw new IllegalStateException("row " + row.name() + " generated " + o.result().dataset().size()
                                + " samples with seed " + seed + ", " + generated + " before: totals must be equal");
                    }
                    generated = o.result().dataset().size();
                    progress.accept(String.format(Locale.ROOT, "%-8s %-48s seed %d: %s %.4f (%d samples, %.1f s)",
                            student.cliName(), row.name(), seed, o.result().metric().name(), acc, generated,
                            o.seconds()));
                }
                cells.put(row.name(), new Cell(stats.getMean(), stats.getStandardDeviation(), values, generated));
            }
            out.put(student, cells);
        }
        return out;
    }

    /** The results as a Markdown table. */
    static String table(Map<StudentChoice, Map<String, Cell>> results, int seeds, String metric) {
        StringBuilder sb = new StringBuilder();
        sb.append("| row | samples |");
        results.keySet().forEach(s -> sb.append(' ').append(s.cliName()).append(' ').append(metric).append(" (")
                .append(seeds).append(" seeds) |"));
        sb.append("\n|---|---:|");
        results.keySet().forEach(s -> sb.append("---:|"));
        sb.append('\n');
        Map<String, Integer> generated = new HashMap<>();
        results.values().forEach(m -> m.forEach((k, v) -> generated.put(k, v.generated())));
        for (Row row : rows()) {
            sb.append("| ").append(row.name()).append(" | ").append(generated.get(row.name())).append(" |");
            for (Map<String, Cell> cells : results.values()) {
                Cell c = cells.get(row.name());
                sb.append(String.format(Locale.ROOT, " %.4f ± %.4f |", c.mean(), c.sd()));
            }
            sb.append('\n');
        }
        return sb.toString();
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
                sb.append(String.format(Locale.ROOT, " [%s, %.3f] \"%s\"", s.label(), score, clip(s.text())));
            }
            sb.append("\n  - the teacher wrote:");
            run.samples().samples().stream().filter(s -> s.round() == round
                    && s.origin() == io.github.goldkd.core.Origin.TRAIN).limit(3)
                    .forEach(s -> sb.append(" [").append(s.label()).append("] \"").append(clip(s.text())).append('"'));
            sb.append('\n');
        }
        return sb.toString();
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
