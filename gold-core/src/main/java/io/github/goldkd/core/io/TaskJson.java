package io.github.goldkd.core.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON form of a {@link Task}:
 * <pre>{@code
 * {"name": "sentiment", "kind": "classification", "description": "...", "inputFields": ["text"],
 *  "labels": [{"name": "negative", "meaning": "..."}, ...],
 *  "demonstrations": [{"text": "...", "label": "positive"}, ...]}
 * }</pre>
 * Sequence tasks have no labels; they may name their {@code outputField} (default per kind: {@code answer},
 * {@code equation}, {@code output}) and, for extractive QA, the {@code spanField} holding the answer. Their
 * demonstrations carry the output under {@code target} or under the output field's name. A sentence-pair
 * task may name its {@code pair} of input fields ({@code ["premise", "hypothesis"]}); a classification task
 * with two input fields pairs them by default.
 * Demonstrations may be written in the short form shown; they get ids {@code demo-0}, {@code demo-1}, ...
 */
public final class TaskJson {

    private TaskJson() {
    }

    public static JsonObject toJson(Task t) {
        JsonObject o = new JsonObject();
        o.addProperty("name", t.name());
        o.addProperty("kind", t.kind().name().toLowerCase(Locale.ROOT));
        o.addProperty("description", t.description());
        JsonArray fields = new JsonArray();
        t.inputFields().forEach(fields::add);
        o.add("inputFields", fields);
        if (!t.outputField().equals(t.kind().defaultOutputField())) {
            o.addProperty("outputField", t.outputField());
        }
        if (t.spanField() != null) {
            o.addProperty("spanField", t.spanField());
        }
        if (!t.pair().isEmpty()) {
            JsonArray pair = new JsonArray();
            t.pair().forEach(pair::add);
            o.add("pair", pair);
        }
        JsonArray labels = new JsonArray();
        for (Label l : t.labels()) {
            JsonObject lo = new JsonObject();
            lo.addProperty("name", l.name());
            lo.addProperty("meaning", l.meaning());
            labels.add(lo);
        }
        o.add("labels", labels);
        JsonArray demos = new JsonArray();
        t.demonstrations().forEach(d -> demos.add(SampleJson.toJson(d)));
        o.add("demonstrations", demos);
        return o;
    }

    /**
     * Parses the JSON form. Besides the form {@link #toJson} writes, it accepts the shorthand a person
     * writes by hand: {@code "labels": ["ham", "spam"]} or {@code "labels": {"ham": "meaning", "spam":
     * "meaning"}}, {@code "inputFields": "text"}, and demonstrations as {@code {"text": "...", "label":
     * "..."}} (every string member other than id, origin, round, label and target is an input field).
     *
     * @throws IllegalArgumentException naming the field at fault, e.g. {@code labels[1].name}
     */
    public static Task fromJson(JsonObject o) {
        String name = string(o, "name", "name");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name is required: a non-blank string naming the task");
        }
        String kind = string(o, "kind", "kind");
        TaskKind taskKind;
        try {
            taskKind = TaskKind.valueOf((kind == null ? "classification" : kind).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kind: unknown task kind '" + kind + "', allowed: " + kinds());
        }
        List<String> fields = new ArrayList<>();
        JsonElement f = o.get("inputFields");
        if (f == null || f.isJsonNull()) {
            fields.add("text");
        } else if (f.isJsonPrimitive() && f.getAsJsonPrimitive().isString()) {
            fields.add(f.getAsString());
        } else if (f.isJsonArray()) {
            int i = 0;
            for (JsonElement e : f.getAsJsonArray()) {
                fields.add(stringValue(e, "inputFields[" + i++ + "]"));
            }
        } else {
            throw new IllegalArgumentException("inputFields must be an array of field names, e.g. [\"text\"], found "
                    + kindOf(f));
        }
        List<Label> labels = labels(o.get("labels"));
        List<String> labelNames = labels.stream().map(Label::name).toList();
        String outputField = string(o, "outputField", "outputField");
        // Demonstrations written by hand name a sequence task's output as the task does ("answer", ...).
        String sequenceOutput = !taskKind.isSequence() ? null
                : outputField == null ? taskKind.defaultOutputField() : outputField;
        List<Sample> demos = new ArrayList<>();
        JsonElement ds = o.get("demonstrations");
        if (ds != null && !ds.isJsonNull()) {
            if (!ds.isJsonArray()) {
                throw new IllegalArgumentException("demonstrations must be an array of objects like {\"text\": "
                        + "\"...\", \"label\": \"...\"}, found " + kindOf(ds));
            }
            int i = 0;
            for (JsonElement e : ds.getAsJsonArray()) {
                demos.add(demonstration(e, "demonstrations[" + i + "]", "demo-" + i, fields, taskKind, labelNames,
                        sequenceOutput));
                i++;
            }
        }
        List<String> pair = SampleJson.strings(o, "pair", "task " + name);
        return new Task(name, taskKind, string(o, "description", "description"), fields, labels, demos, outputField,
                string(o, "spanField", "spanField"), pair);
    }

    private static List<Label> labels(JsonElement ls) {
        List<Label> labels = new ArrayList<>();
        if (ls == null || ls.isJsonNull()) {
            return labels;
        }
        if (ls.isJsonObject()) {
            // {"ham": "what ham means", "spam": "..."}: names in the order written, each with its meaning
            for (Map.Entry<String, JsonElement> e : ls.getAsJsonObject().entrySet()) {
                String where = "labels." + e.getKey();
                if (e.getKey().isBlank()) {
                    throw new IllegalArgumentException("labels: a label name must not be blank");
                }
                labels.add(new Label(e.getKey(), e.getValue().isJsonNull() ? "" : stringValue(e.getValue(), where)));
            }
            return labels;
        }
        if (!ls.isJsonArray()) {
            throw new IllegalArgumentException("labels must be an array of names, an array of {\"name\", "
                    + "\"meaning\"} objects or an object of name: meaning, found " + kindOf(ls));
        }
        int i = 0;
        for (JsonElement e : ls.getAsJsonArray()) {
            String where = "labels[" + i++ + "]";
            String labelName;
            String meaning = "";
            if (e.isJsonObject()) {
                labelName = string(e.getAsJsonObject(), "name", where + ".name");
                String m = string(e.getAsJsonObject(), "meaning", where + ".meaning");
                meaning = m == null ? "" : m;
            } else {
                labelName = stringValue(e, where);
            }
            if (labelName == null || labelName.isBlank()) {
                throw new IllegalArgumentException(where + ".name is required: a non-blank label name");
            }
            labels.add(new Label(labelName, meaning));
        }
        return labels;
    }

    /**
     * One demonstration; {@code sequenceOutput} is the output field of a sequence task (null otherwise),
     * whose value becomes the target when the demonstration has none.
     */
    private static Sample demonstration(JsonElement e, String where, String defaultId, List<String> fields,
                                        TaskKind kind, List<String> labelNames, String sequenceOutput) {
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException(where + " must be an object like {\"text\": \"...\", \"label\": "
                    + "\"...\"}, found " + kindOf(e));
        }
        JsonObject d = e.getAsJsonObject();
        JsonElement in = d.get("inputs");
        JsonObject source = in != null && in.isJsonObject() ? in.getAsJsonObject() : d;
        String prefix = source == d ? where + "." : where + ".inputs.";
        for (String field : fields) {
            JsonElement v = source.get(field);
            if (v == null || v.isJsonNull()) {
                throw new IllegalArgumentException(prefix + field + " is missing (the task's input fields are "
                        + fields + ", this demonstration has " + source.keySet() + ")");
            }
            stringValue(v, prefix + field);
        }
        for (String key : List.of("id", "origin", "label", "target")) {
            string(d, key, where + "." + key);
        }
        String label = string(d, "label", where + ".label");
        if (kind == TaskKind.CLASSIFICATION && !labelNames.isEmpty()) {
            if (label == null) {
                throw new IllegalArgumentException(where + ".label is missing, allowed: " + labelNames);
            }
            if (!labelNames.contains(label)) {
                throw new IllegalArgumentException(where + ".label '" + label + "' is not a label of the task, "
                        + "allowed: " + labelNames);
            }
        }
        Sample s;
        try {
            s = SampleJson.fromJson(d, defaultId, Origin.DEMONSTRATION);
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException ex) {
            throw new IllegalArgumentException(where + ": " + ex.getMessage(), ex);
        }
        String output = sequenceOutput == null ? null : s.inputs().get(sequenceOutput);
        if (s.target() != null || output == null) {
            return s;
        }
        Map<String, String> inputs = new LinkedHashMap<>(s.inputs());
        inputs.remove(sequenceOutput);
        return new Sample(s.id(), inputs, null, output, s.origin(), s.round(), s.references());
    }

    /** A string member, null when absent or JSON null; anything but a string or number is an error naming it. */
    private static String string(JsonObject o, String key, String where) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : stringValue(e, where);
    }

    private static String stringValue(JsonElement e, String where) {
        if (!e.isJsonPrimitive() || e.getAsJsonPrimitive().isBoolean()) {
            throw new IllegalArgumentException(where + " must be a string, found " + kindOf(e));
        }
        return e.getAsString();
    }

    private static String kindOf(JsonElement e) {
        if (e.isJsonArray()) {
            return "an array";
        }
        if (e.isJsonObject()) {
            return "an object";
        }
        if (e.isJsonNull()) {
            return "null";
        }
        return e.getAsJsonPrimitive().isBoolean() ? "a boolean" : e.getAsJsonPrimitive().isNumber() ? "a number"
                : "a string";
    }

    private static String kinds() {
        List<String> out = new ArrayList<>();
        for (TaskKind k : TaskKind.values()) {
            out.add(k.name().toLowerCase(Locale.ROOT));
        }
        return String.join(", ", out);
    }

    /**
     * Reads a task file; errors name the file and, for a bad value, the field.
     *
     * @throws GoldException when the file cannot be read, is not UTF-8 or JSON, or holds a bad task
     */
    public static Task read(Path file) {
        JsonElement el = TextFiles.parseJson(file, TextFiles.read(file));
        if (!el.isJsonObject()) {
            throw new GoldException("task file " + file + ": must hold one JSON object, found "
                    + (el.isJsonNull() ? "nothing" : kindOf(el)));
        }
        try {
            return fromJson(el.getAsJsonObject());
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
            throw new GoldException("task file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a task file (pretty-printed, UTF-8). */
    public static void write(Path file, Task task) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, Jsonl.GSON.newBuilder().setPrettyPrinting().create().toJson(toJson(task)) + "\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GoldException("cannot write task file " + file + ": " + TextFiles.reason(e), e);
        }
    }
}
