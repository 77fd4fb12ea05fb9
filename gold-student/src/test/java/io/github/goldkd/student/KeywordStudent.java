package io.github.goldkd.student;

import com.google.gson.JsonObject;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TrainingOptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A user's own student kind, as a user would write it: it saves through {@link StudentFile#write} and is
 * registered for {@link Students#load} by one line in src/test/resources/META-INF/services. Its factory holds
 * no task: the loader gets it from the file. It predicts the label whose name occurs most often in the text.
 */
final class KeywordStudent implements Student {

    static final String KIND = "test-keyword";
    private final Task task;
    private final String marker;

    KeywordStudent(Task task, String marker) {
        this.task = task;
        this.marker = marker;
    }

    String marker() {
        return marker;
    }

    @Override
    public Task task() {
        return task;
    }

    @Override
    public FitReport fit(Dataset data, int epochs, long seed) {
        return FitReport.NOTHING;
    }

    @Override
    public List<Logits> logits(List<Sample> samples) {
        List<Logits> out = new ArrayList<>();
        for (Sample s : samples) {
            float[] z = new float[task.labels().size()];
            for (int k = 0; k < z.length; k++) {
                z[k] = s.text().split(task.labelNames().get(k), -1).length - 1;
            }
            out.add(Logits.ofClasses(z));
        }
        return out;
    }

    @Override
    public void save(Path file) {
        JsonObject settings = new JsonObject();
        settings.addProperty("note", "settings of my own");
        StudentFile.write(file, KIND, task, settings,
                Map.of("marker.txt", out -> out.write(marker.getBytes(StandardCharsets.UTF_8))));
    }

    /** Creates keyword students; restores them through {@link Students}, with no task of its own. */
    static final class Factory implements StudentFactory {
        @Override
        public Student create(Task task, TrainingOptions options) {
            return new KeywordStudent(task, "seed-" + options.seed());
        }

        @Override
        public Student load(Path file) {
            return Students.load(file);
        }
    }

    /** The registered loader: public, with a public no-argument constructor, for ServiceLoader. */
    public static final class Loader implements StudentLoader {
        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public Student load(StudentFile file) {
            if (!file.setting("note").getAsString().equals("settings of my own")) {
                throw new IllegalStateException("settings not read back");
            }
            return new KeywordStudent(file.task(), new String(file.entry("marker.txt"), StandardCharsets.UTF_8));
        }
    }
}
