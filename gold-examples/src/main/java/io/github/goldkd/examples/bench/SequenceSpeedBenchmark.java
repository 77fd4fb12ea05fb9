package io.github.goldkd.examples.bench;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.CrossEntropyLoss;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.TrainingOptions;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Issue 11's speed anchor: each DL4J sequence student against the same network written in PyTorch
 * ({@code bench/pytorch/seq_speed.py}, a harness outside every jar), same synthetic data shapes, same batch size,
 * same thread count, measured in the same run so that the ratio holds even on a busy machine.
 *
 * <p>Per case and thread count: a child JVM (its own peak RSS) trains the student one warm-up epoch, then
 * {@code --repeats} timed epochs of {@code --train-steps} mini-batches through {@link Student#fit} (cross-entropy,
 * no batch filter), times one forward pass ({@link Student#logits}) and greedy decoding ({@link Student#predict}),
 * each the best of its repeats (the harness does the same: on a shared machine the fastest repeat is the least
 * disturbed), reads its
 * {@code VmHWM}, and writes the PyTorch spec of the same network (sizes read off the trained student). Then
 * the Python harness runs that spec in its own process. One table is printed: steps/s, sequences/s, the ratios
 * DL4J time / PyTorch time (issue 11's target: at most 2), and both peak RSS. For a seq2seq case the harness also
 * decodes with a key/value cache (the student's incremental decoder: per decoder layer the earlier positions'
 * self-attention keys/values cached, the memory's cross-attention keys/values computed once per source, each step
 * only the new position; the same tokens), and the table gives its sequences/s and DL4J's decoding time against it
 * next to the uncached PyTorch decoding.
 *
 * <pre>
 * java -cp gold-examples/target/gold-examples.jar io.github.goldkd.examples.bench.SequenceSpeedBenchmark \
 *      --python ~/.venvs/gold-bench/bin/python --threads 1,2
 * </pre>
 * Options: {@code --cases a,b} (default: all), {@code --threads 1[,2]}, {@code --train-steps N} (20),
 * {@code --decode N} (sequences, 32), {@code --repeats N} (3), {@code --seed N} (7), {@code --python PATH} (default
 * {@code $GOLD_BENCH_PYTHON}, else {@code python3}), {@code --harness PATH} (default: {@code bench/pytorch/seq_speed.py}
 * found from the working directory up), {@code --child-xmx SIZE} (4g), {@code --in-process} (no child JVM:
 * the peak RSS then covers every case measured before), {@code --torch-onehot} (the harness embeds by one-hot x
 * matrix as the DL4J students must, instead of a lookup: for profiling), {@code --jfr DIR} (each child JVM records
 * a Java Flight Recording there, {@code CASE-tTHREADS.jfr}: where the DL4J time goes), {@code --out FILE} (also
 * write the table there), {@code --decode-each N} (also time the first N of the decoded samples one per
 * {@code predict} call: a seq2seq student then decodes each source alone, as before its batched decoding; the
 * harness does the same with batch 1), {@code --keep-all-filter} (also time training with a filter that keeps
 * every sample but is not {@link BatchFilter#NONE}: the seq2seq student's generic host-loss path instead of its
 * in-graph loss).
 */
public final class SequenceSpeedBenchmark {

    static final String RESULT_PREFIX = "@@seq-speed ";
    /** Keeps every sample, and is not {@link BatchFilter#NONE}: what {@code --keep-all-filter} trains with. */
    static final BatchFilter KEEP_ALL = new BatchFilter() {
        @Override
        public int[] keep(List<Logits> batch) {
            return BatchFilter.NONE.keep(batch);
        }

        @Override
        public String name() {
            return "keep-all";
        }
    };
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private SequenceSpeedBenchmark() {
    }

    /** The settings of one run, validated. */
    record Settings(List<String> cases, List<Integer> threads, int trainSteps, int decode, int repeats, long seed,
                    String python,
                    Path harness, String childXmx, boolean inProcess, boolean torchOnehot, Path out,
                    String child, Path jfr, int decodeEach, boolean keepAllFilter) {

        Settings {
            if (threads.isEmpty()) {
                throw new IllegalArgumentException("--threads must name at least one thread count");
            }
            for (int t : threads) {
                if (t < 1 || t > 64) {
                    throw new IllegalArgumentException("--threads must be in [1, 64], was " + t);
                }
            }
            if (trainSteps < 1 || trainSteps > 10_000) {
                throw new IllegalArgumentException("--train-steps must be in [1, 10000], was " + trainSteps);
            }
            if (decode < 1 || decode > 100_000) {
                throw new IllegalArgumentException("--decode must be in [1, 100000], was " + decode);
            }
            if (repeats < 1 || repeats > 100) {
                throw new IllegalArgumentException("--repeats must be in [1, 100], was " + repeats);
            }
            if (decodeEach < 0 || decodeEach > decode) {
                throw new IllegalArgumentException("--decode-each must be in [0, --decode=" + decode + "], was "
                        + decodeEach);
            }
            if (!childXmx.matches("\\d+[kmgKMG]?")) {
                throw new IllegalArgumentException("--child-xmx must be a JVM heap size such as 4g, was " + childXmx);
            }
        }

        static Settings parse(String[] args, Map<String, Function<Integer, SpeedCase>> known) {
            Map<String, String> o = new LinkedHashMap<>();
            boolean inProcess = false;
            boolean torchOnehot = false;
            boolean keepAllFilter = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--in-process")) {
                    inProcess = true;
                } else if (a.equals("--torch-onehot")) {
                    torchOnehot = true;
                } else if (a.equals("--keep-all-filter")) {
                    keepAllFilter = true;
                } else if (a.startsWith("--") && i + 1 < args.length) {
                    o.put(a, args[++i]);
                } else {
                    throw new IllegalArgumentException("unknown or incomplete option '" + a + "' (see the javadoc of "
                            + SequenceSpeedBenchmark.class.getSimpleName() + " for the options)");
                }
            }
            List<String> allowed = List.of("--cases", "--threads", "--train-steps", "--decode", "--repeats", "--seed", "--python",
                    "--harness", "--child-xmx", "--out", "--child", "--jfr", "--decode-each");
            for (String k : o.keySet()) {
                if (!allowed.contains(k)) {
                    throw new IllegalArgumentException("unknown option '" + k + "', allowed: " + allowed
                            + ", --in-process, --torch-onehot and --keep-all-filter");
                }
            }
            List<String> cases = new ArrayList<>();
            for (String c : o.getOrDefault("--cases", String.join(",", known.keySet())).split(",")) {
                if (!known.containsKey(c.trim())) {
                    throw new IllegalArgumentException("--cases: unknown case '" + c + "', known: " + known.keySet());
                }
                cases.add(c.trim());
            }
            List<Integer> threads = new ArrayList<>();
            for (String t : o.getOrDefault("--threads", "1").split(",")) {
                threads.add(intOption("--threads", t));
            }
            String python = o.getOrDefault("--python", System.getenv().getOrDefault("GOLD_BENCH_PYTHON", "python3"));
            Path harness = o.containsKey("--harness") ? Path.of(o.get("--harness")) : findHarness();
            return new Settings(cases, threads, intOption("--train-steps", o.getOrDefault("--train-steps", "20")),
                    intOption("--decode", o.getOrDefault("--decode", "32")),
                    intOption("--repeats", o.getOrDefault("--repeats", "3")),
                    intOption("--seed", o.getOrDefault("--seed", "7")), python, harness,
                    o.getOrDefault("--child-xmx", "4g"), inProcess, torchOnehot,
                    o.containsKey("--out") ? Path.of(o.get("--out")) : null, o.get("--child"),
                    o.containsKey("--jfr") ? Path.of(o.get("--jfr")) : null,
                    intOption("--decode-each", o.getOrDefault("--decode-each", "0")), keepAllFilter);
        }

        private static int intOption(String name, String value) {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be an integer, was '" + value + "'");
            }
        }
    }

    /** {@code bench/pytorch/seq_speed.py} in the working directory or the nearest parent that has it. */
    static Path findHarness() {
        Path rel = Path.of("bench", "pytorch", "seq_speed.py");
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(rel))) {
                return dir.resolve(rel);
            }
        }
        return rel.toAbsolutePath();
    }

    public static void main(String[] args) throws Exception {
        Settings settings;
        try {
            settings = Settings.parse(args, SpeedCases.all());
        } catch (IllegalArgumentException e) {
            System.err.println("seq-speed: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (settings.child() != null) {
            int threads = settings.threads().get(0);
            JsonObject result = measureDl4j(SpeedCases.all().get(settings.child()).apply(threads), threads, settings);
            System.out.println(RESULT_PREFIX + GSON.toJson(result));
            System.out.flush();
            System.exit(0);
        }
        String table = run(settings, SpeedCases.all(), System.err);
        System.out.println(table);
        if (settings.out() != null) {
            Files.writeString(settings.out(), table, StandardCharsets.UTF_8);
        }
        // ND4J's native threads keep the JVM alive otherwise
        System.exit(0);
    }

    /** Measures every case at every thread count and returns the table. Progress goes to {@code log}. */
    static String run(Settings settings, Map<String, Function<Integer, SpeedCase>> cases, PrintStream log)
            throws IOException, InterruptedException {
        List<Row> rows = new ArrayList<>();
        for (int threads : settings.threads()) {
            for (String name : settings.cases()) {
                log.printf(Locale.ROOT, "seq-speed: %s, %d thread(s): DL4J%n", name, threads);
                JsonObject dl4j = settings.inProcess()
                        ? measureDl4j(cases.get(name).apply(threads), threads, settings)
                        : runChild(name, threads, settings, log);
                log.printf(Locale.ROOT, "seq-speed: %s, %d thread(s): PyTorch%n", name, threads);
                JsonObject spec = dl4j.getAsJsonObject("torch_spec");
                log.println("  dl4j: " + GSON.toJson(dl4j));
                PythonResult torch = runPython(settings.python(), settings.harness(), spec, threads, log);
                torch.measures().values().forEach(m -> log.println("  torch: " + GSON.toJson(m)));
                if (torch.error() != null) {
                    log.println("  torch: " + torch.error());
                }
                rows.add(new Row(name, threads, dl4j, torch));
            }
        }
        return table(rows);
    }

    // ---- the DL4J side ------------------------------------------------------------------------------

    /** Trains, times and decodes one case in this JVM; the result holds the PyTorch spec of the same network. */
    static JsonObject measureDl4j(SpeedCase c, int threads, Settings settings) {
        long seed = settings.seed();
        List<Sample> train = c.trainData(settings.trainSteps(), seed);
        List<Sample> decode = c.decodeData(settings.decode(), seed + 1, train);
        Student student = c.factory(threads).create(c.task(),
                new TrainingOptions(new CrossEntropyLoss(), BatchFilter.NONE, seed));
        Dataset data = Dataset.of(train);
        // the same training with a filter that keeps everything but is not BatchFilter.NONE: a student that
        // specialises NONE (the seq2seq student's in-graph loss) takes its generic path there
        Student generic = settings.keepAllFilter()
                ? c.factory(threads).create(c.task(), new TrainingOptions(new CrossEntropyLoss(), KEEP_ALL, seed))
                : null;
        long t0 = System.nanoTime();
        // warm-up: vocabularies, graph, JIT, the student's caches (the QA student's frozen token states)
        student.fit(data, 1, seed);
        double warmSeconds = seconds(t0);
        if (generic != null) {
            generic.fit(data, 1, seed);
        }
        // best of --repeats: on a shared machine the fastest repeat is the one least slowed by other processes;
        // the two students' epochs alternate, so that both see the same spells of load
        double trainSeconds = Double.POSITIVE_INFINITY;
        double keepAllSeconds = Double.NaN;
        for (int i = 0; i < settings.repeats(); i++) {
            t0 = System.nanoTime();
            student.fit(data, 1, seed + 1 + i);
            trainSeconds = Math.min(trainSeconds, seconds(t0));
            if (generic != null) {
                t0 = System.nanoTime();
                generic.fit(data, 1, seed + 1 + i);
                keepAllSeconds = i == 0 ? seconds(t0) : Math.min(keepAllSeconds, seconds(t0));
            }
        }
        List<Sample> oneBatch = train.subList(0, Math.min(train.size(), c.batchSize()));
        student.logits(oneBatch);
        double forwardMs = Double.POSITIVE_INFINITY;
        for (int i = 0; i < Math.max(3, settings.repeats()); i++) {
            t0 = System.nanoTime();
            student.logits(oneBatch);
            forwardMs = Math.min(forwardMs, seconds(t0) * 1000);
        }
        student.predict(decode.subList(0, Math.min(2, decode.size())));
        double decodeSeconds = Double.POSITIVE_INFINITY;
        List<String> decoded = List.of();
        for (int i = 0; i < settings.repeats(); i++) {
            t0 = System.nanoTime();
            decoded = student.predict(decode);
            decodeSeconds = Math.min(decodeSeconds, seconds(t0));
        }
        // one sample per predict call: a seq2seq student then decodes each source alone, as it did before its
        // batched decoding (the encoder per sample instead of per chunk, a small part)
        double eachSeconds = Double.NaN;
        if (settings.decodeEach() > 0) {
            eachSeconds = Double.POSITIVE_INFINITY;
            for (int i = 0; i < settings.repeats(); i++) {
                t0 = System.nanoTime();
                for (Sample s : decode.subList(0, settings.decodeEach())) {
                    student.predict(List.of(s));
                }
                eachSeconds = Math.min(eachSeconds, seconds(t0));
            }
        }

        JsonObject r = new JsonObject();
        r.addProperty("name", c.name());
        r.addProperty("threads", threads);
        r.addProperty("batch", c.batchSize());
        r.addProperty("train_steps", settings.trainSteps());
        r.addProperty("repeats", settings.repeats());
        r.addProperty("warmup_epoch_seconds", warmSeconds);
        r.addProperty("train_seconds", trainSeconds);
        r.addProperty("train_per_second", settings.trainSteps() / trainSeconds);
        r.addProperty("forward_ms", forwardMs);
        r.addProperty("decode_sequences", decode.size());
        r.addProperty("decode_seconds", decodeSeconds);
        r.addProperty("decode_per_second", decode.size() / decodeSeconds);
        if (settings.decodeEach() > 0) {
            r.addProperty("decode_each_sequences", settings.decodeEach());
            r.addProperty("decode_each_per_second", settings.decodeEach() / eachSeconds);
        }
        if (settings.keepAllFilter()) {
            r.addProperty("train_keep_all_per_second", settings.trainSteps() / keepAllSeconds);
        }
        r.addProperty("peak_rss_mb", peakRssMb());
        r.addProperty("first_prediction", decoded.isEmpty() ? "" : decoded.get(0));

        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", c.name());
        spec.put("threads", threads);
        spec.put("seed", seed);
        spec.put("batch", c.batchSize());
        spec.put("train_steps", settings.trainSteps());
        spec.put("repeats", settings.repeats());
        spec.put("warmup_steps", Math.min(settings.trainSteps(), 5));
        spec.put("distinct_batches", Math.min(settings.trainSteps(), 8));
        Map<String, Object> model = new LinkedHashMap<>(c.torchSpec(student, train, decode, decoded));
        @SuppressWarnings("unchecked")
        Map<String, Object> dec = new LinkedHashMap<>((Map<String, Object>) model.getOrDefault("decode", Map.of()));
        dec.put("sequences", decode.size());
        dec.put("each_sequences", settings.decodeEach());
        if ("s2s".equals(model.get("model"))) {
            // also the harness's decoding with a key/value cache, the seq2seq student's incremental decoder
            dec.put("kv_cache", true);
        }
        model.put("decode", dec);
        spec.putAll(model);
        if (settings.torchOnehot() && model.get("s2s") instanceof Map<?, ?> s2s) {
            // the DL4J student's embedding (one-hot x matrix) instead of the lookup a PyTorch user writes
            @SuppressWarnings("unchecked")
            Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) s2s);
            m.put("onehot", true);
            spec.put("s2s", m);
        }
        r.add("torch_spec", GSON.toJsonTree(spec));
        return r;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** This process's peak resident set (VmHWM of /proc/self/status) in MB, NaN where there is no /proc. */
    static double peakRssMb() {
        try {
            return parseVmHwmMb(Files.readString(Path.of("/proc/self/status")));
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    static double parseVmHwmMb(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmHWM:")) {
                String[] parts = line.substring(6).trim().split("\\s+");
                return Long.parseLong(parts[0]) / 1024.0; // kB
            }
        }
        return Double.NaN;
    }

    /** Runs one case in a child JVM with OMP_NUM_THREADS set, so that its peak RSS is its own. */
    private static JsonObject runChild(String name, int threads, Settings s, PrintStream log)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + s.childXmx()));
        // the parent's off-heap limits, when given, hold for the child too (JavaCPP's defaults follow -Xmx)
        for (String limit : List.of("org.bytedeco.javacpp.maxbytes", "org.bytedeco.javacpp.maxphysicalbytes")) {
            String value = System.getProperty(limit);
            if (value != null) {
                cmd.add("-D" + limit + "=" + value);
            }
        }
        if (s.jfr() != null) {
            Files.createDirectories(s.jfr());
            cmd.add("-XX:StartFlightRecording=settings=profile,filename="
                    + s.jfr().resolve(name + "-t" + threads + ".jfr").toAbsolutePath());
        }
        cmd.addAll(List.of("-cp", classPath(),
                SequenceSpeedBenchmark.class.getName(), "--child", name, "--threads", String.valueOf(threads),
                "--train-steps", String.valueOf(s.trainSteps()), "--decode", String.valueOf(s.decode()),
                "--repeats", String.valueOf(s.repeats()), "--seed", String.valueOf(s.seed()), "--harness", s.harness().toString(),
                "--decode-each", String.valueOf(s.decodeEach())));
        if (s.keepAllFilter()) {
            cmd.add("--keep-all-filter");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        threadEnvironment(pb.environment(), threads);
        Process p = pb.start();
        JsonObject result = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith(RESULT_PREFIX)) {
                    result = JsonParser.parseString(line.substring(RESULT_PREFIX.length())).getAsJsonObject();
                } else {
                    log.println("  [dl4j] " + line);
                }
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || result == null) {
            throw new IllegalStateException("the DL4J child for case '" + name + "' failed (exit " + rc
                    + "); its standard error is above");
        }
        return result;
    }

    private static void threadEnvironment(Map<String, String> env, int threads) {
        env.put("OMP_NUM_THREADS", String.valueOf(threads));
        env.put("MKL_NUM_THREADS", String.valueOf(threads));
    }

    /** This JVM's class path, also under {@code mvn exec:java} (whose classes come from a URLClassLoader). */
    private static String classPath() {
        ClassLoader cl = SequenceSpeedBenchmark.class.getClassLoader();
        if (cl instanceof URLClassLoader u && u.getURLs().length > 0) {
            List<String> parts = new ArrayList<>();
            for (URL url : u.getURLs()) {
                try {
                    parts.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    parts.add(url.getPath());
                }
            }
            return String.join(File.pathSeparator, parts);
        }
        return System.getProperty("java.class.path");
    }

    // ---- the PyTorch side ---------------------------------------------------------------------------

    /** What the harness measured, or why it could not. */
    record PythonResult(Map<String, JsonObject> measures, String error) {
        double get(String measure, String field) {
            JsonObject o = measures.get(measure);
            return o == null || !o.has(field) ? Double.NaN : o.get(field).getAsDouble();
        }
    }

    /** Runs the harness on {@code spec}; a missing Python or torch comes back as an error, not an exception. */
    static PythonResult runPython(String python, Path harness, JsonObject spec, int threads, PrintStream log)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(harness)) {
            return new PythonResult(Map.of(), "the PyTorch harness " + harness + " does not exist (--harness)");
        }
        Path specFile = Files.createTempFile("seq-speed-", ".json");
        try {
            Files.writeString(specFile, GSON.toJson(spec), StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder(python, harness.toString(), "--spec", specFile.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            threadEnvironment(pb.environment(), threads);
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                return new PythonResult(Map.of(), "cannot run Python '" + python + "' (" + e.getMessage()
                        + "): pass --python PATH or set GOLD_BENCH_PYTHON; bench/pytorch/README.md says how to "
                        + "install PyTorch");
            }
            Map<String, JsonObject> measures = new LinkedHashMap<>();
            String error = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    JsonObject o;
                    try {
                        o = JsonParser.parseString(line).getAsJsonObject();
                    } catch (RuntimeException e) {
                        log.println("  [torch] " + line);
                        continue;
                    }
                    String measure = o.has("measure") ? o.get("measure").getAsString() : "?";
                    if (measure.equals("error")) {
                        error = o.get("error").getAsString();
                    } else {
                        measures.put(measure, o);
                    }
                }
            }
            if (!p.waitFor(1, TimeUnit.HOURS)) {
                p.destroyForcibly();
                return new PythonResult(measures, "the PyTorch harness did not finish within an hour");
            }
            int rc = p.exitValue();
            if (error == null && rc != 0) {
                error = "the PyTorch harness exited with " + rc + " (its standard error is above)";
            }
            return new PythonResult(measures, error);
        } finally {
            Files.deleteIfExists(specFile);
        }
    }

    // ---- the table ----------------------------------------------------------------------------------

    record Row(String name, int threads, JsonObject dl4j, PythonResult torch) {
    }

    static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| student | threads | batch | DL4J steps/s | PyTorch steps/s | train time DL4J/PyTorch "
                + "| DL4J fwd ms | PyTorch fwd ms | DL4J decode seq/s | PyTorch decode seq/s "
                + "| decode time DL4J/PyTorch | DL4J peak RSS MB | PyTorch peak RSS MB "
                + "| DL4J steps/s, keep-all filter | DL4J one-at-a-time seq/s | PyTorch one-at-a-time seq/s "
                + "| PyTorch decode seq/s (KV cache) | decode time DL4J/PyTorch (KV cache) |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        List<String> notes = new ArrayList<>();
        for (Row r : rows) {
            double dl4jTrain = r.dl4j().get("train_per_second").getAsDouble();
            double dl4jDecode = r.dl4j().get("decode_per_second").getAsDouble();
            double torchTrain = r.torch().get("train", "per_second");
            double torchDecode = r.torch().get("decode", "per_second");
            double torchDecodeKv = r.torch().get("decode_kv", "per_second");
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    r.name(), r.threads(), r.dl4j().get("batch").getAsInt(), num(dl4jTrain), num(torchTrain),
                    ratio(torchTrain / dl4jTrain), num(r.dl4j().get("forward_ms").getAsDouble()),
                    num(r.torch().get("forward", "ms")), num(dl4jDecode), num(torchDecode),
                    ratio(torchDecode / dl4jDecode), num(r.dl4j().get("peak_rss_mb").getAsDouble()),
                    num(r.torch().get("peak_rss", "mb")), num(optional(r.dl4j(), "train_keep_all_per_second")),
                    num(optional(r.dl4j(), "decode_each_per_second")), num(r.torch().get("decode_each", "per_second")),
                    num(torchDecodeKv), ratio(torchDecodeKv / dl4jDecode)));
            if (r.torch().error() != null) {
                notes.add(r.name() + " (" + r.threads() + " thread(s)): PyTorch not measured: " + r.torch().error());
            }
        }
        for (String n : notes) {
            sb.append("\n").append(n);
        }
        return sb.toString();
    }

    /** A measure the child wrote only when asked for: NaN when absent. */
    private static double optional(JsonObject o, String field) {
        return o.has(field) && o.get(field).isJsonPrimitive() ? o.get(field).getAsDouble() : Double.NaN;
    }

    /** DL4J time / PyTorch time = PyTorch rate / DL4J rate, e.g. {@code 1.37x}. */
    static String ratio(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.2fx", x) : "n/a";
    }

    static String num(double x) {
        if (!Double.isFinite(x)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, x >= 100 ? "%.0f" : x >= 10 ? "%.1f" : "%.2f", x);
    }
}
