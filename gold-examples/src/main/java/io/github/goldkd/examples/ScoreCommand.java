package io.github.goldkd.examples;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Metric;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.io.Jsonl;
import io.github.goldkd.core.metric.Metrics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code gold score}: scores any system's predictions on a test set with every metric of the task's kind,
 * as SQuAD's own evaluation script does. Predictions are JSON Lines {@code {"id": ..., "prediction": ...}}
 * (a string, or a number for math answers). A test sample without a prediction (or with a null one) scores
 * 0. The scores (fractions in [0, 1]) are printed as one JSON object on the last line of standard output,
 * named {@code exact_match}, {@code f1}, {@code strict_exact_match} (extractive QA),
 * {@code execution_accuracy} (math), {@code rouge_l} (generation) or {@code accuracy} (classification).
 *
 * <p>Exit status: 2 for usage errors (a missing file, an unknown task name); 1 when the files do not fit
 * together or are malformed — a prediction whose id is not in the test set, an id predicted twice, a bad
 * line — and the message names the id or the line.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score predictions (JSONL {\"id\", \"prediction\"}) on a test set with the task's metrics; "
                + "the last line of output is one JSON object of scores.")
final class ScoreCommand implements Callable<Integer> {

    @Option(names = "--task", required = true, description = "Task file (JSON) or a shipped task: "
            + "sentiment, squad, svamp, nl4opt or qnli.")
    String task;

    @Option(names = "--test", description = "Test file (JSONL, CSV or TSV; default for a shipped task: its test set).")
    Path test;

    @Option(names = "--predictions", required = true, description = "Predictions, JSONL {\"id\", \"prediction\"}.")
    Path predictions;

    @Option(names = "--out", description = "Directory to write summary.json into (default: none is written).")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        TaskOption option = TaskOption.resolve(spec.commandLine(), task);
        if (test == null && !option.shipped()) {
            throw usage("--test FILE is required with a task file (a shipped task defaults to its test set)");
        }
        if (test != null && !Files.isRegularFile(test)) {
            throw usage("--test file not found: " + test);
        }
        if (!Files.isRegularFile(predictions)) {
            throw usage("--predictions file not found: " + predictions);
        }
        Task t = option.task();
        Dataset data = option.test(test);
        if (data.isEmpty()) {
            throw new GoldException("the test set " + (test == null ? "of " + option.name() : test)
                    + " has no samples: nothing to score");
        }
        Map<String, String> predicted = readPredictions(predictions);
        Set<String> ids = new LinkedHashSet<>();
        data.forEach(s -> ids.add(s.id()));
        for (String id : predicted.keySet()) {
            if (!ids.contains(id)) {
                throw new GoldException(predictions + ": prediction for id '" + id + "', which is not in the test set"
                        + (test == null ? " of " + option.name() : " " + test));
            }
        }
        List<String> texts = new ArrayList<>(data.size());
        List<List<String>> references = new ArrayList<>(data.size());
        int missing = 0;
        for (Sample s : data) {
            String p = predicted.get(s.id());
            if (p == null) {
                missing++;
            }
            texts.add(p); // a missing prediction scores 0: Metric.score counts null as a miss
            references.add(s.references());
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        for (Metric m : Metrics.allFor(t.kind())) {
            scores.put(m.name(), m.score(texts, references));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (out != null) {
            Metric primary = Metrics.defaultFor(t.kind());
            new Summary().put("task", t.name()).putScores(primary.name(), scores, t.kind()).put("testSamples", data.size()).put("predictions", predicted.size()).put("missing", missing)
                    .put("generatedSamples", 0).put("requests", 0).put("promptTokens", 0).put("completionTokens", 0)
                    .put("seconds", seconds).write(out);
        }
        var w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "%d test samples, %d predictions, %d missing (scored 0)%n", data.size(),
                predicted.size(), missing);
        JsonObject result = new JsonObject();
        scores.forEach(result::addProperty);
        w.println(Jsonl.GSON.toJson(result));
        w.flush();
        return 0;
    }

    /** id -> prediction text, in file order; a JSON null prediction is kept as null (it scores 0). */
    private static Map<String, String> readPredictions(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        Jsonl.read(file, o -> {
            JsonElement id = o.get("id");
            if (id == null || !id.isJsonPrimitive()) {
                throw new IllegalArgumentException("no 'id' (a prediction is {\"id\", \"prediction\"})");
            }
            String key = id.getAsString();
            if (!o.has("prediction")) {
                throw new IllegalArgumentException("no 'prediction' for id '" + key + "'");
            }
            JsonElement p = o.get("prediction");
            if (!p.isJsonNull() && !p.isJsonPrimitive()) {
                throw new IllegalArgumentException("'prediction' of id '" + key + "' must be a string or a number, was "
                        + p);
            }
            if (out.containsKey(key)) {
                throw new IllegalArgumentException("id '" + key + "' is predicted twice");
            }
            out.put(key, p.isJsonNull() ? null : p.getAsString());
            return key;
        }, Jsonl.CutOffLastLine.FAIL);
        return out;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
