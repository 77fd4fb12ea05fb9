package io.github.goldkd.examples.bench;

import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Loss;
import io.github.goldkd.core.OodScorer;
import io.github.goldkd.ood.OodScores;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.function.ToDoubleFunction;

/**
 * Scoring throughput of gold-ood against the loop anyone would write first, measured in the same run:
 * {@code E = -log sum_k Math.exp(z_k)}, averaged over positions, with no maximum subtracted.
 *
 * <p>Workloads: 1,000,000 two-class rows and 100 sequences of 32 tokens x 32,000 vocabulary, each once
 * with ordinary logits and once with logits uniform in [-1e4, 1e4], where the naive loop overflows.
 * Each workload runs in a fresh JVM (forked on this program's classpath, heap 3 GB). Every
 * implementation is warmed up, then timed several times (5 passes over each sequence workload,
 * 15 over each two-class one), interleaved with the others so that load
 * on the shared machine hits all of them alike; the table gives the median. The accuracy columns compare
 * every score with a double-precision reference built on gold-core's {@code Loss.logSumExp} /
 * {@code Loss.softmax} and count non-finite scores.
 *
 * <p>Run: see BENCHMARKS.md ({@code java -cp ... io.github.goldkd.examples.bench.ScoringBenchmark}). Arguments
 * {@code rows sequences positions vocabulary repeats} shrink it (defaults 1000000 100 32 32000 5). Uses gold-ood's
 * public API only; {@link #run} returns the table, {@link #main} parses the arguments and prints it.
 */
public final class ScoringBenchmark {

    /** One line of the result table. */
    public record Row(String workload, String implementation, int samples, long rows, double seconds,
                      double rowsPerSecond, double ratioToNaive, double maxAbsError, int nonFinite) {
    }

    private ScoringBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        boolean child = args.length > 0 && args[0].equals("--workload");
        int at = child ? 2 : 0;
        int rows = args.length > at ? Integer.parseInt(args[at]) : 1_000_000;
        int sequences = args.length > at + 1 ? Integer.parseInt(args[at + 1]) : 100;
        int positions = args.length > at + 2 ? Integer.parseInt(args[at + 2]) : 32;
        int vocabulary = args.length > at + 3 ? Integer.parseInt(args[at + 3]) : 32_000;
        int repeats = args.length > at + 4 ? Integer.parseInt(args[at + 4]) : 5;
        if (child) {
            int workload = Integer.parseInt(args[1]);
            for (Row r : runWorkload(workload, rows, sequences, positions, vocabulary, repeats, 42L + workload)) {
                System.out.println(ROW_PREFIX + encode(r));
            }
            return;
        }
        System.out.printf(Locale.ROOT, "java %s (%s) on %s %s, %d cores; one fresh JVM per workload%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"), System.getProperty("os.name"),
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors());
        List<Row> table = new ArrayList<>();
        for (int w = 0; w < WORKLOADS; w++) {
            table.addAll(fork(w, rows, sequences, positions, vocabulary, repeats));
        }
        System.out.println(markdown(table));
    }

    private static final int WORKLOADS = 4;
    private static final String ROW_PREFIX = "ROW\t";

    /**
     * Runs all workloads in this JVM and returns the table (the test calls it with tiny sizes). The main
     * program instead gives each workload a fresh JVM, so that the JIT's profile of one workload (say,
     * two-class rows) does not shape the code that runs the next (32k-wide rows).
     */
    public static List<Row> run(int rows, int sequences, int positions, int vocabulary, int repeats, long seed) {
        atLeastOne("rows", rows);
        atLeastOne("sequences", sequences);
        atLeastOne("positions", positions);
        atLeastOne("vocabulary", vocabulary);
        atLeastOne("repeats", repeats);
        List<Row> table = new ArrayList<>();
        for (int w = 0; w < WORKLOADS; w++) {
            table.addAll(runWorkload(w, rows, sequences, positions, vocabulary, repeats, seed + w));
        }
        return table;
    }

    private static void atLeastOne(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, was " + value);
        }
    }

    private static List<Row> runWorkload(int workload, int rows, int sequences, int positions, int vocabulary,
                                         int repeats, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String seq = sequences + " seq x " + positions + " tok x " + vocabulary + " vocab, ";
        switch (workload) {
            case 0:
                // Two-class passes take tens of milliseconds: three times the repeats for a stabler median.
                return measure(rows + " rows x 2 classes, N(0, 3^2)", classRows(rows, 3.0, false, random),
                        3 * repeats);
            case 1:
                return measure(rows + " rows x 2 classes, U(-1e4, 1e4)", classRows(rows, 1e4, true, random),
                        3 * repeats);
            case 2:
                return measure(seq + "N(0, 2^2)", sequenceRows(sequences, positions, vocabulary, 2.0, false, random),
                        repeats);
            case 3:
                return measure(seq + "U(-1e4, 1e4)", sequenceRows(sequences, positions, vocabulary, 1e4, true, random),
                        repeats);
            default:
                throw new IllegalArgumentException("workload must be in [0, " + WORKLOADS + "), was " + workload);
        }
    }

    /** Runs one workload in a child JVM on this program's own classpath and reads its rows back. */
    private static List<Row> fork(int workload, int rows, int sequences, int positions, int vocabulary, int repeats)
            throws IOException, InterruptedException, URISyntaxException {
        // Under exec:java, java.class.path is Maven's; the code sources of this program, gold-core and gold-ood
        // are all a workload needs.
        StringJoiner cp = new StringJoiner(File.pathSeparator);
        for (Class<?> c : List.of(ScoringBenchmark.class, Logits.class, OodScores.class)) {
            cp.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx3g", "-cp", cp.toString(), ScoringBenchmark.class.getName(),
                "--workload", String.valueOf(workload), String.valueOf(rows), String.valueOf(sequences),
                String.valueOf(positions), String.valueOf(vocabulary), String.valueOf(repeats));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Row> out = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith(ROW_PREFIX)) {
                    out.add(decode(line.substring(ROW_PREFIX.length())));
                }
            }
        }
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("workload " + workload + " failed with exit code " + exit);
        }
        return out;
    }

    private static String encode(Row r) {
        return String.join("\t", r.workload(), r.implementation(), String.valueOf(r.samples()),
                String.valueOf(r.rows()), String.valueOf(r.seconds()), String.valueOf(r.rowsPerSecond()),
                String.valueOf(r.ratioToNaive()), String.valueOf(r.maxAbsError()), String.valueOf(r.nonFinite()));
    }

    private static Row decode(String line) {
        String[] f = line.split("\t");
        return new Row(f[0], f[1], Integer.parseInt(f[2]), Long.parseLong(f[3]), Double.parseDouble(f[4]),
                Double.parseDouble(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7]), Integer.parseInt(f[8]));
    }

    private static List<Row> measure(String workload, List<Logits> batch, int repeats) {
        long rows = 0;
        for (Logits l : batch) {
            rows += l.positions();
        }
        Impl naive = new Impl("naive Math.exp/Math.log loop", ScoringBenchmark::naiveEnergy, Reference::energy);
        List<Impl> impls = List.of(naive,
                new Impl("gold-ood energy(T=1)", OodScores.energy(), Reference::energy),
                new Impl("gold-ood max-softmax", OodScores.maxSoftmax(), Reference::maxSoftmax),
                new Impl("gold-ood entropy", OodScores.entropy(), Reference::entropy),
                new Impl("gold-ood nll", OodScores.negativeLogLikelihood(), Reference::nll));
        // Warm-up: two full passes each, enough for C2 to compile the kernels.
        for (int w = 0; w < 2; w++) {
            for (Impl impl : impls) {
                impl.time(batch);
            }
        }
        double[][] times = new double[impls.size()][repeats];
        for (int r = 0; r < repeats; r++) {
            for (int i = 0; i < impls.size(); i++) {
                times[i][r] = impls.get(i).time(batch);
            }
        }
        double naiveSeconds = median(times[0]);
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < impls.size(); i++) {
            Impl impl = impls.get(i);
            double seconds = median(times[i]);
            double[] expected = new double[batch.size()];
            for (int s = 0; s < expected.length; s++) {
                expected[s] = impl.reference.applyAsDouble(batch.get(s));
            }
            double maxErr = 0;
            int nonFinite = 0;
            for (int s = 0; s < expected.length; s++) {
                double got = impl.last[s];
                if (!Double.isFinite(got)) {
                    nonFinite++;
                } else {
                    maxErr = Math.max(maxErr, Math.abs(got - expected[s]));
                }
            }
            out.add(new Row(workload, impl.name, batch.size(), rows, seconds, rows / seconds, naiveSeconds / seconds, maxErr,
                    nonFinite));
        }
        return out;
    }

    /** The naive energy: one loop over Math.exp and Math.log, no maximum subtracted. */
    static double[] naiveEnergy(List<Logits> batch) {
        double[] out = new double[batch.size()];
        for (int i = 0; i < out.length; i++) {
            Logits l = batch.get(i);
            double total = 0;
            int used = 0;
            for (int t = 0; t < l.positions(); t++) {
                if (!l.isReal(t)) {
                    continue;
                }
                double sum = 0;
                for (int k = 0; k < l.width(); k++) {
                    sum += Math.exp(l.get(t, k));
                }
                total += -Math.log(sum);
                used++;
            }
            out[i] = total / used;
        }
        return out;
    }

    /** Straightforward double-precision references on gold-core's stable helpers, row by row. */
    private static final class Reference {

        static double energy(Logits l) {
            return average(l, (z, y) -> -Loss.logSumExp(z));
        }

        static double maxSoftmax(Logits l) {
            return average(l, (z, y) -> {
                double[] p = new double[z.length];
                Loss.softmax(z, p);
                return 1.0 - Arrays.stream(p).max().orElseThrow();
            });
        }

        static double entropy(Logits l) {
            return average(l, (z, y) -> {
                double[] p = new double[z.length];
                Loss.softmax(z, p);
                double lse = Loss.logSumExp(z);
                double h = 0;
                for (int k = 0; k < z.length; k++) {
                    h -= p[k] * (z[k] - lse);
                }
                return h;
            });
        }

        static double nll(Logits l) {
            return average(l, (z, y) -> Loss.logSumExp(z) - z[y]);
        }

        interface RowFn {
            double apply(double[] z, int target);
        }

        static double average(Logits l, RowFn fn) {
            double sum = 0;
            int used = 0;
            for (int t = 0; t < l.positions(); t++) {
                if (!l.isReal(t)) {
                    continue;
                }
                float[] row = l.row(t);
                double[] z = new double[row.length];
                for (int k = 0; k < z.length; k++) {
                    z[k] = row[k];
                }
                sum += fn.apply(z, l.hasTargets() ? l.target(t) : -1);
                used++;
            }
            return sum / used;
        }
    }

    private static final class Impl {
        final String name;
        final java.util.function.Function<List<Logits>, double[]> fn;
        final ToDoubleFunction<Logits> reference;
        double[] last;
        static double sink;

        Impl(String name, java.util.function.Function<List<Logits>, double[]> fn, ToDoubleFunction<Logits> reference) {
            this.name = name;
            this.fn = fn;
            this.reference = reference;
        }

        Impl(String name, OodScorer scorer, ToDoubleFunction<Logits> reference) {
            this(name, scorer::score, reference);
        }

        double time(List<Logits> batch) {
            long start = System.nanoTime();
            last = fn.apply(batch);
            long end = System.nanoTime();
            sink += last[0];
            return (end - start) / 1e9;
        }
    }

    private static List<Logits> classRows(int n, double scale, boolean uniform, SplittableRandom random) {
        List<Logits> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float a = draw(random, scale, uniform);
            float b = draw(random, scale, uniform);
            out.add(Logits.ofClasses(new float[] {a, b}, random.nextInt(2)));
        }
        return out;
    }

    private static List<Logits> sequenceRows(int n, int positions, int vocabulary, double scale, boolean uniform,
                                             SplittableRandom random) {
        List<Logits> out = new ArrayList<>(n);
        float[] flat = new float[positions * vocabulary];
        int[] targets = new int[positions];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < flat.length; j++) {
                flat[j] = draw(random, scale, uniform);
            }
            for (int t = 0; t < positions; t++) {
                targets[t] = random.nextInt(vocabulary);
            }
            out.add(Logits.ofSequence(flat, positions, vocabulary, null, targets));
        }
        return out;
    }

    private static float draw(SplittableRandom random, double scale, boolean uniform) {
        return (float) (uniform ? random.nextDouble(-scale, scale) : scale * gaussian(random));
    }

    /** Marsaglia's polar method; SplittableRandom has no nextGaussian on Java 17. */
    private static double gaussian(SplittableRandom random) {
        double u;
        double v;
        double s;
        do {
            u = random.nextDouble(-1.0, 1.0);
            v = random.nextDouble(-1.0, 1.0);
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        return u * Math.sqrt(-2.0 * Math.log(s) / s);
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The table as Markdown. */
    public static String markdown(List<Row> table) {
        StringBuilder sb = new StringBuilder();
        sb.append("| workload | implementation | rows/s | vs naive | max abs error | non-finite scores |\n");
        sb.append("|---|---|---:|---:|---:|---:|\n");
        for (Row r : table) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2fx | %s | %d of %d |%n", r.workload(),
                    r.implementation(), rate(r.rowsPerSecond()), r.ratioToNaive(),
                    r.nonFinite() == r.samples() ? "-" : String.format(Locale.ROOT, "%.1e", r.maxAbsError()),
                    r.nonFinite(), r.samples()));
        }
        return sb.toString();
    }

    private static String rate(double perSecond) {
        if (perSecond >= 1e6) {
            return String.format(Locale.ROOT, "%.1f M", perSecond / 1e6);
        }
        if (perSecond >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }
}
