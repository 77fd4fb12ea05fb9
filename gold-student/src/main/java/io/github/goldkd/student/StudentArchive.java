package io.github.goldkd.student;

import com.google.gson.JsonObject;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shipped students' layout of a {@link StudentFile}: {@code student.json} (format, kind, task,
 * configuration, training options), {@code vocabulary.txt} (one token per line, in id order; absent for
 * students without one) and {@code network.zip} (DL4J's ModelSerializer output, updater state included).
 *
 * <p>Public only so that the students of {@code io.github.goldkd.student.seq} share this one layout (their
 * {@code network.zip} entry holds a SameDiff graph instead); not an API for users, who write their own
 * students' files with {@link StudentFile}.
 */
public final class StudentArchive {

    static final String FORMAT = StudentFile.FORMAT;
    private static final String VOCABULARY = "vocabulary.txt";
    private static final String NETWORK = "network.zip";

    /** Writes the network into the given stream. */
    @FunctionalInterface
    public interface NetworkWriter {
        void write(OutputStream out) throws IOException;
    }

    /** What {@link #read} returns. */
    public record Contents(JsonObject meta, List<String> vocabulary, byte[] network) {
    }

    private StudentArchive() {
    }

    public static void write(Path file, JsonObject meta, List<String> vocabulary, NetworkWriter network) {
        Map<String, StudentFile.EntryWriter> entries = new LinkedHashMap<>();
        if (vocabulary != null) {
            entries.put(VOCABULARY, out -> out.write(String.join("\n", vocabulary).getBytes(StandardCharsets.UTF_8)));
        }
        entries.put(NETWORK, network::write);
        StudentFile.writeZip(file, meta, entries);
    }

    public static Contents read(Path file, String expectedKind) {
        return read(StudentFile.read(file), expectedKind);
    }

    public static Contents read(StudentFile file, String expectedKind) {
        if (!file.hasEntry(NETWORK)) {
            throw new StudentException("not a student file of the shipped layout (no " + NETWORK + "): " + file.path());
        }
        if (!file.kind().equals(expectedKind)) {
            throw new StudentException("student file " + file.path() + " holds a '" + file.kind()
                    + "' student, this factory loads '" + expectedKind + "'");
        }
        List<String> vocabulary = null;
        if (file.hasEntry(VOCABULARY)) {
            String text = new String(file.entryUncopied(VOCABULARY), StandardCharsets.UTF_8);
            vocabulary = new ArrayList<>(List.of(text.split("\n", -1)));
        }
        return new Contents(file.metadata(), vocabulary, file.entryUncopied(NETWORK));
    }
}
