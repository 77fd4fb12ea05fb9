package io.github.goldkd.examples;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.io.LabelledFiles;
import io.github.goldkd.core.io.TaskJson;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The data shipped in this module: the UCI "Sentiment Labelled Sentences" (Kotzias et al., KDD 2015,
 * CC BY 4.0; see {@code data/sentiment/README.md}). The default setup draws the teacher's pool and the
 * demonstrations from yelp + amazon and holds out imdb as the test set: a real domain shift.
 */
public final class ShippedData {

    private static final String BASE = "/data/sentiment/";

    private ShippedData() {
    }

    /** The sentiment task (labels negative/positive, three demonstrations from yelp and amazon). */
    public static Task sentimentTask() {
        return TaskJson.read(extract("task.json"));
    }

    /** yelp + amazon: 2,000 labelled sentences, the teacher's pool and the real-data ceiling's training set. */
    public static Dataset sentimentPool() {
        Task task = sentimentTask();
        return load(task, "yelp.jsonl").concat(load(task, "amazon.jsonl"));
    }

    /** imdb: 1,000 labelled sentences, the held-out test set. */
    public static Dataset sentimentTest() {
        return load(sentimentTask(), "imdb.jsonl");
    }

    private static Dataset load(Task task, String name) {
        return LabelledFiles.jsonl().forTask(task).read(extract(name));
    }

    /** Copies a resource to a temporary file once per JVM, so that file-based loaders can read it. */
    static synchronized Path extract(String name) {
        try {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "gold-data-" + ProcessHandle.current().pid());
            Path file = dir.resolve(name);
            if (!Files.exists(file)) {
                Files.createDirectories(dir);
                dir.toFile().deleteOnExit();
                try (InputStream in = ShippedData.class.getResourceAsStream(BASE + name)) {
                    if (in == null) {
                        throw new GoldException("shipped data file " + BASE + name + " is missing from the class path");
                    }
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
                file.toFile().deleteOnExit();
            }
            return file;
        } catch (IOException e) {
            throw new GoldException("cannot extract shipped data " + name + ": " + e.getMessage(), e);
        }
    }
}
