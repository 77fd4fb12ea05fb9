package io.github.goldkd.examples.bench;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Predictor;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.SymmetricCrossEntropyLoss;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.examples.ShippedData;
import io.github.goldkd.student.BagOfEmbeddingsStudent;
import io.github.goldkd.student.EncoderStudent;
import io.github.goldkd.student.OnnxBgeEncoder;
import io.github.goldkd.student.Students;
import io.github.goldkd.student.TextCnnStudent;
import io.github.goldkd.student.Tokenizer;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Inference of a trained student in a production setting (BENCHMARKS.md, "Serving a trained student"): load
 * time, texts per second for 10,000 short texts on one thread and on every core, and peak resident memory,
 * for each shipped student, beside fastText's {@code predict} on the same texts.
 *
 * <pre>
 * InferenceBenchmark all DIR        trains bag, cnn and encoder on the shipped yelp + amazon sentences (SCE, as
 *                                   a GOLD run's final student), writes DIR/texts.txt, then measures each
 *                                   student in a child JVM per thread count, and fastText
 * InferenceBenchmark measure FILE TEXTS THREADS   one measurement (the child): prints one result line
 * </pre>
 *
 * Each measurement runs in a fresh JVM ({@code -Xmx2g}, {@code OMP_NUM_THREADS=1}), so that its peak resident
 * set ({@code VmHWM}) is its own and the encoder student's text cache starts empty. Prints, writes nothing
 * but DIR: a benchmark, not a library.
 */
public final class InferenceBenchmark {

    static final int TEXTS = 10_000;
    static final int BATCH = 100;
    static final int WARMUP = 500;
    static final int FASTTEXT_REPEATS = 10;

    private InferenceBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("all")) {
            all(Path.of(args[1]));
        } else if (args.length == 4 && args[0].equals("measure")) {
            measure(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
        } else {
            System.err.println("usage: InferenceBenchmark all DIR | measure STUDENT TEXTS THREADS");
            System.exit(2);
        }
    }

    /**
     * 10,000 distinct short texts from the 3,000 shipped sentences: each sentence once, then sentences followed
     * by the first four words of another; plus {@link #WARMUP} other ones (two sentences' halves) for warming up.
     */
    static List<String> texts(List<String> sentences, boolean warmup) {
        Set<String> out = new LinkedHashSet<>();
        int n = sentences.size();
        if (warmup) {
            for (int i = 0; out.size() < WARMUP; i++) {
                String[] a = sentences.get(i % n).split(" ");
                String[] b = sentences.get((i * 13 + 5) % n).split(" ");
                out.add("warm " + String.join(" ", List.of(a).subList(0, (a.length + 1) / 2)) + " "
                        + String.join(" ", List.of(b).subList(b.length / 2, b.length)));
            }
            return new ArrayList<>(out);
        }
        out.addAll(sentences);
        for (int i = 0; out.size() < TEXTS; i++) {
            // the appended sentence steps by a different stride in each pass, so every pair is new
            String[] words = sentences.get((i % n + 1 + 7 * (i / n)) % n).split(" ");
            out.add(sentences.get(i % n) + " " + String.join(" ", List.of(words).subList(0, Math.min(4, words.length))));
        }
        return new ArrayList<>(out).subList(0, TEXTS);
    }

    static void all(Path dir) throws Exception {
        Files.createDirectories(dir);
        Task task = ShippedData.sentimentTask();
        Dataset pool = ShippedData.sentimentPool();
        List<String> sentences = new ArrayList<>();
        for (Sample s : pool.concat(ShippedData.sentimentTest())) {
            sentences.add(s.text());
        }
        List<String> texts = texts(sentences, false);
        Path textsFile = dir.resolve("texts.txt");
        Files.write(textsFile, texts, StandardCharsets.UTF_8);
        System.out.printf(Locale.ROOT, "%d texts, %.1f words on average%n", texts.size(),
                texts.stream().mapToInt(t -> t.split(" ").length).average().orElse(0));

        Map<String, Supplier<StudentFactory>> students = new LinkedHashMap<>();
        students.put("bag", BagOfEmbeddingsStudent::factory);
        students.put("cnn", TextCnnStudent::factory);
        if (OnnxBgeEncoder.isAvailable()) {
            students.put("encoder", () -> EncoderStudent.factory(OnnxBgeEncoder.create()));
        }
        int cores = Runtime.getRuntime().availableProcessors();
        List<String> rows = new ArrayList<>();
        for (Map.Entry<String, Supplier<StudentFactory>> e : students.entrySet()) {
            Path file = dir.resolve(e.getKey()).resolve("student.bin");
            if (!Files.exists(file)) {
                Student s = e.getValue().get().create(task,
                        new TrainingOptions(SymmetricCrossEntropyLoss.defaults(), io.github.goldkd.core.BatchFilter.NONE, 1));
                s.fit(pool, 10, 2);
                s.save(file);
            }
            for (int threads : cores > 1 ? new int[] {1, cores} : new int[] {1}) {
                String line = child(file, textsFile, threads);
                rows.add(e.getKey() + " " + line);
                System.out.println(e.getKey() + " " + line);
            }
        }
        rows.add("fasttext " + fastText(dir, task, pool, texts));
        System.out.println(rows.get(rows.size() - 1));
        System.out.println();
        System.out.println("| student | file MB | threads | load s | load CPU s | texts/s | texts per CPU s | peak RSS MB "
                + "| predicted positive |");
        for (String r : rows) {
            System.out.println("| " + String.join(" | ", r.split(" ")) + " |");
        }
    }

    private static String child(Path file, Path texts, int threads) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-cp", System.getProperty("java.class.path"), InferenceBenchmark.class.getName(), "measure",
                file.toString(), texts.toString(), Integer.toString(threads)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("child failed: " + cmd + "\n" + out);
        }
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }

    /**
     * The child: loads the student by path, warms it up on other texts, then predicts the 10,000 texts in
     * batches of {@link #BATCH} from {@code threads} threads (a {@link Predictor} with one copy per thread).
     * Prints: file MB, threads, load s, texts/s, peak RSS MB, and a checksum of the predictions.
     */
    static void measure(Path file, Path textsFile, int threads) throws Exception {
        List<String> texts = Files.readAllLines(textsFile, StandardCharsets.UTF_8);
        Nd4j.zeros(1); // the ND4J backend loads once per JVM; the load time is the student's own
        long t0 = System.nanoTime();
        long c0 = cpuNanos();
        Student first = Students.load(file);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        double loadCpu = (cpuNanos() - c0) / 1e9;
        List<Student> copies = new ArrayList<>(List.of(first));
        Predictor predictor = Predictor.pooled(threads, () -> copies.isEmpty() ? Students.load(file) : copies.remove(0));
        List<String> warm = texts(texts.subList(0, 3000), true);
        runThreads(predictor, warm, threads);
        long t1 = System.nanoTime();
        long c1 = cpuNanos();
        List<String> predicted = runThreads(predictor, texts, threads);
        double seconds = (System.nanoTime() - t1) / 1e9;
        double cpu = (cpuNanos() - c1) / 1e9;
        long positives = predicted.stream().filter(l -> l.equals(predictor.labels().get(predictor.labels().size() - 1)))
                .count();
        System.out.printf(Locale.ROOT, "%.1f %d %.2f %.2f %.0f %.0f %d %d/%d%n", Files.size(file) / 1e6, threads,
                loadSeconds, loadCpu, texts.size() / seconds, texts.size() / cpu, peakRssMb(), positives, texts.size());
    }

    /** Predictions of {@code texts} in order, computed by {@code threads} threads taking batches in turn. */
    static List<String> runThreads(Predictor predictor, List<String> texts, int threads) throws Exception {
        int batches = (texts.size() + BATCH - 1) / BATCH;
        String[][] out = new String[batches][];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    int b;
                    while ((b = next.getAndIncrement()) < batches) {
                        out[b] = predictor.predict(texts.subList(b * BATCH, Math.min(texts.size(), (b + 1) * BATCH)))
                                .toArray(new String[0]);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> all = new ArrayList<>(texts.size());
        for (String[] b : out) {
            all.addAll(List.of(b));
        }
        return all;
    }

    /** CPU time of this process (all threads, the JIT and GC included): load-independent on a shared machine. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static long peakRssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
            }
        }
        return -1;
    }

    /**
     * fastText 0.9.2 on the same data: trained with {@code -epoch 10 -dim 64 -wordNgrams 2 -bucket 50000}, then
     * {@code fasttext predict} on one text (the load) and on the 10,000 texts repeated {@link #FASTTEXT_REPEATS}
     * times (the throughput: the difference), under {@code /usr/bin/time}.
     * fastText's predict is single-threaded.
     */
    static String fastText(Path dir, Task task, Dataset pool, List<String> texts) throws IOException, InterruptedException {
        Tokenizer tokenizer = new Tokenizer(true);
        Path ft = dir.resolve("fasttext");
        Files.createDirectories(ft);
        List<String> train = new ArrayList<>();
        for (Sample s : pool) {
            train.add("__label__" + s.label() + " " + String.join(" ", tokenizer.tokenize(s.text())));
        }
        Files.write(ft.resolve("train.txt"), train, StandardCharsets.UTF_8);
        List<String> input = new ArrayList<>();
        for (String t : texts) {
            input.add(String.join(" ", tokenizer.tokenize(t)));
        }
        Files.write(ft.resolve("texts.txt"), input, StandardCharsets.UTF_8);
        // fastText predicts 10,000 texts in about the time it takes to start: time them 10 times over
        List<String> repeated = new ArrayList<>();
        for (int r = 0; r < FASTTEXT_REPEATS; r++) {
            repeated.addAll(input);
        }
        Files.write(ft.resolve("repeated.txt"), repeated, StandardCharsets.UTF_8);
        Files.write(ft.resolve("one.txt"), input.subList(0, 1), StandardCharsets.UTF_8);
        Path model = ft.resolve("model");
        exec(ft, List.of("fasttext", "supervised", "-input", ft.resolve("train.txt").toString(), "-output",
                model.toString(), "-epoch", "10", "-dim", "64", "-wordNgrams", "2", "-bucket", "50000"), null);
        double[] one = exec(ft, List.of("fasttext", "predict", model + ".bin", ft.resolve("one.txt").toString()),
                ft.resolve("one.out"));
        exec(ft, List.of("fasttext", "predict", model + ".bin", ft.resolve("texts.txt").toString()),
                ft.resolve("predictions.txt"));
        double[] many = exec(ft, List.of("fasttext", "predict", model + ".bin", ft.resolve("repeated.txt").toString()),
                ft.resolve("repeated-predictions.txt"));
        long positives = Files.readAllLines(ft.resolve("predictions.txt")).stream()
                .filter(l -> l.trim().equals("__label__" + task.labelNames().get(task.labelNames().size() - 1))).count();
        int predicted = FASTTEXT_REPEATS * texts.size();
        double predictSeconds = Math.max(1e-3, many[0] - one[0]);
        double predictCpu = Math.max(1e-3, many[2] - one[2]);
        return String.format(Locale.ROOT, "%.1f %d %.2f %.2f %.0f %.0f %d %d/%d", Files.size(Path.of(model + ".bin")) / 1e6,
                1, one[0], one[2], predicted / predictSeconds, predicted / predictCpu, (long) many[1] / 1024,
                positives, texts.size());
    }

    /** Runs a command under /usr/bin/time; returns wall seconds, peak RSS in kB and CPU seconds (user + system). */
    private static double[] exec(Path dir, List<String> cmd, Path stdout) throws IOException, InterruptedException {
        Path time = dir.resolve("time.txt");
        List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M %U %S", "-o", time.toString()));
        full.addAll(cmd);
        ProcessBuilder pb = new ProcessBuilder(full).redirectError(dir.resolve("stderr.log").toFile());
        pb.redirectOutput(stdout != null ? stdout.toFile() : dir.resolve("stdout.log").toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (p.waitFor() != 0) {
            throw new IOException("command failed: " + cmd + ", see " + dir.resolve("stderr.log"));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<String> lines = Files.readAllLines(time);
        String[] f = lines.get(lines.size() - 1).trim().split(" ");
        return new double[] {seconds, Double.parseDouble(f[0]), Double.parseDouble(f[1]) + Double.parseDouble(f[2])};
    }
}
