package io.github.goldkd.examples.report;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.OodScorer;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.RoundReport;
import io.github.goldkd.core.RunStore;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Selection;
import io.github.goldkd.core.Student;
import io.github.goldkd.ood.ScoreStatistics;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.statistics.HistogramType;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes {@code report.md} with PNG charts (JFreeChart) for one or more runs against a real test set:
 * the OOD-score distribution of each run's generated data and of the test set under each final student
 * (the paper's Figures 3–4), a 2-D PCA projection of generated and test texts, and accuracy per student
 * update, and examples of what was fed back and what the teacher wrote after it.
 */
public final class ReportWriter {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;
    private static final int BINS = 40;

    private ReportWriter() {
    }

    /**
     * One run in the report.
     *
     * @param name         the row name, e.g. "GOLD" or "no feedback"
     * @param run          the run's committed state
     * @param finalStudent the run's final student
     * @param testScore    its score on the test set by the run's metric ({@code run.config().metric()})
     */
    public record RunView(String name, RunStore.StoredRun run, Student finalStudent, double testScore) {

        String metric() {
            return run.config().metric();
        }
    }

    /** Writes the report and its charts into {@code dir}; returns the report's path. */
    public static Path write(Path dir, String title, List<RunView> runs, Dataset test, OodScorer scorer) {
        System.setProperty("java.awt.headless", "true");
        try {
            Files.createDirectories(dir);
            StringBuilder md = new StringBuilder();
            md.append("# ").append(title).append("\n\n");
            md.append("Test set: ").append(test.size()).append(" real samples. OOD score: `").append(scorer.name())
                    .append("` (higher = less familiar to the student).\n\n");
            String metric = runs.isEmpty() ? "score" : runs.get(0).metric();
            md.append("| run | generated samples | test ").append(metric)
                    .append(" | AUROC of the score, test vs generated |\n");
            md.append("|---|---:|---:|---:|\n");
            // Each final student scores every run's generated data and the test set once; table and charts share it.
            int n = runs.size();
            double[][][] generated = new double[n][n][];
            double[][] tested = new double[n][];
            for (int s = 0; s < n; s++) {
                for (int r = 0; r < n; r++) {
                    generated[s][r] = scores(runs.get(s).finalStudent(), runs.get(r).run().samples(), scorer);
                }
                tested[s] = scores(runs.get(s).finalStudent(), test, scorer);
            }
            for (int r = 0; r < n; r++) {
                RunView view = runs.get(r);
                md.append(String.format(Locale.ROOT, "| %s | %d | %.4f | %.3f |%n", view.name(),
                        view.run().samples().size(), view.testScore(),
                        ScoreStatistics.auroc(tested[r], generated[r][r])));
            }
            md.append("\nAn AUROC of 0.5 means the final student cannot tell the test set from its own training data "
                    + "by this score; higher means the test set looks less familiar than what was generated.\n\n");

            md.append("## Score distributions (Figures 3–4 of the paper)\n\n");
            for (int st = 0; st < n; st++) {
                RunView student = runs.get(st);
                String file = "scores-" + slug(student.name()) + ".png";
                HistogramDataset data = new HistogramDataset();
                data.setType(HistogramType.RELATIVE_FREQUENCY);
                double lo = min(tested[st]);
                double hi = max(tested[st]);
                for (double[] a : generated[st]) {
                    lo = Math.min(lo, min(a));
                    hi = Math.max(hi, max(a));
                }
                if (!(hi > lo)) {
                    hi = lo + 1;
                }
                for (int r = 0; r < n; r++) {
                    if (generated[st][r].length > 0) {
                        data.addSeries("generated: " + runs.get(r).name(), generated[st][r], BINS, lo, hi);
                    }
                }
                data.addSeries("test (real)", tested[st], BINS, lo, hi);
                JFreeChart chart = ChartFactory.createHistogram(scorer.name() + " under the final student of "
                        + student.name(), scorer.name(), "share of samples", data, PlotOrientation.VERTICAL, true,
                        false, false);
                XYPlot plot = chart.getXYPlot();
                plot.setForegroundAlpha(0.55f);
                ((XYBarRenderer) plot.getRenderer()).setShadowVisible(false);
                plot.setBackgroundPaint(Color.WHITE);
                ChartUtils.saveChartAsPNG(dir.resolve(file).toFile(), chart, WIDTH, HEIGHT);
                md.append("![").append(scorer.name()).append(" under ").append(student.name()).append("](")
                        .append(file).append(")\n\n");
            }

            md.append("## Generated and test texts, 2-D PCA\n\n");
            List<String> texts = new ArrayList<>();
            List<Integer> groups = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                for (Sample s : runs.get(i).run().samples()) {
                    texts.add(s.text());
                    groups.add(i);
                }
            }
            for (Sample s : test) {
                texts.add(s.text());
                groups.add(runs.size());
            }
            double[][] xy = Pca.project(texts);
            XYSeriesCollection points = new XYSeriesCollection();
            List<XYSeries> series = new ArrayList<>();
            for (RunView r : runs) {
                series.add(new XYSeries("generated: " + r.name(), false, true));
            }
            series.add(new XYSeries("test (real)", false, true));
            for (int i = 0; i < xy.length; i++) {
                series.get(groups.get(i)).add(xy[i][0], xy[i][1]);
            }
            series.forEach(points::addSeries);
            JFreeChart scatter = ChartFactory.createScatterPlot("PCA of hashed bag-of-words vectors", "PC 1", "PC 2",
                    points, PlotOrientation.VERTICAL, true, false, false);
            scatter.getXYPlot().setBackgroundPaint(Color.WHITE);
            scatter.getXYPlot().setForegroundAlpha(0.5f);
            ChartUtils.saveChartAsPNG(dir.resolve("pca.png").toFile(), scatter, WIDTH, HEIGHT);
            md.append("![PCA](pca.png)\n\n");

            md.append("## ").append(metric).append(" per student update\n\n");
            Map<String, double[][]> acc = new java.util.LinkedHashMap<>();
            boolean any = false;
            for (RunView r : runs) {
                List<double[]> perUpdate = new ArrayList<>();
                for (RoundReport rr : r.run().rounds()) {
                    if (rr.studentScore() != null) {
                        perUpdate.add(new double[] {rr.round(), rr.studentScore()});
                        any = true;
                    }
                }
                acc.put(r.name(), perUpdate.toArray(double[][]::new));
            }
            if (any) {
                lineChart(dir.resolve("accuracy.png"), "In-loop student " + metric + " on the test set", "round",
                        metric, acc);
                md.append("![").append(metric).append(" per update](accuracy.png)\n\nMeasured after each in-loop update; reported "
                        + "only, never used by the loop.\n");
            } else {
                md.append("No ").append(metric).append(" was measured during the run (no test set was given).\n");
            }
            appendFeedbackExamples(md, runs);
            Path report = dir.resolve("report.md");
            Files.writeString(report, md.toString(), StandardCharsets.UTF_8);
            return report;
        } catch (IOException e) {
            throw new GoldException("cannot write the report in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a PNG line chart, one line per entry of {@code series} (points {x, y}), in the report's size and
     * style.
     */
    public static void lineChart(Path file, String title, String xLabel, String yLabel, Map<String, double[][]> series)
            throws IOException {
        XYSeriesCollection lines = new XYSeriesCollection();
        series.forEach((name, points) -> {
            XYSeries s = new XYSeries(name);
            for (double[] p : points) {
                s.add(p[0], p[1]);
            }
            lines.addSeries(s);
        });
        JFreeChart line = ChartFactory.createXYLineChart(title, xLabel, yLabel, lines, PlotOrientation.VERTICAL, true,
                false, false);
        line.getXYPlot().setBackgroundPaint(Color.WHITE);
        // Scores of compared runs differ by a point or less: an axis from 0 would draw them as one line.
        ((org.jfree.chart.axis.NumberAxis) line.getXYPlot().getRangeAxis()).setAutoRangeIncludesZero(false);
        ChartUtils.saveChartAsPNG(file.toFile(), line, WIDTH, HEIGHT);
    }

    /** Samples shown per round, fed back and written after. */
    private static final int EXAMPLES_PER_ROUND = 3;
    /** Characters of a sample's text shown in the report. */
    private static final int SHOWN_CHARS = 200;

    /**
     * For each run that fed samples back: in a few rounds, the samples the selector picked (with their score)
     * and what the teacher wrote in the round after, so a reader sees what the feedback did to the prompts'
     * answers — for a sequence task with their outputs (span, equation, formulation).
     */
    static void appendFeedbackExamples(StringBuilder md, List<RunView> runs) {
        boolean header = false;
        for (RunView view : runs) {
            List<Selection> chosen = new ArrayList<>();
            for (Selection sel : view.run().selections()) {
                if (!sel.selectedIds().isEmpty()) {
                    chosen.add(sel);
                }
            }
            if (chosen.isEmpty()) {
                continue;
            }
            if (!header) {
                md.append("\n## What was fed back, and what the teacher wrote next\n\n");
                header = true;
            }
            md.append("### ").append(view.name()).append("\n\n");
            Map<String, Sample> byId = new HashMap<>();
            for (Sample s : view.run().samples()) {
                byId.put(s.id(), s);
            }
            Set<Integer> shown = new LinkedHashSet<>(); // the first, the middle and the last selection
            shown.add(0);
            shown.add(chosen.size() / 2);
            shown.add(chosen.size() - 1);
            for (int k : shown) {
                Selection sel = chosen.get(k);
                md.append("Round ").append(sel.round()).append(", fed back (").append(sel.selector()).append(", ")
                        .append(sel.scorer()).append("):\n\n");
                for (int i = 0; i < Math.min(EXAMPLES_PER_ROUND, sel.selectedIds().size()); i++) {
                    String id = sel.selectedIds().get(i);
                    int at = sel.probeIds().indexOf(id);
                    String score = at < 0 ? "" : String.format(Locale.ROOT, " (score %.3f)", sel.scores()[at]);
                    md.append("- ").append(example(byId.get(id), id)).append(score).append('\n');
                }
                md.append("\nWritten in round ").append(sel.round() + 1).append(":\n\n");
                int written = 0;
                for (Sample s : view.run().samples()) {
                    if (s.round() == sel.round() + 1 && s.origin() == Origin.TRAIN && written < EXAMPLES_PER_ROUND) {
                        md.append("- ").append(example(s, s.id())).append('\n');
                        written++;
                    }
                }
                if (written == 0) {
                    md.append("- (nothing: the run ended)\n");
                }
                md.append('\n');
            }
        }
    }

    private static String example(Sample s, String id) {
        if (s == null) {
            return "`" + id + "` (not in the run's data)";
        }
        String text = s.text().replace('\n', ' ');
        if (text.length() > SHOWN_CHARS) {
            text = text.substring(0, SHOWN_CHARS) + "…";
        }
        String out = s.output() == null ? "" : " → **" + s.output().replace("\n", " / ") + "**";
        return "\"" + text.replace("|", "\\|") + "\"" + out;
    }

    private static double[] scores(Student student, Dataset data, OodScorer scorer) {
        if (data.isEmpty()) {
            return new double[0];
        }
        return scorer.score(student.logits(data.samples()));
    }

    private static double min(double[] a) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : a) {
            m = Math.min(m, v);
        }
        return m;
    }

    private static double max(double[] a) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : a) {
            m = Math.max(m, v);
        }
        return m;
    }

    private static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
