package io.github.goldkd.examples;

import io.github.goldkd.core.CrossEntropyLoss;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.FeedbackMode;
import io.github.goldkd.core.GoldDistiller;
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
                new Row("(6) cross-entropy instead of SCE", b -> b.loss(new CrossEntropyLoss())),
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
     * @param updateEvery student update period
     * @param finalEpochs final epochs
     * @param seeds       seeds 1..seeds
     * @param students    the students to compare
     */
    record Settings(int rounds, int batchSize, int updateEvery, int finalEpochs, int seeds,
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
                                    .finalEpochs(s.finalEpochs()).seed(sd)));
                    double acc = o.result().student().accuracy(test);
                    stats.addValue(acc);
                    values.add(acc);
                    if (generated >= 0 && generated != o.result().dataset().size()) {
                        throw new IllegalStateException("row " + row.name() + " generated " + o.result().dataset().size()
                                + " samples with seed " + seed + ", " + generated + " before: totals must be equal");
                    }
                    generated = o.result().dataset().size();
                    progress.accept(String.format(Locale.ROOT, "%-8s %-48s seed %d: accuracy %.4f (%d samples, %.1f s)",
                            student.cliName(), row.name(), seed, acc, generated, o.seconds()));
                }
                cells.put(row.name(), new Cell(stats.getMean(), stats.getStandardDeviation(), values, generated));
            }
            out.put(student, cells);
        }
        return out;
    }

    /** The results as a Markdown table. */
    static String table(Map<StudentChoice, Map<String, Cell>> results, int seeds) {
        StringBuilder sb = new StringBuilder();
        sb.append("| row | samples |");
        results.keySet().forEach(s -> sb.append(' ').append(s.cliName()).append(" accuracy (").append(seeds)
                .append(" seeds) |"));
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
     * What GOLD fed back in one run and what the teacher answered in the next feedback round: the evidence
     * for (or against) the method on this data.
     */
    static String feedbackTrace(Path runDir, int maxSelections) {
        var run = io.github.goldkd.core.RunStore.read(runDir);
        Map<String, Sample> byId = new HashMap<>();
        run.samples().forEach(s -> byId.put(s.id(), s));
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (Selection sel : run.selections()) {
            if (sel.selectedIds().isEmpty() || shown >= maxSelections) {
                continue;
            }
            shown++;
            sb.append(String.format(Locale.ROOT, "- round %d: fed back", sel.round()));
            for (String id : sel.selectedIds()) {
                Sample s = byId.get(id);
                double score = sel.scores().get(sel.probeIds().indexOf(id));
                sb.append(String.format(Locale.ROOT, " [%s, energy %.3f] \"%s\"", s.label(), score, clip(s.text())));
            }
            int next = sel.round() + 1;
            while (next < run.rounds().size() && run.rounds().get(next).feedbackInPrompt() == 0) {
                next++;
            }
            final int answerRound = next;
            sb.append("\n  - the teacher then wrote (round ").append(answerRound).append("):");
            run.samples().samples().stream().filter(s -> s.round() == answerRound
                    && s.origin() == io.github.goldkd.core.Origin.TRAIN).limit(3)
                    .forEach(s -> sb.append(" [").append(s.label()).append("] \"").append(clip(s.text())).append('"'));
            sb.append('\n');
        }
        return sb.toString();
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
