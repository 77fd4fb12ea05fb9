package io.github.goldkd.core;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.goldkd.core.io.Jsonl;
import io.github.goldkd.core.io.SampleJson;
import io.github.goldkd.core.io.TaskJson;
import io.github.goldkd.core.metric.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The directory that holds a run, written as the run goes so that a crash loses at most the round in
 * flight:
 * <pre>
 * task.json          the task
 * config.json        the loop's settings ({@link GoldConfig}); read back by {@link GoldDistiller#resume}
 * provenance.json    configuration, seeds, components, library and dependency versions, timestamps
 * samples.jsonl      every generated sample, train and probe, appended as each batch arrives
 * selections.jsonl   every feedback selection with the scores of the whole probe batch
 * rounds.jsonl       one {@link RoundReport} per completed round: a round counts once its line is here
 * checkpoints/       the in-loop student after its latest update (for resume)
 * student.bin        the final student
 * </pre>
 * Lines are appended whole, in one write each. On reading, a last line cut off mid-write is dropped with
 * a warning; a bad line anywhere else is an error naming the file and line.
 */
public final class RunStore {

    private static final Logger LOG = LoggerFactory.getLogger(RunStore.class);

    public static final String TASK = "task.json";
    public static final String CONFIG = "config.json";
    public static final String PROVENANCE = "provenance.json";
    public static final String SAMPLES = "samples.jsonl";
    public static final String SELECTIONS = "selections.jsonl";
    public static final String ROUNDS = "rounds.jsonl";
    public static final String CHECKPOINTS = "checkpoints";
    public static final String FINAL_STUDENT = "student.bin";

    private final Path dir;

    private RunStore(Path dir) {
        this.dir = dir;
    }

    /** The directory of this store. */
    public Path directory() {
        return dir;
    }

    /**
     * Starts a new run in {@code dir}, which must not exist yet or be empty of run files.
     *
     * @throws RunStoreException when {@code dir} already holds a run
     */
    static RunStore create(Path dir, Task task, GoldConfig config) {
        if (Files.exists(dir.resolve(ROUNDS)) || Files.exists(dir.resolve(SAMPLES))
                || Files.exists(dir.resolve(CONFIG))) {
            throw new RunStoreException("run directory " + dir + " already holds a run; continue it with "
                    + "GoldDistiller.resume(dir) or choose an empty directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new RunStoreException("cannot create run directory " + dir + ": " + e.getMessage(), e);
        }
        RunStore store = new RunStore(dir);
        TaskJson.write(dir.resolve(TASK), task);
        store.writeConfig(config);
        return store;
    }

    /**
     * Reads a run directory as it stands: only what belongs to committed rounds. Changes nothing on disk.
     *
     * @throws RunStoreException when the directory holds no run or a file is corrupt
     */
    public static StoredRun read(Path dir) {
        if (!Files.isRegularFile(dir.resolve(CONFIG))) {
            throw new RunStoreException("no run in " + dir + ": " + CONFIG + " is missing");
        }
        Task task;
        try {
            task = TaskJson.read(dir.resolve(TASK));
        } catch (GoldException e) {
            throw new RunStoreException(e.getMessage(), e);
        }
        JsonObject configJson = readJson(dir.resolve(CONFIG));
        if (!configJson.has("metric")) {
            // Written before runs named their metric: classification runs reported accuracy.
            configJson.addProperty("metric", Metrics.defaultFor(task.kind()).name());
        }
        GoldConfig config = Jsonl.GSON.fromJson(configJson, GoldConfig.class);
        List<RoundReport> rounds = readLines(dir.resolve(ROUNDS), o -> {
            if (o.has("studentAccuracy") && !o.has("studentScore")) {
                o.add("studentScore", o.remove("studentAccuracy"));
            }
            return Jsonl.GSON.fromJson(o, RoundReport.class);
        });
        for (int i = 0; i < rounds.size(); i++) {
            if (rounds.get(i).round() != i) {
                throw new RunStoreException(dir.resolve(ROUNDS) + " line " + (i + 1) + ": expected round " + i
                        + ", found " + rounds.get(i).round());
            }
        }
        int last = rounds.size() - 1;
        List<Sample> samples = new ArrayList<>();
        for (Sample s : readLines(dir.resolve(SAMPLES), SampleJson::fromJson)) {
            if (s.round() <= last) {
                samples.add(s);
            }
        }
        List<Selection> selections = new ArrayList<>();
        for (Selection s : readLines(dir.resolve(SELECTIONS), o -> Jsonl.GSON.fromJson(o, Selection.class))) {
            if (s.round() <= last) {
                selections.add(s);
            }
        }
        return new StoredRun(dir, task, config, Dataset.of(samples), selections, rounds);
    }

    /**
     * Opens a run for continuation: reads its committed state and rewrites the sample and selection
     * files without the rounds that were not committed, so that appends continue a clean history.
     */
    static RunStore reopen(StoredRun run) {
        RunStore store = new RunStore(run.directory());
        int dropped = countLines(run.directory().resolve(SAMPLES)) - run.samples().size();
        if (dropped > 0) {
            LOG.info("{}: dropping {} samples of round {} that was not completed", run.directory(), dropped,
                    run.rounds().size());
        }
        store.rewrite(SAMPLES, run.samples().samples(), SampleJson::toJson);
        store.rewrite(SELECTIONS, run.selections(), s -> Jsonl.GSON.toJsonTree(s).getAsJsonObject());
        store.rewrite(ROUNDS, run.rounds(), r -> Jsonl.GSON.toJsonTree(r).getAsJsonObject());
        return store;
    }

    void writeConfig(GoldConfig config) {
        writeJson(CONFIG, Jsonl.GSON.toJsonTree(config).getAsJsonObject());
    }

    void appendSamples(List<Sample> samples) {
        append(SAMPLES, samples, SampleJson::toJson, false);
    }

    void appendSelection(Selection selection) {
        append(SELECTIONS, List.of(selection), s -> Jsonl.GSON.toJsonTree(s).getAsJsonObject(), false);
    }

    /** Commits a round: its report line is the commit marker, written after (and synced with) its data. */
    void commitRound(RoundReport report) {
        sync(SAMPLES);
        sync(SELECTIONS);
        append(ROUNDS, List.of(report), r -> Jsonl.GSON.toJsonTree(r).getAsJsonObject(), true);
    }

    void writeProvenance(JsonObject provenance) {
        writeJson(PROVENANCE, provenance);
    }

    JsonObject readProvenance() {
        Path p = dir.resolve(PROVENANCE);
        return Files.exists(p) ? readJson(p) : new JsonObject();
    }

    /** The checkpoint file of the in-loop student updated at {@code round}. */
    Path checkpoint(int round) {
        return dir.resolve(CHECKPOINTS).resolve(String.format("student-r%05d.bin", round));
    }

    /** Saves the in-loop student's checkpoint atomically (write to a temporary file, then move). */
    void saveCheckpoint(Student student, int round) {
        Path target = checkpoint(round);
        saveAtomically(student, target);
    }

    /** Deletes every checkpoint other than {@code keepRound}'s. */
    void pruneCheckpoints(int keepRound) {
        Path cdir = dir.resolve(CHECKPOINTS);
        if (!Files.isDirectory(cdir)) {
            return;
        }
        Path keep = checkpoint(keepRound);
        try (Stream<Path> files = Files.list(cdir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (!p.equals(keep)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot prune checkpoints in {}: {}", cdir, e.getMessage());
        }
    }

    void saveFinalStudent(Student student) {
        saveAtomically(student, dir.resolve(FINAL_STUDENT));
    }

    private static void saveAtomically(Student student, Path target) {
        try {
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            student.save(tmp);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RunStoreException("cannot save student to " + target + ": " + e.getMessage(), e);
        }
    }

    private <T> void append(String file, List<T> items, Function<T, JsonObject> mapper, boolean sync) {
        if (items.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (T item : items) {
            sb.append(Jsonl.GSON.toJson(mapper.apply(item))).append('\n');
        }
        Path p = dir.resolve(file);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            if (sync) {
                ch.force(false);
            }
        } catch (IOException e) {
            throw new RunStoreException("cannot append to " + p + ": " + e.getMessage(), e);
        }
    }

    private void sync(String file) {
        Path p = dir.resolve(file);
        if (!Files.exists(p)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.force(false);
        } catch (IOException e) {
            throw new RunStoreException("cannot sync " + p + ": " + e.getMessage(), e);
        }
    }

    private <T> void rewrite(String file, List<T> items, Function<T, JsonObject> mapper) {
        Path p = dir.resolve(file);
        Path tmp = dir.resolve(file + ".tmp");
        Jsonl.write(tmp, items, mapper);
        try {
            Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RunStoreException("cannot replace " + p + ": " + e.getMessage(), e);
        }
    }

    private void writeJson(String file, JsonObject o) {
        Path p = dir.resolve(file);
        Path tmp = dir.resolve(file + ".tmp");
        try {
            Files.writeString(tmp, Jsonl.GSON.newBuilder().setPrettyPrinting().create().toJson(o) + "\n",
                    StandardCharsets.UTF_8);
            Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RunStoreException("cannot write " + p + ": " + e.getMessage(), e);
        }
    }

    private static JsonObject readJson(Path p) {
        try {
            return JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new RunStoreException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private static <T> List<T> readLines(Path p, Function<JsonObject, T> mapper) {
        if (!Files.exists(p)) {
            return List.of();
        }
        try {
            return Jsonl.read(p, mapper, Jsonl.CutOffLastLine.DROP_WITH_WARNING);
        } catch (GoldException e) {
            throw new RunStoreException(e.getMessage(), e);
        }
    }

    private static int countLines(Path p) {
        if (!Files.exists(p)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(p, StandardCharsets.UTF_8)) {
            return (int) lines.filter(l -> !l.isBlank()).count();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * A run directory's committed state.
     *
     * @param directory  where it lives
     * @param task       the task
     * @param config     the loop's settings
     * @param samples    generated samples of committed rounds, in generation order
     * @param selections feedback selections of committed rounds
     * @param rounds     the committed rounds' reports; round i at index i
     */
    public record StoredRun(Path directory, Task task, GoldConfig config, Dataset samples, List<Selection> selections,
                            List<RoundReport> rounds) {

        /** The last committed round, or -1 when none. */
        public int lastRound() {
            return rounds.size() - 1;
        }

        /** Whether the final student was saved (the run finished). */
        public boolean finished() {
            return Files.exists(directory.resolve(FINAL_STUDENT));
        }

        /** The provenance JSON as written so far, as a map. */
        @SuppressWarnings("unchecked")
        public Map<String, Object> provenance() {
            Path p = directory.resolve(PROVENANCE);
            return Files.exists(p) ? Jsonl.GSON.fromJson(readJson(p), Map.class) : Map.of();
        }
    }
}
