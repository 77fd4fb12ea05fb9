package io.github.goldkd.student;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.goldkd.core.RunStore;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.io.TaskJson;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A saved student, read back: the one-file form every shipped student writes, and which a student of your own
 * can write too ({@link #write}), so that {@link Students#load} finds its {@link StudentLoader} and hands it the
 * task, read from the file. The file is a zip holding {@code student.json} (format, {@link #kind() kind},
 * {@link #task() task}, and whatever settings the student adds) and named entries of bytes (a network, a
 * vocabulary, ...).
 *
 * <p>Instances are immutable; {@link #metadata()} and {@link #entry} return copies.
 */
public final class StudentFile {

    /** The value of {@code format} in {@code student.json}. */
    public static final String FORMAT = "gold-student/1";
    /** The entry holding the metadata. */
    public static final String METADATA = "student.json";

    private final Path path;
    private final JsonObject meta;
    private final Map<String, byte[]> entries;
    private final Task task;

    private StudentFile(Path path, JsonObject meta, Map<String, byte[]> entries, Task task) {
        this.path = path;
        this.meta = meta;
        this.entries = entries;
        this.task = task;
    }

    /** Writes the bytes of one entry into the given stream. */
    @FunctionalInterface
    public interface EntryWriter {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Reads a student file, or the final student ({@value RunStore#FINAL_STUDENT}) of a run directory.
     *
     * @throws StudentException when the path is neither, the file is not a student file of this format, or its
     *                          metadata has no kind or task
     */
    public static StudentFile read(Path fileOrRunDirectory) {
        Path file = resolve(fileOrRunDirectory);
        JsonObject meta = null;
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                byte[] bytes = zip.readAllBytes();
                if (e.getName().equals(METADATA)) {
                    meta = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject();
                } else {
                    entries.put(e.getName(), bytes);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new StudentException("cannot read student file " + file + ": " + e.getMessage(), e);
        }
        if (meta == null) {
            throw new StudentException("not a student file (no " + METADATA + "): " + file);
        }
        String format = meta.has("format") ? meta.get("format").getAsString() : "";
        if (!FORMAT.equals(format)) {
            throw new StudentException("unsupported student file format '" + format + "' in " + file
                    + ", expected " + FORMAT);
        }
        if (!meta.has("kind") || meta.get("kind").getAsString().isBlank()) {
            throw new StudentException("student file " + file + " names no kind in its " + METADATA);
        }
        if (!(meta.get("task") instanceof JsonObject taskJson)) {
            throw new StudentException("student file " + file + " holds no task in its " + METADATA);
        }
        Task task;
        try {
            task = TaskJson.fromJson(taskJson);
        } catch (RuntimeException e) {
            throw new StudentException("student file " + file + ": its task cannot be read: " + e.getMessage(), e);
        }
        return new StudentFile(file, meta, Collections.unmodifiableMap(entries), task);
    }

    /**
     * Writes a student file: {@code student.json} holds {@code settings} plus the format, {@code kind} and
     * {@code task} (which {@link #read} gives back to the loader); then one zip entry per element of
     * {@code entries}, in order. Written to a temporary file first and moved into place, so a crash never
     * leaves half a student behind.
     *
     * @param settings whatever else the student needs to be restored; its {@code format}, {@code kind} and
     *                 {@code task} members are overwritten
     */
    public static void write(Path file, String kind, Task task, JsonObject settings, Map<String, EntryWriter> entries) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(entries, "entries");
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("kind must be a non-blank name, was '" + kind + "'");
        }
        for (String name : entries.keySet()) {
            if (name == null || name.isBlank() || name.equals(METADATA)) {
                throw new IllegalArgumentException("entry names must be non-blank and not " + METADATA + ", was '"
                        + name + "'");
            }
        }
        JsonObject meta = settings == null ? new JsonObject() : settings.deepCopy();
        meta.addProperty("format", FORMAT);
        meta.addProperty("kind", kind);
        meta.add("task", TaskJson.toJson(task));
        writeZip(file, meta, entries);
    }

    static void writeZip(Path file, JsonObject meta, Map<String, EntryWriter> entries) {
        Path abs = file.toAbsolutePath();
        Path tmp = null;
        try {
            Path dir = abs.getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            tmp = Files.createTempFile(dir, abs.getFileName().toString(), ".tmp");
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tmp))) {
                meta.addProperty("format", FORMAT);
                zip.putNextEntry(new ZipEntry(METADATA));
                zip.write(meta.toString().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
                for (Map.Entry<String, EntryWriter> e : entries.entrySet()) {
                    // some writers (DL4J's ModelSerializer) close the stream they are given: write to memory first
                    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                    e.getValue().write(bytes);
                    zip.putNextEntry(new ZipEntry(e.getKey()));
                    bytes.writeTo(zip);
                    zip.closeEntry();
                }
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StudentException("cannot save student to " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort; the move normally consumed it
                }
            }
        }
    }

    /** The student file itself, or a run directory's final student. */
    static Path resolve(Path fileOrRunDirectory) {
        Objects.requireNonNull(fileOrRunDirectory, "path");
        Path file = Files.isDirectory(fileOrRunDirectory)
                ? fileOrRunDirectory.resolve(RunStore.FINAL_STUDENT) : fileOrRunDirectory;
        if (!Files.isRegularFile(file)) {
            throw new StudentException(Files.isDirectory(fileOrRunDirectory)
                    ? "run directory " + fileOrRunDirectory + " holds no final student (" + RunStore.FINAL_STUDENT + ")"
                    : "no student file at " + fileOrRunDirectory + " (a student file or a run directory is expected)");
        }
        return file;
    }

    /** The file this was read from. */
    public Path path() {
        return path;
    }

    /** The student kind, as its {@link StudentLoader#kind()} names it. */
    public String kind() {
        return meta.get("kind").getAsString();
    }

    /** The task the student was built for. */
    public Task task() {
        return task;
    }

    /** A copy of {@code student.json}. */
    public JsonObject metadata() {
        return meta.deepCopy();
    }

    /** One member of {@code student.json}, or null. */
    public JsonElement setting(String name) {
        JsonElement e = meta.get(name);
        return e == null ? null : e.deepCopy();
    }

    /** The names of the entries other than {@code student.json}, in file order. */
    public Set<String> entryNames() {
        return entries.keySet();
    }

    /** A copy of the bytes of entry {@code name}, or an exception naming the file and the entries it has. */
    public byte[] entry(String name) {
        byte[] b = entries.get(name);
        if (b == null) {
            throw new StudentException("student file " + path + " has no entry '" + name + "'; it has "
                    + entries.keySet());
        }
        return b.clone();
    }

    /** Whether the file holds entry {@code name}. */
    public boolean hasEntry(String name) {
        return entries.containsKey(name);
    }

    byte[] entryUncopied(String name) {
        return entries.get(name);
    }
}
