package io.github.goldkd.core.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.core.io.Jsonl;
import io.github.goldkd.core.io.TaskJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A sequence student for loop tests: it memorises the target of every input it was trained on (so its
 * predictions, and any metric of them, are checkable), and its logits are one row per target position
 * over a small vocabulary, padded to a fixed length with a mask, teacher-forced on the target's words.
 * Row values are a pseudo-random function of the input and of everything the student was trained on, as
 * for {@link ControlledStudent}.
 */
public final class SequenceStudent implements Student {

    /** Positions of every sample's logits (targets are cut or padded to it). */
    public static final int LENGTH = 8;
    /** Vocabulary size: the width of each row. */
    public static final int VOCABULARY = 5;

    private final Task task;
    private final Map<String, String> memory;
    private long state;

    SequenceStudent(Task task, long state, Map<String, String> memory) {
        this.task = task;
        this.state = state;
        this.memory = new TreeMap<>(memory);
    }

    public static Factory factory() {
        return new Factory();
    }

    @Override
    public Task task() {
        return task;
    }

    @Override
    public FitReport fit(Dataset data, int epochs, long seed) {
        for (int e = 0; e < epochs; e++) {
            for (Sample s : data) {
                memory.put(s.text(), s.target());
                state = ControlledStudent.mix(state * 31 + s.id().hashCode() + s.text().hashCode());
            }
        }
        state = ControlledStudent.mix(state ^ seed);
        return new FitReport(epochs, 0.5, Double.NaN, 0);
    }

    @Override
    public List<Logits> logits(List<Sample> samples) {
        List<Logits> out = new ArrayList<>(samples.size());
        for (Sample s : samples) {
            String[] words = s.target() == null || s.target().isBlank() ? new String[0] : s.target().split("\\s+");
            int real = Math.max(1, Math.min(LENGTH, words.length));
            boolean[] mask = new boolean[LENGTH];
            int[] targets = new int[LENGTH];
            float[][] rows = new float[LENGTH][VOCABULARY];
            Random r = new Random(ControlledStudent.mix(state ^ s.text().hashCode()));
            for (int t = 0; t < LENGTH; t++) {
                mask[t] = t < real;
                targets[t] = t < words.length ? Math.floorMod(words[t].hashCode(), VOCABULARY) : 0;
                for (int k = 0; k < VOCABULARY; k++) {
                    // padding rows are large, so an average that included them would differ visibly
                    rows[t][k] = mask[t] ? r.nextInt(7) - 3 : 20 + k;
                }
            }
            out.add(Logits.ofSequence(rows, mask, targets));
        }
        return out;
    }

    @Override
    public List<String> predict(List<Sample> samples) {
        List<String> out = new ArrayList<>(samples.size());
        for (Sample s : samples) {
            out.add(memory.getOrDefault(s.text(), ""));
        }
        return out;
    }

    @Override
    public void save(Path file) {
        JsonObject o = new JsonObject();
        o.addProperty("state", state);
        o.add("task", TaskJson.toJson(task));
        o.add("memory", Jsonl.GSON.toJsonTree(memory));
        try {
            Files.writeString(file, Jsonl.GSON.toJson(o), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates and loads {@link SequenceStudent}s. */
    public static final class Factory implements StudentFactory {

        @Override
        public Student create(Task task, TrainingOptions options) {
            return new SequenceStudent(task, options.seed(), Map.of());
        }

        @Override
        public Student load(Path file) {
            try {
                JsonObject o = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
                Map<String, String> memory = new TreeMap<>();
                o.getAsJsonObject("memory").entrySet().forEach(e -> memory.put(e.getKey(), e.getValue().getAsString()));
                return new SequenceStudent(TaskJson.fromJson(o.getAsJsonObject("task")), o.get("state").getAsLong(),
                        memory);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
