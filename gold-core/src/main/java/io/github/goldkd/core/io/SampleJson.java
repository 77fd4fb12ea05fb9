package io.github.goldkd.core.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON form of a {@link Sample}:
 * {@code {"id":"r00003-p-01","origin":"probe","round":3,"inputs":{"text":"..."},"label":"positive"}};
 * {@code label} and {@code target} are omitted when null, {@code round} when -1, {@code references} when
 * they are just the target (or label), {@code targetStart} when -1 (unknown). {@code answers} is read as another
 * name for {@code references}, and a sample with references but no target or label takes the first reference as
 * its target.
 */
public final class SampleJson {

    /** The members of a flat sample object that are not input fields. */
    private static final List<String> NOT_INPUTS = List.of("id", "origin", "round", "label", "target", "references",
            "answers", "targetStart");

    private SampleJson() {
    }

    public static JsonObject toJson(Sample s) {
        JsonObject o = new JsonObject();
        o.addProperty("id", s.id());
        o.addProperty("origin", s.origin().name().toLowerCase(Locale.ROOT));
        if (s.round() >= 0) {
            o.addProperty("round", s.round());
        }
        JsonObject inputs = new JsonObject();
        s.inputs().forEach(inputs::addProperty);
        o.add("inputs", inputs);
        if (s.label() != null) {
            o.addProperty("label", s.label());
        }
        if (s.target() != null) {
            o.addProperty("target", s.target());
        }
        String own = s.target() != null ? s.target() : s.label();
        if (!s.references().equals(own == null ? List.of() : List.of(own))) {
            JsonArray refs = new JsonArray();
            s.references().forEach(refs::add);
            o.add("references", refs);
        }
        if (s.targetStart() >= 0) {
            o.addProperty("targetStart", s.targetStart());
        }
        return o;
    }

    /** Parses the JSON form; {@code id} and {@code origin} are required. */
    public static Sample fromJson(JsonObject o) {
        String id = string(o, "id");
        if (id == null) {
            throw new IllegalArgumentException("sample has no 'id'");
        }
        String origin = string(o, "origin");
        if (origin == null) {
            throw new IllegalArgumentException("sample " + id + " has no 'origin'");
        }
        return fromJson(o, id, parseOrigin(origin));
    }

    /**
     * Parses the JSON form, filling a missing id or origin from the defaults. Input fields come from
     * {@code inputs}; without it, every string member other than id, origin, round, label and target is
     * an input field (so {@code {"text":"...","label":"positive"}} is a sample too).
     */
    public static Sample fromJson(JsonObject o, String defaultId, Origin defaultOrigin) {
        String id = string(o, "id");
        String origin = string(o, "origin");
        JsonElement r = o.get("round");
        int round = r == null || r.isJsonNull() ? -1 : r.getAsInt();
        Map<String, String> inputs = new LinkedHashMap<>();
        JsonElement in = o.get("inputs");
        if (in != null && in.isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : in.getAsJsonObject().entrySet()) {
                inputs.put(e.getKey(), e.getValue().getAsString());
            }
        } else {
            for (Map.Entry<String, JsonElement> e : o.entrySet()) {
                if (!NOT_INPUTS.contains(e.getKey()) && e.getValue().isJsonPrimitive()) {
                    inputs.put(e.getKey(), e.getValue().getAsString());
                }
            }
        }
        String sampleId = id == null ? defaultId : id;
        List<String> references = strings(o, o.has("references") ? "references" : "answers", "sample " + sampleId);
        String label = string(o, "label");
        String target = string(o, "target");
        if (target == null && label == null && !references.isEmpty()) {
            target = references.get(0);
        }
        JsonElement ts = o.get("targetStart");
        int targetStart = -1;
        if (ts != null && !ts.isJsonNull()) {
            if (!ts.isJsonPrimitive() || !ts.getAsJsonPrimitive().isNumber()
                    || ts.getAsDouble() != Math.rint(ts.getAsDouble())) {
                throw new IllegalArgumentException("sample " + sampleId + ": 'targetStart' must be an integer, the "
                        + "target's character offset (>= 0, or -1 when unknown), was " + ts);
            }
            targetStart = ts.getAsInt();
        }
        return new Sample(sampleId, inputs, label, target, origin == null ? defaultOrigin : parseOrigin(origin),
                round, references, targetStart);
    }

    /** A list of strings, or a single string, under {@code key}; empty when absent; errors name the owner. */
    static List<String> strings(JsonObject o, String key, String owner) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return List.of();
        }
        if (e.isJsonPrimitive()) {
            return List.of(e.getAsString());
        }
        if (!e.isJsonArray()) {
            throw new IllegalArgumentException(owner + ": '" + key
                    + "' must be a string or a list of strings, was " + e);
        }
        List<String> out = new ArrayList<>();
        for (JsonElement x : e.getAsJsonArray()) {
            if (!x.isJsonPrimitive()) {
                throw new IllegalArgumentException(owner + ": '" + key
                        + "' must hold strings only, has " + x);
            }
            out.add(x.getAsString());
        }
        return out;
    }

    /** Reads a samples file written by {@link #write}; see {@link Jsonl#read} for errors. */
    public static List<Sample> read(Path file) {
        return Jsonl.read(file, SampleJson::fromJson, Jsonl.CutOffLastLine.FAIL);
    }

    /** Writes samples, one per line. */
    public static void write(Path file, Iterable<Sample> samples) {
        Jsonl.write(file, samples, SampleJson::toJson);
    }

    static Origin parseOrigin(String s) {
        try {
            return Origin.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown origin '" + s + "', allowed: demonstration, train, probe, real");
        }
    }

    static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }
}
