package io.github.goldkd.examples;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.io.LabelledFiles;
import io.github.goldkd.core.io.Nl4Opt;
import io.github.goldkd.core.io.TaskJson;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * The tasks shipped in this module, usable by name wherever the command line takes a task file
 * ({@code --task sentiment|squad|svamp|nl4opt|qnli}), with their default pool (what the corpus teacher answers
 * from) and test set. Each lives in {@code data/<name>/} with a {@code task.json} and a README giving
 * licence, attribution and conversion:
 * <ul>
 *   <li>{@code sentiment} — classification; pool yelp + amazon (2,000), test imdb (1,000);</li>
 *   <li>{@code squad} — extractive QA; pool the articles Computational complexity theory, Southern
 *       California and Sky (UK) (485 questions), test Normans (96);</li>
 *   <li>{@code svamp} — math word problems; pool MAWPS + ASDiv-A (3,138), test SVAMP (692);</li>
 *   <li>{@code nl4opt} — text generation; pool the competition's test split (289), test its development
 *       split (99), shipped in the competition's form and converted by {@link Nl4Opt} when read.</li>
 * </ul>
 */
public final class ShippedTasks {

    /** The names {@code --task} accepts besides a file. */
    public static final List<String> NAMES = List.of("sentiment", "squad", "svamp", "nl4opt", "qnli");

    private static final List<String> SQUAD_POOL = List.of("computational-complexity-theory.jsonl",
            "southern-california.jsonl", "sky-united-kingdom.jsonl");

    private ShippedTasks() {
    }

    /** Whether {@code name} is one of {@link #NAMES}. */
    public static boolean isName(String name) {
        return name != null && NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    /** The shipped task of this name. */
    public static Task task(String name) {
        String n = checked(name);
        return switch (n) {
            case "sentiment" -> ShippedData.sentimentTask();
            case "qnli" -> ShippedData.qnliTask();
            default -> TaskJson.read(extract(n, "task.json"));
        };
    }

    /** The default pool of the shipped task of this name. */
    public static Dataset pool(String name) {
        String n = checked(name);
        Task t = task(n);
        return switch (n) {
            case "sentiment" -> ShippedData.sentimentPool();
            // the pairs of the three articles other than Normans, so that the test set is a new topic
            case "qnli" -> ShippedData.qnliPoolWithout("normans");
            case "squad" -> {
                Dataset d = Dataset.empty();
                for (String f : SQUAD_POOL) {
                    d = d.concat(read(t, extract(n, f)));
                }
                yield d;
            }
            case "svamp" -> read(t, extract(n, "mawps-asdiv-a.jsonl"));
            default -> read(t, extract(n, "test.jsonl")); // nl4opt: the competition's test split is the pool
        };
    }

    /** The default test set of the shipped task of this name. */
    public static Dataset test(String name) {
        String n = checked(name);
        Task t = task(n);
        return switch (n) {
            case "sentiment" -> ShippedData.sentimentTest();
            case "qnli" -> ShippedData.qnliArticle("normans");
            case "squad" -> read(t, extract(n, "normans.jsonl"));
            case "svamp" -> read(t, extract(n, "svamp.jsonl"));
            default -> read(t, extract(n, "dev.jsonl"));
        };
    }

    /**
     * Reads a data file for {@code task}: a file of the NL4OPT competition (rows with {@code vars},
     * {@code obj_declaration} and {@code const_declarations}) read for a text-generation task is converted by
     * {@link Nl4Opt#read}; a GLUE or ANLI file read for a sentence-pair task has its columns mapped by
     * {@link GlueFiles}; any other file is read by {@link LabelledFiles#forFile}{@code .forTask(task)}.
     *
     * @throws GoldException naming the file and the problem
     */
    public static Dataset read(Task task, Path file) {
        if (task.kind() == TaskKind.TEXT_GENERATION && isNl4OptFile(file)) {
            if (!task.inputFields().equals(List.of(Nl4Opt.DOCUMENT))) {
                throw new GoldException(file + " holds NL4OPT problems, whose only input is '" + Nl4Opt.DOCUMENT
                        + "', but task '" + task.name() + "' has inputs " + task.inputFields());
            }
            return Nl4Opt.read(file);
        }
        return GlueFiles.loader(file, task).read(file);
    }

    /** Whether the first record of a JSON Lines file is an NL4OPT problem. */
    static boolean isNl4OptFile(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!(name.endsWith(".jsonl") || name.endsWith(".ndjson")) || !Files.isRegularFile(file)) {
            return false;
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    JsonElement e = JsonParser.parseString(line);
                    return e.isJsonObject() && Nl4Opt.isProblem(e.getAsJsonObject());
                }
            }
            return false;
        } catch (IOException | JsonParseException e) {
            return false; // the ordinary reader reports what is wrong with the file
        }
    }

    private static String checked(String name) {
        if (!isName(name)) {
            throw new IllegalArgumentException("shipped task must be one of " + String.join(", ", NAMES) + ", was "
                    + name);
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /** Copies a resource to a temporary file once per JVM, so that file-based loaders can read it. */
    static synchronized Path extract(String folder, String name) {
        String resource = "/data/" + folder + "/" + name;
        try {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "gold-data-" + ProcessHandle.current().pid(),
                    folder);
            Path file = dir.resolve(name);
            if (!Files.exists(file)) {
                Files.createDirectories(dir);
                // deleteOnExit runs in reverse order of registration: file, then folder, then the parent
                dir.getParent().toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                try (InputStream in = ShippedTasks.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new GoldException("shipped data file " + resource + " is missing from the class path");
                    }
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
                file.toFile().deleteOnExit();
            }
            return file;
        } catch (IOException e) {
            throw new GoldException("cannot extract shipped data " + resource + ": " + e.getMessage(), e);
        }
    }
}
