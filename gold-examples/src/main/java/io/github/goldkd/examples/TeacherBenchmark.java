package io.github.goldkd.examples;

import com.google.gson.JsonObject;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Metric;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.io.Jsonl;
import io.github.goldkd.core.metric.Metrics;
import io.github.goldkd.llm.ChatModel;
import io.github.goldkd.llm.LlmPredictor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code gold bench teacher}: the paper's "LLM" row — the teacher answering the test set itself, few-shot from
 * the task's demonstrations ({@link LlmPredictor}), scored by every metric of the task's kind, as a student's
 * predictions are. Writes {@code predictions.jsonl} (the format {@code gold score} reads), {@code summary.json}
 * and the request cache, so running it again costs nothing.
 */
@Command(name = "teacher", mixinStandardHelpOptions = true,
        description = "The teacher answering the test set itself, few-shot (the paper's LLM row), scored by the "
                + "task's metrics.")
final class TeacherBenchmark implements Callable<Integer> {

    @Option(names = "--task", required = true, description = "Task file (JSON) or a shipped task: sentiment, squad, "
            + "svamp, nl4opt or qnli.")
    String task;

    @Option(names = "--test", description = "Test file (default for a shipped task: its test set).")
    Path test;

    @Option(names = "--limit", description = "Answer only the first N test samples (default: all).")
    Integer limit;

    @Option(names = "--seed", description = "Seed of the request seeds (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--out", description = "Output directory (default: runs/teacher-<task>-<time>).")
    Path out;

    @CommandLine.Mixin
    TeacherOptions teacher = new TeacherOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        teacher.validate(spec, false);
        Options.requireFile(spec, test, "--test");
        if (limit != null) {
            Options.range(spec, "--limit", limit, 1, 10_000_000);
        }
        TaskOption taskOption = TaskOption.resolve(spec.commandLine(), task);
        if (test == null && !taskOption.shipped()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--task " + task + " is a file: give --test");
        }
        Task t = taskOption.task();
        Dataset data = taskOption.test(test);
        if (data == null || data.isEmpty()) {
            throw new GoldException("--test " + (test != null ? test : task + "'s shipped test set")
                    + " holds no samples with an output to score against");
        }
        List<Sample> samples = limit == null || limit >= data.size() ? data.samples()
                : data.samples().subList(0, limit);
        if (out == null) {
            out = Path.of("runs", "teacher-" + TaskOption.slug(task) + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        long start = System.nanoTime();
        LlmPredictor.Result result;
        Object servers = null;
        try (ChatModel model = teacher.chatModel();
             LlmPredictor predictor = LlmPredictor.builder().chatModel(model).seed(seed)
                     .cacheFile(createdDirectory(out).resolve(RunDirectory.REQUEST_CACHE)).build()) {
            result = predictor.predict(t, samples);
            if (model instanceof io.github.goldkd.llm.HttpChatModel http) {
                servers = Teachers.serverCounts(http);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        writePredictions(out.resolve("predictions.jsonl"), samples, result.predictions());

        Metric primary = Metrics.defaultFor(t.kind());
        Map<String, Double> scores = new LinkedHashMap<>();
        for (Metric m : Experiment.metrics(primary, t.kind())) {
            scores.put(m.name(), result.score(m, samples));
        }
        new Summary().putScores(primary.name(), scores, t.kind()).put("testSamples", samples.size())
                .put("unanswered", result.unparsed()).put("generatedSamples", 0)
                .put("requests", result.stats().requests()).put("cacheHits", result.stats().cacheHits())
                .put("promptTokens", result.stats().promptTokens())
                .put("completionTokens", result.stats().completionTokens()).put("seconds", seconds).put("seed", seed)
                .put("teacher", teacher.teacher).put("model", teacher.model != null ? teacher.model
                        : String.valueOf(teacher.modelFile)).put("servers", servers).write(out);
        PrintWriter w = spec.commandLine().getOut();
        scores.forEach((name, value) -> w.printf(Locale.ROOT, "teacher %s %.4f on %d samples%n", name, value,
                samples.size()));
        w.printf(Locale.ROOT, "%d without an answer; %d requests, %d cache hits, %.1f s; output in %s%n",
                result.unparsed(), result.stats().requests(), result.stats().cacheHits(), seconds, out);
        return 0;
    }

    private static Path createdDirectory(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new GoldException("cannot create --out " + dir + ": " + e.getMessage(), e);
        }
    }

    /** One {@code {"id", "prediction"}} line per sample, null where the teacher gave no answer. */
    private static void writePredictions(Path file, List<Sample> samples, List<String> predictions) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < samples.size(); i++) {
                JsonObject o = new JsonObject();
                o.addProperty("id", samples.get(i).id());
                o.addProperty("prediction", predictions.get(i));
                w.write(Jsonl.GSON.toJson(o));
                w.write('\n');
            }
        } catch (IOException e) {
            throw new GoldException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
