package io.github.goldkd.examples;

import com.google.gson.GsonBuilder;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.TaskKind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code summary.json} every command writes into its output directory: at least testAccuracy (when a
 * test file was given), generatedSamples, requests, promptTokens, completionTokens, seconds and seed.
 */
public final class Summary {

    private final Map<String, Object> values = new LinkedHashMap<>();

    public Summary put(String key, Object value) {
        values.put(key, value);
        return this;
    }

    /**
     * The test scores of a run or a scored file: {@code metric} (the primary metric's name), {@code testScore}
     * (its value) and {@code testScores} (every metric by name); a classification task also keeps
     * {@code testAccuracy}, the name scripts read before runs named their metric.
     */
    public Summary putScores(String metric, Map<String, Double> scores, TaskKind kind) {
        put("metric", metric).put("testScore", scores.get(metric)).put("testScores", scores);
        if (kind == TaskKind.CLASSIFICATION) {
            put("testAccuracy", scores.get(metric));
        }
        return this;
    }

    public Map<String, Object> values() {
        return values;
    }

    /** Writes {@code summary.json} into {@code dir}. */
    public Path write(Path dir) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("summary.json");
            Files.writeString(file, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
                    .disableHtmlEscaping().create().toJson(values) + "\n", StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new GoldException("cannot write summary.json in " + dir + ": " + e.getMessage(), e);
        }
    }
}
