package io.github.goldkd.core;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonElement;
import io.github.goldkd.core.io.Jsonl;
import io.github.goldkd.core.io.SampleJson;
import io.github.goldkd.core.io.TaskJson;
import io.github.goldkd.core.io.TextFiles;
import io.github.goldkd.core.metric.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * checkpoints/       the in-loop student after its latest two updates (for resume; the earlier one lets a
 *                    resume roll back a last round that lost a line)
 * student.bin        the final student
 * .lock              the writer's lock and process id (see below)
 * </pre>
 * Lines are appended whole, in one write each. On reading, a last line cut off mid-write is dropped with
 * a warning; a bad line anywhere else is an error naming the file and line. Each round's line in
 * {@value #ROUNDS} records how many sample and selection lines the round wrote; a committed round whose
 * lines are not all there (a file that lost its end after the round was committed) is rolled back with
 * the rounds after it, which a resume then generates again.
 *
 * <p>One process writes a run directory at a time: a store holds an OS lock on {@code .lock} from the
 * moment it is created or reopened until {@link #close()}, and a second writer fails at once with "run
 * directory R is in use by process N". The OS drops the lock when the process ends, crashes included.
 */
public final class RunStore implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(RunStore.class);

    public static final String TASK = "task.json";
    public static final String CONFIG = "config.json";
    public static final String PROVENANCE = "provenance.json";
    public static final String SAMPLES = "samples.jsonl";
    public static final String SELECTIONS = "selections.jsonl";
    public static final String ROUNDS = "rounds.jsonl";
    public static final String CHECKPOINTS = "checkpoints";
    public static final String FINAL_STUDENT = "student.bin";
    private static final String CHECKPOINT_PREFIX = "student-r";

    private final Path dir;
    private final RunDirectoryLock lock;
    /** Lines appended since the last committed round; the next round report records them. */
    private int pendingSamples;
    private int pendingSelections;

    private RunStore(Path dir, RunDirectoryLock lock) {
        this.dir = dir;
        this.lock = lock;
    }

    /** The directory of this store. */
    public Path directory() {
        return dir;
    }

    /**
     * Starts a new run in {@code dir}, which must not exist yet or be empty of run files, and locks it until
     * {@link #close()}.
     *
     * @throws RunStoreException when {@code dir} already holds a run or another process writes it
     */
    static RunStore create(Path dir, Task task, GoldConfig config) {
        checkHoldsNoRun(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new RunStoreException("cannot create run directory " + dir + ": " + TextFiles.reason(e), e);
        }
        RunStore store = new RunStore(dir, RunDirectoryLock.acquire(dir));
        try {
            // again under the lock: a writer that started meanwhile has written its config by now
            checkHoldsNoRun(dir);
            TaskJson.write(dir.resolve(TASK), task);
            store.writeConfig(config);
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static void checkHoldsNoRun(Path dir) {
        if (Files.exists(dir.resolve(ROUNDS)) || Files.exists(dir.resolve(SAMPLES))
                || Files.exists(dir.resolve(CONFIG))) {
            throw new RunStoreException("run directory " + dir + " already holds a run; continue it with "
                    + "GoldDistiller.resume(dir) or choose an empty directory");
        }
    }

    /**
     * Fails with "run directory R is in use by process N" when another writer holds {@code dir} now; lets a
     * resume refuse before its components are built. Holds no lock afterwards.
     */
    static void checkNotInUse(Path dir) {
        RunDirectoryLock.checkFree(dir);
    }

    /**
     * Reads a run directory as it stands: only what belongs to intact committed rounds. Changes nothing on
     * disk. A committed round whose recorded sample or selection lines are not all in their files (or whose
     * selection names a sample that is not there) is dropped with every round after it, with a warning that
     * names the file and the round.
     *
     * @throws RunStoreException when the directory holds no run or a file is corrupt
     */
    public static StoredRun read(Path dir) {
        return readChecked(dir, true).run();
    }

    /** A run as read, and why it was rolled back (null when it was not). */
    private record Reading(StoredRun run, Fault rollback) {
    }

    private static Reading readChecked(Path dir, boolean warn) {
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
        GoldConfig config = ConfigJson.read(dir.resolve(CONFIG), configJson);
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
        List<Sample> allSamples = readLines(dir.resolve(SAMPLES), SampleJson::fromJson);
        List<Selection> allSelections = readLines(dir.resolve(SELECTIONS),
                o -> Jsonl.GSON.fromJson(o, Selection.class));
        Fault fault = firstFault(dir, rounds, allSamples, allSelections);
        int intact = fault == null ? rounds.size() : fault.round();
        if (fault != null && warn) {
            LOG.warn("{} (lines lost after the round was committed): rolled back to {}; a resume generates the "
                    + "rounds from {} on again", fault.what(), intact == 0 ? "the start" : "round " + (intact - 1),
                    intact);
        }
        int last = intact - 1;
        List<Sample> samples = new ArrayList<>();
        for (Sample s : allSamples) {
            if (s.round() <= last) {
                samples.add(s);
            }
        }
        List<Selection> selections = new ArrayList<>();
        for (Selection s : allSelections) {
            if (s.round() <= last) {
                selections.add(s);
            }
        }
        return new Reading(new StoredRun(dir, task, config, Dataset.of(samples), selections,
                List.copyOf(rounds.subList(0, intact))), fault);
    }

    /** The first committed round whose lines are not all there, and what is missing. */
    private record Fault(int round, String what) {
    }

    /**
     * The first committed round whose lines are not all there, or null: its recorded counts do not match
     * (rounds written before the counts were recorded skip that check) or a selection of it names a sample
     * that is not in the sample file.
     */
    private static Fault firstFault(Path dir, List<RoundReport> rounds, List<Sample> samples,
                                    List<Selection> selections) {
        Map<Integer, Integer> samplesByRound = new HashMap<>();
        Set<String> ids = new HashSet<>();
        for (Sample s : samples) {
            samplesByRound.merge(s.round(), 1, Integer::sum);
            ids.add(s.id());
        }
        Map<Integer, List<Selection>> selectionsByRound = new HashMap<>();
        for (Selection s : selections) {
            selectionsByRound.computeIfAbsent(s.round(), r -> new ArrayList<>()).add(s);
        }
        for (RoundReport r : rounds) {
            int samplesThere = samplesByRound.getOrDefault(r.round(), 0);
            List<Selection> selectionsThere = selectionsByRound.getOrDefault(r.round(), List.of());
            String what;
            if (r.samplesWritten() != null && r.samplesWritten() != samplesThere) {
                what = dir.resolve(SAMPLES) + " holds " + samplesThere + " samples of committed round " + r.round()
                        + ", " + ROUNDS + " recorded " + r.samplesWritten();
            } else if (r.selectionsWritten() != null && r.selectionsWritten() != selectionsThere.size()) {
                what = dir.resolve(SELECTIONS) + " holds " + selectionsThere.size() + " selections of committed "
                        + "round " + r.round() + ", " + ROUNDS + " recorded " + r.selectionsWritten();
            } else {
                what = missingSample(dir, selectionsThere, ids);
            }
            if (what != null) {
                return new Fault(r.round(), what);
            }
        }
        return null;
    }

    private static String missingSample(Path dir, List<Selection> selections, Set<String> ids) {
        for (Selection sel : selections) {
            for (List<String> named : List.of(sel.probeIds(), sel.selectedIds())) {
                for (String id : named) {
                    if (!ids.contains(id)) {
                        return dir.resolve(SELECTIONS) + ": committed round " + sel.round() + " names sample " + id
                                + ", which is not in " + SAMPLES;
                    }
                }
            }
        }
        return null;
    }

    /**
     * Opens a run for continuation: locks the directory until {@link #close()}, checks that it still holds
     * the state {@code run} was read from and that the student checkpoint the resume needs is there, removes
     * temporary files of interrupted writes, and only then rewrites the sample, selection and round files
     * without what is not an intact committed round, so that appends continue a clean history.
     *
     * @throws RunStoreException when another process writes the directory, it changed since {@code run} was
     *                           read, or the checkpoint is missing; nothing on disk has changed then
     */
    static RunStore reopen(StoredRun run) {
        Path dir = run.directory();
        RunStore store = new RunStore(dir, RunDirectoryLock.acquire(dir));
        try {
            Reading now = readChecked(dir, false); // read() warned already about a roll-back
            if (!now.run().equals(run)) {
                throw new RunStoreException("run directory " + dir + " changed since it was read for the resume "
                        + "(another process wrote it); call GoldDistiller.resume(dir) again");
            }
            int last = run.lastRound();
            Path checkpoint = store.resumeCheckpoint(run);
            if (checkpoint != null) {
                if (!Files.isRegularFile(checkpoint)) {
                    throw new RunStoreException("cannot resume " + dir + " after round " + last + ": the student "
                            + "checkpoint of round " + run.lastUpdateRound() + " is missing (" + checkpoint + ")"
                            + (now.rollback() == null ? "" : ", so the run cannot be rolled back to the round before "
                            + "the one that lost lines: " + now.rollback().what()));
                }
            }
            store.removeTemporaryFiles();
            int dropped = countLines(dir.resolve(SAMPLES)) - run.samples().size();
            if (dropped > 0) {
                LOG.info("{}: dropping {} sample lines written after round {}, the last intact committed round",
                        dir, dropped, last);
            }
            store.rewrite(SAMPLES, run.samples().samples(), SampleJson::toJson);
            store.rewrite(SELECTIONS, run.selections(), s -> Jsonl.GSON.toJsonTree(s).getAsJsonObject());
            store.rewrite(ROUNDS, run.rounds(), r -> Jsonl.GSON.toJsonTree(r).getAsJsonObject());
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Deletes what an interrupted atomic write left behind (a store file's name followed by ".tmp" and
     * possibly more, e.g. {@code student.bin.tmp} or the student's own {@code student.bin.tmp123.tmp}).
     * Only called under the lock, so no writer is producing such a file now.
     */
    private void removeTemporaryFiles() {
        List<String> removed = new ArrayList<>();
        List<String> storeFiles = List.of(TASK, CONFIG, PROVENANCE, SAMPLES, SELECTIONS, ROUNDS, FINAL_STUDENT);
        for (Path folder : List.of(dir, dir.resolve(CHECKPOINTS))) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> files = Files.list(folder)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    String name = p.getFileName().toString();
                    boolean ours = folder.equals(dir)
                            ? storeFiles.stream().anyMatch(f -> name.startsWith(f + ".tmp"))
                            : name.startsWith(CHECKPOINT_PREFIX) && name.contains(".bin.tmp");
                    if (ours && Files.isRegularFile(p)) {
                        Files.delete(p);
                        removed.add(dir.relativize(p).toString());
                    }
                }
            } catch (IOException e) {
                LOG.warn("cannot remove temporary files in {}: {}", folder, e.getMessage());
            }
        }
        if (!removed.isEmpty()) {
            LOG.info("{}: removed {} temporary files left by an interrupted write: {}", dir, removed.size(), removed);
        }
    }

    /** Releases the directory's lock; the store cannot be written afterwards. Safe to call twice. */
    @Override
    public void close() {
        lock.close();
    }

    void writeConfig(GoldConfig config) {
        writeJson(CONFIG, Jsonl.GSON.toJsonTree(config).getAsJsonObject());
    }

    void appendSamples(List<Sample> samples) {
        append(SAMPLES, samples, SampleJson::toJson, false);
        pendingSamples += samples.size();
    }

    void appendSelection(Selection selection) {
        append(SELECTIONS, List.of(selection), s -> Jsonl.GSON.toJsonTree(s).getAsJsonObject(), false);
        pendingSelections++;
    }

    /** Sample lines appended since the last committed round: what the round in flight wrote so far. */
    int samplesSinceCommit() {
        return pendingSamples;
    }

    /** Selection lines appended since the last committed round. */
    int selectionsSinceCommit() {
        return pendingSelections;
    }

    /** Commits a round: its report line is the commit marker, written after (and synced with) its data. */
    void commitRound(RoundReport report) {
        sync(SAMPLES);
        sync(SELECTIONS);
        append(ROUNDS, List.of(report), r -> Jsonl.GSON.toJsonTree(r).getAsJsonObject(), true);
        pendingSamples = 0;
        pendingSelections = 0;
    }

    void writeProvenance(JsonObject provenance) {
        writeJson(PROVENANCE, provenance);
    }

    JsonObject readProvenance() {
        Path p = dir.resolve(PROVENANCE);
        return Files.exists(p) ? readJson(p) : new JsonObject();
    }

    /** The description of a component ("generator", "studentFactory") in a run's provenance, or null. */
    static JsonElement storedComponent(Path dir, String component) {
        Path p = dir.resolve(PROVENANCE);
        if (!Files.isRegularFile(p)) {
            return null;
        }
        JsonElement components = readJson(p).get("components");
        return components != null && components.isJsonObject() ? components.getAsJsonObject().get(component) : null;
    }

    /** The checkpoint a resume of {@code run} restores the in-loop student from; null when no round is committed. */
    Path resumeCheckpoint(StoredRun run) {
        return run.lastRound() < 0 ? null : checkpoint(run.lastUpdateRound());
    }

    /** The checkpoint file of the in-loop student updated at {@code round}. */
    Path checkpoint(int round) {
        return dir.resolve(CHECKPOINTS).resolve(String.format(CHECKPOINT_PREFIX + "%05d.bin", round));
    }

    /** Saves the in-loop student's checkpoint atomically (write to a temporary file, then move). */
    void saveCheckpoint(Student student, int round) {
        Path target = checkpoint(round);
        saveAtomically(student, target);
    }

    /**
     * Deletes every checkpoint other than {@code keepRound}'s and the latest one before it: that one lets a
     * resume roll back to the round before {@code keepRound} when a line of it was lost.
     */
    void pruneCheckpoints(int keepRound) {
        Path cdir = dir.resolve(CHECKPOINTS);
        if (!Files.isDirectory(cdir)) {
            return;
        }
        Path keep = checkpoint(keepRound);
        try (Stream<Path> files = Files.list(cdir)) {
            List<Path> all = files.toList();
            Path previous = null;
            int previousRound = -1;
            for (Path p : all) {
                int r = checkpointRound(p);
                if (r < keepRound && r > previousRound) {
                    previous = p;
                    previousRound = r;
                }
            }
            for (Path p : all) {
                if (!p.equals(keep) && !p.equals(previous)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot prune checkpoints in {}: {}", cdir, e.getMessage());
        }
    }

    /** The round of a checkpoint file, or -1 when {@code p} is not one. */
    private static int checkpointRound(Path p) {
        String name = p.getFileName().toString();
        if (!name.matches(CHECKPOINT_PREFIX + "\\d{1,9}\\.bin")) {
            return -1;
        }
        return Integer.parseInt(name.substring(CHECKPOINT_PREFIX.length(), name.length() - ".bin".length()));
    }

    void saveFinalStudent(Student student) {
        saveAtomically(student, dir.resolve(FINAL_STUDENT));
    }

    private static void saveAtomically(Student student, Path target) {
        try {
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            try {
                student.save(tmp);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp); // after a failed save; the move consumed it otherwise
            }
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
            throw new RunStoreException("cannot write " + p + ": " + TextFiles.reason(e), e);
        }
    }

    private static JsonObject readJson(Path p) {
        try {
            JsonElement el = TextFiles.parseJson(p, TextFiles.read(p));
            if (!el.isJsonObject()) {
                throw new RunStoreException(p + ": expected a JSON object, found " + (el.isJsonNull() ? "nothing"
                        : el.isJsonArray() ? "an array" : "a single value"));
            }
            return el.getAsJsonObject();
        } catch (RunStoreException e) {
            throw e;
        } catch (GoldException e) {
            throw new RunStoreException(e.getMessage(), e);
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

        /** The round of the last in-loop student update at or before the last committed round. */
        int lastUpdateRound() {
            int every = config.updateStudentEvery();
            return (lastRound() / every) * every;
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
