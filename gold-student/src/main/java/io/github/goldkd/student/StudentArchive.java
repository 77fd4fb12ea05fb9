package io.github.goldkd.student;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The one-file form of a student: a zip holding {@code student.json} (format, kind, task, configuration,
 * training options), {@code vocabulary.txt} (one token per line, in id order; absent for students without
 * one) and {@code network.zip} (DL4J's ModelSerializer output, updater state included). Written to a
 * temporary file first and moved into place, so a crash never leaves half a student behind.
 *
 * <p>Public only so that the students of {@code io.github.goldkd.student.seq} share this one format (their
 * {@code network.zip} entry holds a SameDiff graph instead); not an API for users.
 */
public final class StudentArchive {

    static final String FORMAT = "gold-student/1";
    private static final String META = "student.json";
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
                zip.putNextEntry(new ZipEntry(META));
                zip.write(meta.toString().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
                if (vocabulary != null) {
                    zip.putNextEntry(new ZipEntry(VOCABULARY));
                    zip.write(String.join("\n", vocabulary).getBytes(StandardCharsets.UTF_8));
                    zip.closeEntry();
                }
                // ModelSerializer closes the stream it is given, so write it to memory first
                ByteArrayOutputStream net = new ByteArrayOutputStream();
                network.write(net);
                zip.putNextEntry(new ZipEntry(NETWORK));
                net.writeTo(zip);
                zip.closeEntry();
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

    public static Contents read(Path file, String expectedKind) {
        JsonObject meta = null;
        List<String> vocabulary = null;
        byte[] network = null;
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                switch (e.getName()) {
                    case META -> meta = JsonParser.parseString(new String(readAll(zip), StandardCharsets.UTF_8))
                            .getAsJsonObject();
                    case VOCABULARY -> {
                        String text = new String(readAll(zip), StandardCharsets.UTF_8);
                        vocabulary = new ArrayList<>(List.of(text.split("\n", -1)));
                    }
                    case NETWORK -> network = readAll(zip);
                    default -> {
                        // unknown entries from a later minor version are ignored
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new StudentException("cannot read student file " + file + ": " + e.getMessage(), e);
        }
        if (meta == null || network == null) {
            throw new StudentException("not a student file (no " + META + " or " + NETWORK + "): " + file);
        }
        String format = meta.has("format") ? meta.get("format").getAsString() : "";
        if (!FORMAT.equals(format)) {
            throw new StudentException("unsupported student file format '" + format + "' in " + file
                    + ", expected " + FORMAT);
        }
        String kind = meta.has("kind") ? meta.get("kind").getAsString() : "";
        if (!kind.equals(expectedKind)) {
            throw new StudentException("student file " + file + " holds a '" + kind + "' student, this factory loads '"
                    + expectedKind + "'");
        }
        return new Contents(meta, vocabulary, network);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }
}
