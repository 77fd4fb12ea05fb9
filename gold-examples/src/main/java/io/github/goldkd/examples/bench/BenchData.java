package io.github.goldkd.examples.bench;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Task;
import io.github.goldkd.examples.ShippedTasks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The shipped data files of one task, read one file at a time (the baselines hold each SQuAD article out). */
final class BenchData {

    /** The SQuAD articles shipped in {@code data/squad/}, the default test article (Normans) first. */
    static final List<String> SQUAD_ARTICLES = List.of("normans", "computational-complexity-theory",
            "southern-california", "sky-united-kingdom");

    private BenchData() {
    }

    /** One shipped file of a shipped task, read as the command line reads it ({@link ShippedTasks#read}). */
    static Dataset file(String taskName, String fileName) {
        Task task = ShippedTasks.task(taskName);
        String resource = "/data/" + taskName + "/" + fileName;
        try (InputStream in = BenchData.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new GoldException("shipped data file " + resource + " is missing from the class path");
            }
            // ShippedTasks.read takes a file (it sniffs NL4OPT rows by name and content), so the resource is
            // copied to a temporary file with the same name.
            Path dir = Files.createTempDirectory("gold-bench-");
            Path file = dir.resolve(fileName);
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            try {
                return ShippedTasks.read(task, file);
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new GoldException("cannot read shipped data " + resource + ": " + e.getMessage(), e);
        }
    }

    /** The SQuAD articles by name, in {@link #SQUAD_ARTICLES} order. */
    static Map<String, Dataset> squadArticles() {
        Map<String, Dataset> articles = new LinkedHashMap<>();
        for (String a : SQUAD_ARTICLES) {
            articles.put(a, file("squad", a + ".jsonl"));
        }
        return articles;
    }

    /** The article's Wikipedia title. */
    static String title(String article) {
        return switch (article) {
            case "normans" -> "Normans";
            case "computational-complexity-theory" -> "Computational complexity theory";
            case "southern-california" -> "Southern California";
            case "sky-united-kingdom" -> "Sky (United Kingdom)";
            default -> article;
        };
    }

    /** The machine line of a benchmark table: cores, JVM, OS. */
    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
                + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }
}
