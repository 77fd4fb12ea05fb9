package io.github.goldkd.core.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
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

    public static Task fromJson(JsonObject o) {
        String name = SampleJson.string(o, "name");
        String kind = SampleJson.string(o, "kind");
        TaskKind taskKind;
        try {
            taskKind = TaskKind.valueOf((kind == null ? "classification" : kind).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown task kind '" + kind
                    + "', allowed: classification, extractive_qa, math_word_problem, text_generation");
        }
        List<String> fields = new ArrayList<>();
        JsonElement f = o.get("inputFields");
        if (f == null) {
            fields.add("text");
        } else {
            f.getAsJsonArray().forEach(e -> fields.add(e.getAsString()));
        }
        List<Label> labels = new ArrayList<>();
        JsonElement ls = o.get("labels");
        if (ls != null) {
            for (JsonElement e : ls.getAsJsonArray()) {
                if (e.isJsonPrimitive()) {
                    labels.add(new Label(e.getAsString(), ""));
                } else {
                    JsonObject lo = e.getAsJsonObject();
                    labels.add(new Label(SampleJson.string(lo, "name"), SampleJson.string(lo, "meaning")));
                }
            }
        }
        List<Sample> demos = new ArrayList<>();
        JsonElement ds = o.get("demonstrations");
        if (ds != null) {
            int i = 0;
            for (JsonElement e : ds.getAsJsonArray()) {
                demos.add(SampleJson.fromJson(e.getAsJsonObject(), "demo-" + i++, Origin.DEMONSTRATION));
            }
        }
        String outputField = SampleJson.string(o, "outputField");
        if (taskKind.isSequence()) {
            // Demonstrations written by hand name their output as the task does ("answer", "equation", ...).
            String out = outputField == null ? taskKind.defaultOutputField() : outputField;
            for (int i = 0; i < demos.size(); i++) {
                Sample d = demos.get(i);
                String value = d.inputs().get(out);
                if (d.target() == null && value != null) {
                    Map<String, String> inputs = new LinkedHashMap<>(d.inputs());
                    inputs.remove(out);
                    demos.set(i, new Sample(d.id(), inputs, null, value, d.origin(), d.round(), d.references()));
                }
            }
        }
        List<String> pair = SampleJson.strings(o, "pair", "task " + name);
        return new Task(name, taskKind, SampleJson.string(o, "description"), fields, labels, demos, outputField,
                SampleJson.string(o, "spanField"), pair);
    }

    /** Reads a task file; errors name the file. */
    public static Task read(Path file) {
        try {
            JsonElement el = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            if (!el.isJsonObject()) {
                throw new GoldException(file + ": a task file must hold one JSON object");
            }
            return fromJson(el.getAsJsonObject());
        } catch (IOException e) {
            throw new GoldException("cannot read task file " + file + ": " + e.getMessage(), e);
        } catch (JsonParseException | IllegalArgumentException | IllegalStateException e) {
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
            throw new GoldException("cannot write task file " + file + ": " + e.getMessage(), e);
        }
    }
}
