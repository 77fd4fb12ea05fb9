package io.github.goldkd.core.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import io.github.goldkd.core.GoldException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * JSON Lines files: one JSON object per line, UTF-8. Any text round-trips exactly: newlines, quotes and
 * control characters are escaped by the JSON encoding, non-Latin scripts are written as UTF-8.
 */
public final class Jsonl {

    private static final Logger LOG = LoggerFactory.getLogger(Jsonl.class);

    /** The project's Gson: no HTML escaping (text stays readable), NaN allowed for scores. */
    public static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues()
            .create();

    private Jsonl() {
    }

    /** What to do with a last line that does not parse and has no line end (a write cut off by a crash). */
    public enum CutOffLastLine {
        /** Drop it with a warning: the store appends whole lines, so a cut-off line is the write in flight. */
        DROP_WITH_WARNING,
        /** Treat it like any other bad line. */
        FAIL
    }

    /**
     * Reads every line of {@code file} as a JSON object and maps it; blank lines are skipped.
     *
     * @throws GoldException naming the file and the 1-based line when a line is not a JSON object or the
     *                       mapper rejects it, or the file cannot be read or is not UTF-8
     */
    public static <T> List<T> read(Path file, Function<JsonObject, T> mapper, CutOffLastLine cutOff) {
        String content = TextFiles.read(file);
        String[] lines = content.split("\n", -1);
        boolean endsWithNewline = content.endsWith("\n");
        List<T> out = new ArrayList<>();
        int last = lines.length - 1;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonElement el = TextFiles.parseLine(line);
                if (!el.isJsonObject()) {
                    throw new JsonParseException("expected a JSON object, found " + kind(el));
                }
                out.add(mapper.apply(el.getAsJsonObject()));
            } catch (JsonParseException | IllegalArgumentException | IllegalStateException
                     | UnsupportedOperationException e) {
                if (i == last && !endsWithNewline && cutOff == CutOffLastLine.DROP_WITH_WARNING) {
                    LOG.warn("{}: dropping line {}, cut off mid-write ({} characters)", file, i + 1, line.length());
                    continue;
                }
                throw new GoldException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * Writes {@code items} to {@code file} (replacing it), one JSON object per line.
     *
     * @throws GoldException naming the file and the reason when it cannot be written
     */
    public static <T> void write(Path file, Iterable<T> items, Function<T, JsonObject> mapper) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (T item : items) {
                    w.write(GSON.toJson(mapper.apply(item)));
                    w.write('\n');
                }
            }
        } catch (IOException e) {
            throw new GoldException("cannot write " + file + ": " + TextFiles.reason(e), e);
        }
    }

    private static String kind(JsonElement el) {
        if (el.isJsonArray()) {
            return "an array";
        }
        if (el.isJsonNull()) {
            return "null";
        }
        return "a " + (el.isJsonPrimitive() ? "primitive value" : "value");
    }
}
