package io.github.goldkd.examples.bench;

import io.github.goldkd.core.metric.Metrics;
import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.CrossEntropyLoss;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Loss;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.SymmetricCrossEntropyLoss;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.student.BagOfEmbeddingsConfig;
import io.github.goldkd.student.BagOfEmbeddingsStudent;
import io.github.goldkd.student.CachingEncoder;
import io.github.goldkd.student.EncoderStudent;
import io.github.goldkd.student.EncoderStudentConfig;
import io.github.goldkd.student.OnnxBgeEncoder;
import io.github.goldkd.student.TextCnnConfig;
import io.github.goldkd.student.TextCnnStudent;
import io.github.goldkd.student.Tokenizer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The gold-student benchmark: students against fastText 0.9.2 (the Debian package {@code fasttext}), on the
 * same files, in the same run. Every student run happens in a child JVM, so that its peak resident set
 * ({@code VmHWM}) is its own; fastText's comes from {@code /usr/bin/time}. Uses gold-student's public API only.
 *
 * <pre>
 * java -cp ... io.github.goldkd.examples.bench.StudentBenchmark synthetic [pairs]
 * java -cp ... io.github.goldkd.examples.bench.StudentBenchmark sentiment &lt;fixtures dir&gt; [seeds]
 * java -cp ... io.github.goldkd.examples.bench.StudentBenchmark all &lt;fixtures dir&gt;
 * </pre>
 * The fixtures directory holds yelp.json, amazon.json and imdb.json from the npm package sentiment@5.0.2.
 * Child JVMs run with {@code -Xmx2g} and {@code OMP_NUM_THREADS=1} (set {@code BENCH_OMP} to change it), except
 * the dense DL4J baseline, which gets 2 (one per core, ND4J's default here). {@link #run} returns the tables;
 * {@link #main} only parses the arguments and prints them.
 */
public final class StudentBenchmark {

    private static final int SYN_TRAIN = 10_000;
    private static final int SYN_TEST = 2_000;
    private static final int SYN_LENGTH = 64;
    private static final int SYN_VOCAB = 20_000;
    private static final int SYN_CLASSES = 4;
    private static final double SYN_TOPIC_RATE = 0.05;
    private static final int EPOCHS = 10;
    private static final int DIM = 64;
    /** How a child JVM hands its measurement to the parent, on a line of its standard output. */
    private static final String RESULT_PREFIX = "RESULT ";
    static final String USAGE = "usage: StudentBenchmark synthetic [pairs] | sentiment <dir> [seeds] | all <dir>"
            + " | child <workload> <student> <loss> <seed> <dataDir> <cacheDir>";

    private StudentBenchmark() {
    }

    /** One table of the report: a title, column names, rows of cells and closing lines (summaries). */
    public record Table(String title, List<String> header, List<List<String>> rows, List<String> notes) {

        public Table {
            header = List.copyOf(header);
            rows = rows.stream().map(List::copyOf).toList();
            notes = List.copyOf(notes);
        }

        /** The table as Markdown, notes below it. */
        public String markdown() {
            StringBuilder sb = new StringBuilder("## ").append(title).append("\n\n");
            sb.append("| ").append(String.join(" | ", header)).append(" |\n");
            sb.append("|").append("---|".repeat(header.size())).append('\n');
            for (List<String> row : rows) {
                sb.append("| ").append(String.join(" | ", row)).append(" |\n");
            }
            for (String note : notes) {
                sb.append('\n').append(note).append('\n');
            }
            return sb.toString();
        }
    }

    /** Parses the arguments, runs and prints; a child run prints its one result line for the parent. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException(USAGE);
        }
        if (args[0].equals("child")) {
            if (args.length != 7) {
                throw new IllegalArgumentException(USAGE);
            }
            Run r = child(args[1], args[2], args[3], Long.parseLong(args[4]), args[5], args[6]);
            System.out.println(RESULT_PREFIX + r.encode());
            return;
        }
        String machine = machine(); // before the run: it reports the load average at the start
        List<Table> tables = switch (args[0]) {
            case "synthetic" -> run(intArg(args, 1, 5), null, 0);
            case "sentiment" -> run(0, Path.of(pathArg(args)), intArg(args, 2, 3));
            case "all" -> run(5, Path.of(pathArg(args)), 3);
            default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'; " + USAGE);
        };
        System.out.println(machine);
        for (Table t : tables) {
            System.out.println();
            System.out.print(t.markdown());
        }
        System.out.println();
        System.out.println("load average at end: " + loadAverage());
    }

    private static int intArg(String[] args, int at, int fallback) {
        return args.length > at ? Integer.parseInt(args[at]) : fallback;
    }

    private static String pathArg(String[] args) {
        if (args.length < 2) {
            throw new IllegalArgumentException(args[0] + " needs the fixtures directory; " + USAGE);
        }
        return args[1];
    }

    /**
     * Runs the benchmark and returns its tables.
     *
     * @param syntheticPairs fastText/student pairs on the synthetic workload, >= 0 (0 skips it; BENCHMARKS.md used 5)
     * @param fixtures       the directory of the sentiment fixtures; may be null when {@code sentimentSeeds} is 0
     * @param sentimentSeeds seeds per model on the sentiment workload, >= 0 (0 skips it; BENCHMARKS.md used 3)
     */
    public static List<Table> run(int syntheticPairs, Path fixtures, int sentimentSeeds) throws Exception {
        if (syntheticPairs < 0) {
            throw new IllegalArgumentException("syntheticPairs must be >= 0, was " + syntheticPairs);
        }
        if (sentimentSeeds < 0) {
            throw new IllegalArgumentException("sentimentSeeds must be >= 0, was " + sentimentSeeds);
        }
        if (syntheticPairs == 0 && sentimentSeeds == 0) {
            throw new IllegalArgumentException("syntheticPairs and sentimentSeeds are both 0: nothing to run");
        }
        if (sentimentSeeds > 0 && (fixtures == null || !Files.isDirectory(fixtures))) {
            throw new IllegalArgumentException("fixtures must be the directory of yelp.json, amazon.json and"
                    + " imdb.json (npm sentiment@5.0.2) when sentimentSeeds > 0, was " + fixtures);
        }
        List<Table> tables = new ArrayList<>();
        if (syntheticPairs > 0) {
            tables.addAll(synthetic(syntheticPairs));
        }
        if (sentimentSeeds > 0) {
            tables.add(sentiment(fixtures, sentimentSeeds));
        }
        return tables;
    }

    // ---- workloads -------------------------------------------------------------------------------

    static SyntheticTask syntheticTask() {
        return new SyntheticTask(SYN_CLASSES, SYN_VOCAB, SYN_LENGTH, SYN_TOPIC_RATE, 300, 7);
    }

    record Split(Task task, List<Sample> train, List<Sample> test) {
    }

    static Split load(String workload, String dir) throws IOException {
        if (workload.equals("synthetic")) {
            SyntheticTask st = syntheticTask();
            return new Split(st.task(), st.samples(SYN_TRAIN, 1, "tr"), st.samples(SYN_TEST, 2, "te"));
        }
        Path d = Path.of(dir);
        List<Sample> train = new ArrayList<>(SentimentData.read(d.resolve("yelp.json")));
        train.addAll(SentimentData.read(d.resolve("amazon.json")));
        return new Split(SentimentData.TASK, train, SentimentData.read(d.resolve("imdb.json")));
    }

    // ---- one student run, in a child JVM -----------------------------------------------------------

    /** Trains one student; the measurement the parent reads back. */
    static Run child(String workload, String student, String lossName, long seed, String dir, String cacheDir)
            throws Exception {
        Split data = load(workload, dir);
        Nd4j.create(1); // load the ND4J backend before timing: it is the JVM's start-up, not training
        Loss loss = lossName.equals("sce") ? SymmetricCrossEntropyLoss.defaults() : new CrossEntropyLoss();
        TrainingOptions options = new TrainingOptions(loss, BatchFilter.NONE, seed);
        boolean synthetic = workload.equals("synthetic");
        Dataset train = Dataset.of(data.train());
        Dataset test = Dataset.of(data.test());
        long t0;
        double encodeSeconds = 0;
        double accuracy;
        int epochs;
        if (student.equals("boe-dl4j")) {
            // the same graph trained by DL4J itself: Adam, batch 256, dense updates (BENCHMARKS.md's dense baseline)
            BagOfEmbeddingsStudent s = BagOfEmbeddingsStudent.factory(BagOfEmbeddingsConfig.builder()
                    .embeddingDim(DIM).bigramBuckets(0).validationFraction(0).build()).create(data.task(), options);
            s.fit(train, 1, seed); // untimed: builds the vocabulary and the graph; the weights are re-initialised
            t0 = System.nanoTime();
            ComputationGraph trained = DenseBaseline.fit(s, data.task(), data.train(), EPOCHS, seed);
            accuracy = DenseBaseline.accuracy(trained, s, data.task(), data.test());
            epochs = EPOCHS;
        } else {
            Student s = create(student, synthetic, data.task(), options, cacheDir);
            if (s instanceof EncoderStudent e) {
                // encoding is reported on its own: a loop pays it once per text, whatever it retrains
                long e0 = System.nanoTime();
                List<String> texts = new ArrayList<>();
                data.train().forEach(x -> texts.add(x.text()));
                data.test().forEach(x -> texts.add(x.text()));
                e.encoder().encodeAll(texts);
                encodeSeconds = (System.nanoTime() - e0) / 1e9;
            }
            t0 = System.nanoTime();
            epochs = s.fit(train, EPOCHS, seed).epochs();
            accuracy = s.score(test, Metrics.accuracy());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double uptime = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
        return new Run(seconds, accuracy, vmHwmKb(), epochs, uptime, encodeSeconds);
    }

    static Student create(String student, boolean synthetic, Task task, TrainingOptions options, String cacheDir) {
        // the synthetic speed run trains on all the data for all epochs, as fastText does
        double validation = synthetic ? 0.0 : 0.1;
        return switch (student) {
            case "boe" -> BagOfEmbeddingsStudent.factory(BagOfEmbeddingsConfig.builder().embeddingDim(DIM)
                    .bigramBuckets(synthetic ? 0 : 50_000).validationFraction(validation).build()).create(task, options);
            case "boe-bigrams" -> BagOfEmbeddingsStudent.factory(BagOfEmbeddingsConfig.builder().embeddingDim(DIM)
                    .bigramBuckets(50_000).validationFraction(validation).build()).create(task, options);
            case "cnn" -> TextCnnStudent.factory(TextCnnConfig.builder().embeddingDim(DIM)
                    .validationFraction(validation).build()).create(task, options);
            case "encoder", "encoder-mlp" -> {
                CachingEncoder enc = cacheDir.equals("-") ? CachingEncoder.of(OnnxBgeEncoder.create())
                        : CachingEncoder.withDiskCache(OnnxBgeEncoder.create(), Path.of(cacheDir).resolve("bge.cache"));
                EncoderStudentConfig.Builder cfg = EncoderStudentConfig.builder().validationFraction(validation);
                if (student.equals("encoder-mlp")) {
                    cfg.hiddenSize(128).dropout(0.1);
                }
                yield EncoderStudent.factory(enc, cfg.build()).create(task, options);
            }
            default -> throw new IllegalArgumentException("unknown student " + student);
        };
    }

    /** Peak resident set of this process, from /proc/self/status. */
    static long vmHwmKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** The result of one child run, as it travels on the child's result line. */
    record Run(double fitSeconds, double accuracy, long rssKb, int epochs, double jvmSeconds, double encodeSeconds) {

        String encode() {
            return String.format(Locale.ROOT, "%.3f %.4f %d %d %.3f %.3f", fitSeconds, accuracy, rssKb, epochs,
                    jvmSeconds, encodeSeconds);
        }

        static Run decode(String fields) {
            String[] f = fields.trim().split(" ");
            return new Run(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Long.parseLong(f[2]),
                    Integer.parseInt(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]));
        }
    }

    static Run runChild(String workload, String student, String loss, long seed, String dir, String cacheDir)
            throws Exception {
        return runChild(workload, student, loss, seed, dir, cacheDir, System.getenv().getOrDefault("BENCH_OMP", "1"));
    }

    static Run runChild(String workload, String student, String loss, long seed, String dir, String cacheDir,
                        String ompThreads) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), StudentBenchmark.class.getName(),
                "child", workload, student, loss, Long.toString(seed), dir, cacheDir));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", ompThreads);
        Process p = pb.start();
        String result = null;
        StringBuilder log = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(RESULT_PREFIX)) {
                    result = line.substring(RESULT_PREFIX.length());
                } else {
                    log.append(line).append('\n');
                }
            }
        }
        if (p.waitFor() != 0 || result == null) {
            throw new IOException("child run failed: " + cmd + "\n" + log);
        }
        return Run.decode(result);
    }

    // ---- the tables -------------------------------------------------------------------------------

    /** This machine, the JVM and the load average, for the head of a report. */
    static String machine() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 2)).orElse("?");
        String mem = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
        return String.format(Locale.ROOT, "machine: %d cores (%s), %s, Java %s (%s)%nload average at start: %s",
                Runtime.getRuntime().availableProcessors(), cpu, mem, System.getProperty("java.version"),
                System.getProperty("java.vm.name"), loadAverage());
    }

    static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }

    private static final List<String> PAIR_HEADER = List.of("pair", "fastText s", "student fit s", "ratio",
            "fastText acc", "student acc", "student JVM s", "fastText RSS MB", "student RSS MB", "load");

    /** The synthetic workload: unigram pairs, bigram pairs, and one run of the dense DL4J baseline. */
    static List<Table> synthetic(int pairs) throws Exception {
        Split data = load("synthetic", "-");
        Path dir = Files.createTempDirectory("gold-student-bench");
        String workload = String.format(Locale.ROOT, "synthetic: %d train / %d test texts x %d tokens, vocabulary %d,"
                + " %d classes, %d epochs, dimension %d", SYN_TRAIN, SYN_TEST, SYN_LENGTH, SYN_VOCAB, SYN_CLASSES, EPOCHS,
                DIM);
        List<String> ftArgs = List.of("-epoch", String.valueOf(EPOCHS), "-dim", String.valueOf(DIM));
        List<String> ftBigrams = List.of("-epoch", String.valueOf(EPOCHS), "-dim", String.valueOf(DIM),
                "-wordNgrams", "2", "-bucket", "50000");
        List<Pair> unigrams = new ArrayList<>();
        for (int r = 1; r <= pairs; r++) {
            unigrams.add(pair("unigrams #" + r, data, dir, ftArgs, "boe"));
        }
        List<Pair> bigrams = new ArrayList<>();
        for (int r = 1; r <= Math.max(1, pairs / 2); r++) {
            bigrams.add(pair("bigrams #" + r, data, dir, ftBigrams, "boe-bigrams"));
        }
        // the dense DL4J baseline: one run, it is slow
        FastText.Result ft = FastText.run(dir, data.train(), data.test(), new Tokenizer(true), ftArgs);
        // ND4J's default of one OpenMP thread per core here, as a user of a plain DL4J graph would run it
        Run dense = runChild("synthetic", "boe-dl4j", "ce", 1, "-", "-", "2");
        String denseLine = String.format(Locale.ROOT, "dense DL4J graph (Adam 1e-3, batch 256): fit %.2f s vs fastText"
                        + " %.2f s = %.1fx, accuracy %.4f vs %.4f, RSS %d MB", dense.fitSeconds(), ft.trainSeconds(),
                dense.fitSeconds() / ft.trainSeconds(), dense.accuracy(), ft.accuracy(), dense.rssKb() / 1024);
        deleteTree(dir);
        return List.of(
                pairTable(workload + "; bag of embeddings vs fasttext -epoch 10 -dim 64", unigrams, List.of()),
                pairTable(workload + "; with bigrams (50,000 buckets) on both sides", bigrams, List.of(denseLine)));
    }

    /** One fastText run and one student run on the same data, back to back. */
    private record Pair(List<String> cells, double ratio, double fastTextAccuracy, double studentAccuracy,
                        double jvmRatio) {
    }

    private static Pair pair(String name, Split data, Path dir, List<String> ftArgs, String student)
            throws Exception {
        FastText.Result ft = FastText.run(dir, data.train(), data.test(), new Tokenizer(true), ftArgs);
        Run s = runChild("synthetic", student, "ce", 1, "-", "-");
        double ratio = s.fitSeconds() / ft.trainSeconds();
        List<String> cells = List.of(name, f2(ft.trainSeconds()), f2(s.fitSeconds()), f2(ratio), f4(ft.accuracy()),
                f4(s.accuracy()), f2(s.jvmSeconds()), Long.toString(ft.peakRssKb() / 1024),
                Long.toString(s.rssKb() / 1024), loadAverage());
        return new Pair(cells, ratio, ft.accuracy(), s.accuracy(), s.jvmSeconds() / ft.trainSeconds());
    }

    private static Table pairTable(String title, List<Pair> pairs, List<String> moreNotes) {
        double[] ratios = pairs.stream().mapToDouble(Pair::ratio).sorted().toArray();
        double[] jvm = pairs.stream().mapToDouble(Pair::jvmRatio).sorted().toArray();
        double ftAcc = pairs.stream().mapToDouble(Pair::fastTextAccuracy).average().orElse(Double.NaN);
        double sAcc = pairs.stream().mapToDouble(Pair::studentAccuracy).average().orElse(Double.NaN);
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "time ratio median %.2f (range %.2f-%.2f), whole student JVM / fastText"
                        + " median %.2f; accuracy fastText %.4f, student %.4f (difference %+.2f points)",
                ratios[ratios.length / 2], ratios[0], ratios[ratios.length - 1], jvm[jvm.length / 2], ftAcc, sAcc,
                100 * (sAcc - ftAcc)));
        notes.addAll(moreNotes);
        return new Table(title, PAIR_HEADER, pairs.stream().map(Pair::cells).toList(), notes);
    }

    static Table sentiment(Path fixtures, int seeds) throws Exception {
        Split data = load("sentiment", fixtures.toString());
        Path dir = Files.createTempDirectory("gold-student-bench");
        String title = String.format(Locale.ROOT, "sentiment: train yelp + amazon (%d), test imdb (%d), %d epochs,"
                + " %d seeds", data.train().size(), data.test().size(), EPOCHS, seeds);
        List<double[]> ft = new ArrayList<>();
        List<double[]> ftBigrams = new ArrayList<>();
        for (int r = 0; r < seeds; r++) {
            FastText.Result a = FastText.run(dir, data.train(), data.test(), new Tokenizer(true),
                    List.of("-epoch", String.valueOf(EPOCHS)));
            ft.add(new double[] {a.accuracy(), a.trainSeconds(), a.peakRssKb() / 1024.0});
            FastText.Result b = FastText.run(dir, data.train(), data.test(), new Tokenizer(true),
                    List.of("-epoch", String.valueOf(EPOCHS), "-dim", String.valueOf(DIM), "-wordNgrams", "2",
                            "-bucket", "50000"));
            ftBigrams.add(new double[] {b.accuracy(), b.trainSeconds(), b.peakRssKb() / 1024.0});
        }
        double ftMean = mean(ft, 0);
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("fastText -epoch 10 (defaults: dim 100, unigrams)", "softmax", col(ft, 0), f4(ftMean), "0",
                f2(mean(ft, 1)), f0(max(ft, 2)), "-"));
        rows.add(List.of("fastText -epoch 10 -dim 64 -wordNgrams 2 -bucket 50000", "softmax", col(ftBigrams, 0),
                f4(mean(ftBigrams, 0)), String.format(Locale.ROOT, "%+.1f", 100 * (mean(ftBigrams, 0) - ftMean)),
                f2(mean(ftBigrams, 1)), f0(max(ftBigrams, 2)), "-"));
        String cache = dir.toString(); // encoder runs share a disk cache; the first one encodes every text
        for (String student : List.of("boe", "cnn", "encoder", "encoder-mlp")) {
            for (String loss : List.of("ce", "sce")) {
                List<double[]> runs = new ArrayList<>();
                for (int seed = 1; seed <= seeds; seed++) {
                    Run r = runChild("sentiment", student, loss, seed, fixtures.toString(), cache);
                    runs.add(new double[] {r.accuracy(), r.fitSeconds(), r.rssKb() / 1024.0, r.encodeSeconds()});
                }
                rows.add(List.of(describe(student), loss.equals("sce") ? "SCE(0.1, 1.0)" : "CE", col(runs, 0),
                        f4(mean(runs, 0)), String.format(Locale.ROOT, "%+.1f", 100 * (mean(runs, 0) - ftMean)),
                        f2(mean(runs, 1)), f0(max(runs, 2)), student.startsWith("encoder") ? col(runs, 3) : "-"));
            }
        }
        deleteTree(dir);
        return new Table(title, List.of("model", "loss", "imdb accuracy per seed", "mean", "vs fastText (points)",
                "train s (mean)", "peak RSS MB (max)", "encode s per seed (cache cold on the first)"), rows, List.of());
    }

    private static String f0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String describe(String student) {
        return switch (student) {
            case "boe" -> "bag of embeddings (dim 64, 50k bigram buckets)";
            case "cnn" -> "text CNN (dim 64, 3x64 filters 3/4/5)";
            case "encoder" -> "bge-small + linear head";
            case "encoder-mlp" -> "bge-small + MLP head (128 hidden)";
            default -> student;
        };
    }

    private static String col(List<double[]> rows, int i) {
        StringBuilder sb = new StringBuilder();
        for (double[] r : rows) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(String.format(Locale.ROOT, "%.3f", r[i]));
        }
        return sb.toString();
    }

    private static double mean(List<double[]> rows, int i) {
        return rows.stream().mapToDouble(r -> r[i]).average().orElse(Double.NaN);
    }

    private static double max(List<double[]> rows, int i) {
        return rows.stream().mapToDouble(r -> r[i]).max().orElse(Double.NaN);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The bag-of-embeddings graph trained the straightforward way: DL4J's own fit with Adam. */
    static final class DenseBaseline {
        private static final int BATCH = 256;

        private DenseBaseline() {
        }

        /** Trains a fresh copy of the student's graph (same initialisation) with Adam and returns it. */
        static ComputationGraph fit(BagOfEmbeddingsStudent s, Task task, List<Sample> train, int epochs, long seed) {
            var conf = s.network().getConfiguration().clone();
            conf.getVertices().values().forEach(v -> {
                if (v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv
                        && lv.getLayerConf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer bl) {
                    bl.setIUpdater(new Adam(1e-3));
                }
            });
            ComputationGraph g = new ComputationGraph(conf);
            g.init();
            int n = train.size();
            int[][] ids = ids(s, train);
            java.util.Random rnd = new java.util.Random(seed);
            Integer[] order = new Integer[n];
            for (int e = 0; e < epochs; e++) {
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                java.util.Collections.shuffle(Arrays.asList(order), rnd);
                for (int from = 0; from < n; from += BATCH) {
                    int m = Math.min(BATCH, n - from);
                    int[] rows = new int[m];
                    float[][] y = new float[m][task.labels().size()];
                    for (int i = 0; i < m; i++) {
                        rows[i] = order[from + i];
                        y[i][task.labelIndex(train.get(rows[i]).label())] = 1;
                    }
                    INDArray[] xAndMask = padded(ids, rows);
                    g.fit(new INDArray[] {xAndMask[0]}, new INDArray[] {Nd4j.createFromArray(y)},
                            new INDArray[] {xAndMask[1]}, null);
                }
            }
            return g;
        }

        /** Accuracy of the trained graph on {@code test}: the argmax of its output against the labels. */
        static double accuracy(ComputationGraph g, BagOfEmbeddingsStudent s, Task task, List<Sample> test) {
            int[][] ids = ids(s, test);
            int correct = 0;
            for (int from = 0; from < test.size(); from += BATCH) {
                int m = Math.min(BATCH, test.size() - from);
                int[] rows = new int[m];
                for (int i = 0; i < m; i++) {
                    rows[i] = from + i;
                }
                INDArray[] xAndMask = padded(ids, rows);
                long[] predicted = g.output(false, new INDArray[] {xAndMask[0]}, new INDArray[] {xAndMask[1]})[0]
                        .argMax(1).toLongVector();
                for (int i = 0; i < m; i++) {
                    if (predicted[i] == task.labelIndex(test.get(from + i).label())) {
                        correct++;
                    }
                }
            }
            return correct / (double) test.size();
        }

        /** Token ids of each sample in the student's vocabulary (the baseline has no bigrams). */
        private static int[][] ids(BagOfEmbeddingsStudent s, List<Sample> samples) {
            Tokenizer tok = new Tokenizer(true);
            int[][] ids = new int[samples.size()][];
            for (int i = 0; i < ids.length; i++) {
                List<String> t = tok.tokenize(samples.get(i).text());
                ids[i] = new int[t.size()];
                for (int j = 0; j < t.size(); j++) {
                    ids[i][j] = s.vocabulary().id(t.get(j));
                }
            }
            return ids;
        }

        /** The ids of {@code rows}, padded to the longest, and the mask of real positions. */
        private static INDArray[] padded(int[][] ids, int[] rows) {
            int len = 1;
            for (int r : rows) {
                len = Math.max(len, ids[r].length);
            }
            float[][] x = new float[rows.length][len];
            float[][] mask = new float[rows.length][len];
            for (int i = 0; i < rows.length; i++) {
                int[] r = ids[rows[i]];
                for (int j = 0; j < r.length; j++) {
                    x[i][j] = r[j];
                    mask[i][j] = 1;
                }
            }
            return new INDArray[] {Nd4j.createFromArray(x), Nd4j.createFromArray(mask)};
        }
    }
}
