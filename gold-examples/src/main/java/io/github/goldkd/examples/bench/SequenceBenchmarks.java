package io.github.goldkd.examples.bench;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Metric;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.SymmetricCrossEntropyLoss;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.CrossEntropyLoss;
import io.github.goldkd.core.Loss;
import io.github.goldkd.examples.ShippedTasks;
import io.github.goldkd.student.seq.Seq2SeqConfig;
import io.github.goldkd.student.seq.Seq2SeqStudent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shared loop of {@link MathBenchmark} and {@link FormulationBenchmark}: train the seq2seq student (new, or
 * restored from a file) on a shipped task's pool epoch by epoch, score the test set with greedy decoding every few
 * epochs, and at the end with greedy and beam search (math: also with the beam's first plausible answer); prints
 * one table row per evaluation to standard output (a benchmark program, not library code).
 */
final class SequenceBenchmarks {

    private SequenceBenchmarks() {
    }

    /** The options that shape a new student, which a restored one ({@code --load}) already has. */
    private static final List<String> NEW_STUDENT_OPTIONS = List.of("loss", "d", "ffn", "layers", "lr", "warmup",
            "min-count", "batch", "encoder", "encoder-layers", "distractor-rate");

    /**
     * Options: {@code --epochs N} (>= 0; 0 trains nothing and runs only the final evaluation) {@code --eval-every K
     * --beam W --seed S --loss ce|sce --limit-test N --threads T} and the network's {@code --d --ffn --layers --lr
     * --warmup --min-count --batch}, {@code --encoder scratch|bge} (math: words embedded from scratch, or frozen bge
     * token states) and {@code --encoder-layers N} (after {@code --layers}; 0 allowed with bge); {@code
     * --distractor-rate P} (math: {@link Seq2SeqConfig#distractorRate()}, in [0, 1]); {@code --save FILE};
     * {@code --load FILE} restores a saved seq2seq student of the task's kind instead of creating one (its network,
     * loss and threads are the file's: the options that shape a new student are refused with it), trained further
     * for {@code --epochs}. The final evaluation prints greedy ({@code --epochs 0}: as a row of epoch 0), then
     * {@code beam W}, and for a math task {@code beam W + plausible answers}: the same student answering with the
     * beam's first plausible hypothesis ({@link Seq2SeqConfig#plausibleAnswers()}), whatever its file says.
     */
    static void run(String taskName, Metric metric, String[] args) {
        Map<String, String> o = options(args);
        int epochs = Integer.parseInt(o.getOrDefault("epochs", "30"));
        if (epochs < 0) {
            throw new IllegalArgumentException("--epochs must be >= 0, was " + epochs);
        }
        int evalEvery = Integer.parseInt(o.getOrDefault("eval-every", "5"));
        if (evalEvery < 1) {
            throw new IllegalArgumentException("--eval-every must be >= 1, was " + evalEvery);
        }
        int beam = Integer.parseInt(o.getOrDefault("beam", "4"));
        long seed = Long.parseLong(o.getOrDefault("seed", "1"));
        int limitTest = Integer.parseInt(o.getOrDefault("limit-test", "0"));
        Loss loss = "ce".equals(o.getOrDefault("loss", "sce")) ? new CrossEntropyLoss()
                : SymmetricCrossEntropyLoss.defaults();
        Task task = ShippedTasks.task(taskName);
        Dataset pool = ShippedTasks.pool(taskName);
        Dataset test = ShippedTasks.test(taskName);
        if (limitTest > 0 && limitTest < test.size()) {
            test = test.head(limitTest);
        }
        Seq2SeqConfig.Builder b = Seq2SeqConfig.builder(task.kind())
                .threads(Integer.parseInt(o.getOrDefault("threads", "1")));
        if (o.containsKey("d")) {
            b.dModel(Integer.parseInt(o.get("d")));
        }
        if (o.containsKey("ffn")) {
            b.ffnSize(Integer.parseInt(o.get("ffn")));
        }
        if (o.containsKey("layers")) {
            b.encoderLayers(Integer.parseInt(o.get("layers"))).decoderLayers(Integer.parseInt(o.get("layers")));
        }
        if (o.containsKey("lr")) {
            b.learningRate(Double.parseDouble(o.get("lr")));
        }
        if (o.containsKey("warmup")) {
            b.warmupSteps(Integer.parseInt(o.get("warmup")));
        }
        if (o.containsKey("min-count")) {
            b.minTokenCount(Integer.parseInt(o.get("min-count")));
        }
        if (o.containsKey("batch")) {
            b.batchSize(Integer.parseInt(o.get("batch")));
        }
        if (o.containsKey("encoder-layers")) {
            b.encoderLayers(Integer.parseInt(o.get("encoder-layers")));
        }
        if (o.containsKey("distractor-rate")) {
            b.distractorRate(Double.parseDouble(o.get("distractor-rate")));
        }
        if (o.containsKey("encoder")) {
            b.encoder(switch (o.get("encoder")) {
                case "scratch" -> Seq2SeqConfig.Encoder.FROM_SCRATCH;
                case "bge" -> Seq2SeqConfig.Encoder.FROZEN_BGE;
                default -> throw new IllegalArgumentException("--encoder must be scratch or bge, was '"
                        + o.get("encoder") + "'");
            });
        }
        Seq2SeqStudent student;
        if (o.containsKey("load")) {
            student = load(Path.of(o.get("load")), task, o);
        } else {
            student = Seq2SeqStudent.factory(b.build()).create(task, new TrainingOptions(loss, BatchFilter.NONE, seed));
        }
        System.out.printf(Locale.ROOT, "# %s: pool %d, test %d, loss %s, config %s%s%n", taskName, pool.size(),
                test.size(), student.describe().get("loss"), student.config(),
                o.containsKey("load") ? ", loaded from " + o.get("load") : "");
        System.out.println("| epochs | train loss | train s (cumulative) | " + metric.name() + " greedy | decode s |");
        System.out.println("|---:|---:|---:|---:|---:|");
        double trainSeconds = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            Student.FitReport r = student.fit(pool, 1, seed * 1000 + epoch);
            trainSeconds += r.millis() / 1000.0;
            System.err.printf(Locale.ROOT, "epoch %d loss %.4f %.1f s%n", epoch, r.trainLoss(), r.millis() / 1000.0);
            if (epoch % evalEvery == 0 || epoch == epochs) {
                long t0 = System.nanoTime();
                double score = score(student, test, metric, 1, false);
                double decode = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "| %d | %.4f | %.0f | %.4f | %.0f |%n", epoch, r.trainLoss(),
                        trainSeconds, score, decode);
            }
        }
        if (epochs == 0) {
            long t0 = System.nanoTime();
            double score = score(student, test, metric, 1, false);
            System.out.printf(Locale.ROOT, "| 0 | - | 0 | %.4f | %.0f |%n", score, (System.nanoTime() - t0) / 1e9);
        }
        if (beam > 1) {
            long t0 = System.nanoTime();
            double score = score(student, test, metric, beam, false);
            System.out.printf(Locale.ROOT, "beam %d: %s %.4f (decode %.0f s)%n", beam, metric.name(), score,
                    (System.nanoTime() - t0) / 1e9);
            if (task.kind() == TaskKind.MATH_WORD_PROBLEM) {
                t0 = System.nanoTime();
                score = score(student, test, metric, beam, true);
                System.out.printf(Locale.ROOT, "beam %d + plausible answers: %s %.4f (decode %.0f s)%n", beam,
                        metric.name(), score, (System.nanoTime() - t0) / 1e9);
            }
        }
        List<Sample> show = test.samples().subList(0, Math.min(5, test.size()));
        List<String> predicted = student.predict(show, 1);
        for (int i = 0; i < show.size(); i++) {
            System.out.println("example: " + show.get(i).target().replace("\n", " | ") + "  =>  "
                    + predicted.get(i).replace("\n", " | "));
        }
        if (o.containsKey("save")) {
            student.save(Path.of(o.get("save")));
        }
    }

    /**
     * A saved seq2seq student for {@code task}: of its kind (the name may differ, e.g. a student distilled under
     * another task name), refused with an option that would shape a new student, since the file fixes those.
     */
    private static Seq2SeqStudent load(Path file, Task task, Map<String, String> o) {
        for (String option : NEW_STUDENT_OPTIONS) {
            if (o.containsKey(option)) {
                throw new IllegalArgumentException("--" + option + " shapes a new student; --load restores one "
                        + "whose network and loss are saved in " + file + ": drop --" + option);
            }
        }
        Seq2SeqStudent student = Seq2SeqStudent.factory().load(file);
        if (student.task().kind() != task.kind()) {
            throw new IllegalArgumentException("--load " + file + " holds a student for task '"
                    + student.task().name() + "' (" + student.task().kind() + "), this benchmark's task '"
                    + task.name() + "' is " + task.kind());
        }
        return student;
    }

    static double score(Seq2SeqStudent student, Dataset test, Metric metric, int beam, boolean plausibleAnswers) {
        List<String> predicted = student.predict(test.samples(), beam, plausibleAnswers);
        List<List<String>> references = new ArrayList<>();
        for (Sample s : test) {
            references.add(s.references());
        }
        return metric.score(predicted, references);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("options are --name value pairs, got '" + args[i] + "'");
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }
}
