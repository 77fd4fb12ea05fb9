package io.github.goldkd.examples.bench;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.core.metric.Metrics;
import io.github.goldkd.examples.ShippedTasks;
import io.github.goldkd.student.seq.SpanQaConfig;
import io.github.goldkd.student.seq.SpanQaStudent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The extractive QA student ({@link SpanQaStudent}) on the four shipped SQuAD articles: trained on the questions
 * of three, tested on the fourth (Normans by default, as the shipped task's test set; {@code --held-out all}
 * holds out each in turn). Prints EM and F1 (SQuAD's normalisation, {@link Metrics}), train time and peak
 * resident memory per held-out article, as a Markdown table.
 *
 * <p>Run: {@code OMP_NUM_THREADS=1 mvn -q -pl gold-examples exec:java
 * -Dexec.mainClass=io.github.goldkd.examples.bench.QaBenchmark -Dexec.args="--held-out all"}.
 *
 * <p>{@code --validate ARTICLE} (with one {@code --held-out} article) is how the settings are fixed without the
 * test article: it trains on the other two articles of the pool and prints the validation article's EM / F1
 * after every epoch. The sliding-window lexical baseline of the SQuAD paper, on the same splits, is
 * {@code SlidingWindowQaBaseline}.
 *
 * <p>{@code --members N} trains the students of seeds {@code seed .. seed + N - 1} (each exactly the single student of
 * its seed) and scores every member and their ensemble ({@link SpanQaStudent#predictEnsemble}); {@code
 * --average-decay X} turns on weight averaging ({@link SpanQaConfig#averageDecay()}) and prints the averaged and the
 * last step's scores of the same run; {@code --lexical-skip on|off} sets {@link SpanQaConfig#lexicalSkip()}.
 */
public final class QaBenchmark {

    static final List<String> ARTICLES = List.of("normans", "computational-complexity-theory",
            "southern-california", "sky-united-kingdom");

    private QaBenchmark() {
    }

    public static void main(String[] args) {
        String heldOut = "normans";
        // 2: the best 3-epoch moving average of validation F1 (the mean of seeds 1-3) on the inner fold (pool of
        // Normans, validating on Sky) with the lexical skip, the default since session 10 (4 before it, for the
        // student without); the test articles were not read for it (BENCHMARKS.md "Sequence students: extractive QA")
        int epochs = 2;
        long seed = 1;
        int dim = 128;
        double lr = 2e-3;
        SpanQaConfig defaults = SpanQaConfig.defaults();
        boolean answerTypes = defaults.answerTypes();
        double weightDecay = defaults.weightDecay();
        int maxAnswer = defaults.maxAnswerTokens();
        double averageDecay = defaults.averageDecay();
        boolean lexicalSkip = defaults.lexicalSkip();
        String validate = null;
        int members = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--held-out" -> heldOut = args[++i];
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--dim" -> dim = Integer.parseInt(args[++i]);
                case "--lr" -> lr = Double.parseDouble(args[++i]);
                case "--answer-types" -> answerTypes = onOff("--answer-types", args[++i]);
                case "--weight-decay" -> weightDecay = Double.parseDouble(args[++i]);
                case "--max-answer" -> maxAnswer = Integer.parseInt(args[++i]);
                case "--average-decay" -> averageDecay = Double.parseDouble(args[++i]);
                case "--lexical-skip" -> lexicalSkip = onOff("--lexical-skip", args[++i]);
                case "--validate" -> validate = args[++i];
                case "--members" -> members = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; allowed: --held-out all|" + String.join("|", ARTICLES) + ", --epochs N, --seed N, "
                        + "--dim N, --lr X, --answer-types on|off, --weight-decay X, --max-answer N, "
                        + "--average-decay X, --lexical-skip on|off, --members N, --validate ARTICLE (of the pool)");
            }
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be >= 1, was " + epochs);
        }
        if (members < 1) {
            throw new IllegalArgumentException("--members must be >= 1, was " + members);
        }
        List<String> folds = heldOut.equals("all") ? ARTICLES : List.of(heldOut);
        if (!heldOut.equals("all") && !ARTICLES.contains(heldOut)) {
            throw new IllegalArgumentException("--held-out must be 'all' or one of " + ARTICLES + ", was '" + heldOut + "'");
        }
        if (validate != null && (folds.size() != 1 || !ARTICLES.contains(validate) || validate.equals(heldOut))) {
            throw new IllegalArgumentException("--validate needs one --held-out article and another of " + ARTICLES
                    + ", was '" + validate + "' with --held-out '" + heldOut + "'");
        }
        Task task = ShippedTasks.task("squad");
        SpanQaConfig config = defaults.withModelDim(dim, 4).withLearningRate(lr).withAnswerTypes(answerTypes)
                .withWeightDecay(weightDecay).withMaxAnswerTokens(maxAnswer).withAverageDecay(averageDecay)
                .withLexicalSkip(lexicalSkip);
        if (validate != null) {
            validate(task, config, heldOut, validate, epochs, seed, members);
            return;
        }
        List<String> rows = new ArrayList<>();
        boolean averaging = config.averageDecay() > 0;
        rows.add("| held-out article | train q. | test q. | EM | F1 |"
                + (averaging ? " last-step EM | last-step F1 |" : "") + " train s | peak RSS MB |");
        rows.add("|---|---:|---:|---:|---:|" + (averaging ? "---:|---:|" : "") + "---:|---:|");
        try (SpanQaStudent.Factory factory = SpanQaStudent.factory(config)) {
            for (String test : folds) {
                Dataset train = poolWithout(task, test);
                Dataset testSet = article(task, test);
                List<SpanQaStudent> ensemble = new ArrayList<>();
                long all0 = System.nanoTime();
                for (int k = 0; k < members; k++) {
                    // member k is exactly the single student of seed + k (--seed seed + k --members 1)
                    long memberSeed = seed + k;
                    SpanQaStudent student = factory.create(task, TrainingOptions.defaults(memberSeed));
                    long t0 = System.nanoTime();
                    for (int e = 1; e <= epochs; e++) {
                        var r = student.fit(train, 1, memberSeed * 1000 + e);
                        System.err.printf(Locale.ROOT, "[%s, seed %d] epoch %d: train loss %.3f, %.0f s "
                                        + "(diagnostic test EM %.3f)%n", test, memberSeed, e, r.trainLoss(),
                                (System.nanoTime() - t0) / 1e9, student.score(testSet, Metrics.exactMatch()));
                    }
                    double trainSeconds = (System.nanoTime() - t0) / 1e9;
                    double[] scores = emF1(student, testSet, false);
                    String lastStep = "";
                    if (averaging) {
                        double[] raw = emF1(student, testSet, true);
                        lastStep = String.format(Locale.ROOT, " %.3f | %.3f |", raw[0], raw[1]);
                    }
                    rows.add(String.format(Locale.ROOT, "| %s%s | %d | %d | %.3f | %.3f |%s %.0f | %d |", test,
                            members > 1 ? ", seed " + memberSeed : "", train.size(), testSet.size(), scores[0],
                            scores[1], lastStep, trainSeconds, peakRssMb()));
                    System.err.println(rows.get(rows.size() - 1));
                    ensemble.add(student);
                }
                if (members > 1) {
                    double[] scores = ensembleEmF1(ensemble, testSet);
                    rows.add(String.format(Locale.ROOT, "| %s, ensemble of seeds %d-%d | %d | %d | %.3f | %.3f |%s "
                                    + "%.0f | %d |", test, seed, seed + members - 1, train.size(), testSet.size(),
                            scores[0], scores[1], averaging ? " | |" : "", (System.nanoTime() - all0) / 1e9,
                            peakRssMb()));
                    System.err.println(rows.get(rows.size() - 1));
                }
            }
        }
        System.out.printf(Locale.ROOT, "SpanQaStudent d %d, 4 heads, Adam %.0e, batch %d, %d epochs, seed %d, "
                + "answer types %s, weight decay %.0e, max answer %d, average decay %s, lexical skip %s, "
                + "OMP_NUM_THREADS=%s; the diagnostic per-epoch test EM above (stderr) was not used to choose "
                + "anything.%n%n", dim, lr, config.batchSize(), epochs, seed, config.answerTypes() ? "on" : "off",
                config.weightDecay(), config.maxAnswerTokens(), config.averageDecay(),
                config.lexicalSkip() ? "on" : "off",
                System.getenv("OMP_NUM_THREADS"));
        rows.forEach(System.out::println);
        System.out.println();
        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", JVM " + ManagementFactory.getRuntimeMXBean().getVmName());
    }

    /**
     * Settings are fixed inside the pool: with {@code heldOut} never read, trains on the pool minus
     * {@code validation} and prints that article's EM / F1 after every epoch (and the CPU seconds of the process),
     * so the number of epochs and the other settings can be chosen without the test article.
     */
    static void validate(Task task, SpanQaConfig config, String heldOut, String validation, int epochs, long seed,
                         int members) {
        if (members > 1) {
            validateEnsemble(task, config, heldOut, validation, epochs, seed, members);
            return;
        }
        Dataset train = poolWithout(task, heldOut, validation);
        Dataset val = article(task, validation);
        System.out.printf(Locale.ROOT, "inner fold: test article %s not read; train %d questions, validate on %s "
                        + "(%d); answer types %s, weight decay %.0e, max answer %d, average decay %s, lexical skip "
                        + "%s, lr %.0e, d %d, seed %d%n",
                heldOut, train.size(), validation, val.size(), config.answerTypes() ? "on" : "off",
                config.weightDecay(), config.maxAnswerTokens(), config.averageDecay(),
                config.lexicalSkip() ? "on" : "off", config.learningRate(), config.modelDim(), seed);
        boolean averaging = config.averageDecay() > 0;
        System.out.println("| epoch | train loss | val EM | val F1 |"
                + (averaging ? " last-step val EM | last-step val F1 |" : "") + " wall s | cpu s |");
        System.out.println("|---:|---:|---:|---:|" + (averaging ? "---:|---:|" : "") + "---:|---:|");
        try (SpanQaStudent.Factory factory = SpanQaStudent.factory(config)) {
            SpanQaStudent student = factory.create(task, TrainingOptions.defaults(seed));
            long t0 = System.nanoTime();
            for (int e = 1; e <= epochs; e++) {
                var r = student.fit(train, 1, seed * 1000 + e);
                double[] scores = emF1(student, val, false);
                String lastStep = "";
                if (averaging) {
                    double[] raw = emF1(student, val, true);
                    lastStep = String.format(Locale.ROOT, " %.4f | %.4f |", raw[0], raw[1]);
                }
                System.out.printf(Locale.ROOT, "| %d | %.3f | %.4f | %.4f |%s %.0f | %.0f |%n", e, r.trainLoss(),
                        scores[0], scores[1], lastStep, (System.nanoTime() - t0) / 1e9, cpuSeconds());
                System.out.flush();
            }
        }
    }

    /**
     * The questions of every article but those {@code left} out: the held-out article, and on an inner fold the
     * validation article too.
     */
    private static Dataset poolWithout(Task task, String... left) {
        List<String> out = List.of(left);
        Dataset train = Dataset.empty();
        for (String a : ARTICLES) {
            if (!out.contains(a)) {
                train = train.concat(article(task, a));
            }
        }
        return train;
    }

    /**
     * {@link #validate} for an ensemble: members of seeds {@code seed .. seed + members - 1}, each trained one epoch
     * at a time exactly as the single student of its seed; prints every member's and the ensemble's (log-probability
     * averaging, {@link SpanQaStudent#predictEnsemble}) validation EM / F1 after every epoch.
     */
    static void validateEnsemble(Task task, SpanQaConfig config, String heldOut, String validation, int epochs,
                                 long seed, int members) {
        Dataset train = poolWithout(task, heldOut, validation);
        Dataset val = article(task, validation);
        System.out.printf(Locale.ROOT, "inner fold: test article %s not read; train %d questions, validate on %s "
                        + "(%d); ensemble of seeds %d-%d; answer types %s, weight decay %.0e, max answer %d, "
                        + "average decay %s, lexical skip %s, lr %.0e, d %d%n", heldOut, train.size(), validation,
                val.size(), seed, seed + members - 1, config.answerTypes() ? "on" : "off", config.weightDecay(),
                config.maxAnswerTokens(), config.averageDecay(), config.lexicalSkip() ? "on" : "off",
                config.learningRate(), config.modelDim());
        StringBuilder head = new StringBuilder("| epoch |");
        StringBuilder rule = new StringBuilder("|---:|");
        for (int k = 0; k < members; k++) {
            head.append(" seed ").append(seed + k).append(" val EM / F1 |");
            rule.append("---:|");
        }
        System.out.println(head + " mean of members EM / F1 | ensemble val EM / F1 | wall s | cpu s |");
        System.out.println(rule + "---:|---:|---:|---:|");
        try (SpanQaStudent.Factory factory = SpanQaStudent.factory(config)) {
            List<SpanQaStudent> ensemble = new ArrayList<>();
            for (int k = 0; k < members; k++) {
                ensemble.add(factory.create(task, TrainingOptions.defaults(seed + k)));
            }
            long t0 = System.nanoTime();
            for (int e = 1; e <= epochs; e++) {
                StringBuilder row = new StringBuilder("| " + e + " |");
                double emSum = 0;
                double f1Sum = 0;
                for (int k = 0; k < members; k++) {
                    ensemble.get(k).fit(train, 1, (seed + k) * 1000 + e);
                    double[] s = emF1(ensemble.get(k), val, false);
                    emSum += s[0];
                    f1Sum += s[1];
                    row.append(String.format(Locale.ROOT, " %.4f / %.4f |", s[0], s[1]));
                }
                double[] s = ensembleEmF1(ensemble, val);
                row.append(String.format(Locale.ROOT, " %.4f / %.4f | %.4f / %.4f | %.0f | %.0f |", emSum / members,
                        f1Sum / members, s[0], s[1], (System.nanoTime() - t0) / 1e9, cpuSeconds()));
                System.out.println(row);
                System.out.flush();
            }
        }
    }

    /** EM and F1 of an ensemble's predictions ({@link SpanQaStudent#predictEnsemble}) on {@code data}. */
    static double[] ensembleEmF1(List<SpanQaStudent> ensemble, Dataset data) {
        return emF1(SpanQaStudent.predictEnsemble(ensemble, data.samples()), data);
    }

    /**
     * EM and F1 of the student's predictions on {@code data}: from its averaged weights (what it predicts), or with
     * {@code lastStep} from the last optimiser step's weights (the same without weight averaging).
     */
    static double[] emF1(SpanQaStudent student, Dataset data, boolean lastStep) {
        return emF1(lastStep ? student.predictFromTrainedWeights(data.samples()) : student.predict(data.samples()),
                data);
    }

    /** EM and F1 of {@code predicted}, one per sample of {@code data}, against the samples' references. */
    private static double[] emF1(List<String> predicted, Dataset data) {
        List<List<String>> references = new ArrayList<>(data.size());
        for (var s : data) {
            references.add(s.references());
        }
        return new double[] {Metrics.exactMatch().score(predicted, references),
                Metrics.f1().score(predicted, references)};
    }

    /** CPU time of this process (all threads), in seconds; NaN where the platform does not report it. */
    static double cpuSeconds() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    private static boolean onOff(String name, String value) {
        return switch (value) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be on or off, was '" + value + "'");
        };
    }

    /** One shipped article's questions. */
    static Dataset article(Task task, String name) {
        String resource = "/data/squad/" + name + ".jsonl";
        try (InputStream in = QaBenchmark.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " not found on the class path");
            }
            Path tmp = Files.createTempFile("squad-" + name, ".jsonl");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return ShippedTasks.read(task, tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Peak resident set size of this process (VmHWM), in MB; -1 where /proc is missing. */
    static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
