package io.github.goldkd.core.testing;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.core.io.Jsonl;
import io.github.goldkd.core.io.TaskJson;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A student whose logits the test controls: each sample's logits are a pseudo-random function of its
 * text and of the student's state, a hash of everything it was trained on (ids, epochs, seeds). So the
 * scores change with training, two students agree only if they saw the same data in the same order, and a
 * resumed run that restored the wrong state would select differently.
 */
public final class ControlledStudent implements Student {

    private final Task task;
    private final Faults faults;
    private final List<FitCall> fits;
    private long state;

    ControlledStudent(Task task, long state, Faults faults, List<FitCall> fits) {
        this.task = task;
        this.state = state;
        this.faults = faults;
        this.fits = fits;
    }

    /** A factory whose students record their fit calls in {@code fits} and fail as {@code faults} says. */
    public static Factory factory(Faults faults) {
        return new Factory(faults);
    }

    public long state() {
        return state;
    }

    @Override
    public Task task() {
        return task;
    }

    @Override
    public FitReport fit(Dataset data, int epochs, long seed) {
        faults.hit("fit");
        fits.add(new FitCall(data.size(), epochs, seed));
        for (int e = 0; e < epochs; e++) {
            for (Sample s : data) {
                state = mix(state * 31 + s.id().hashCode() + s.text().hashCode());
            }
        }
        state = mix(state ^ seed);
        return new FitReport(epochs, 0.5, Double.NaN, 0);
    }

    @Override
    public List<Logits> logits(List<Sample> samples) {
        faults.hit("logits");
        List<Logits> out = new ArrayList<>(samples.size());
        int k = task.labels().size();
        for (Sample s : samples) {
            Random r = new Random(mix(state ^ s.text().hashCode()));
            float[] z = new float[k];
            for (int i = 0; i < k; i++) {
                // a coarse grid of values so that ties occur and tie-breaking is exercised
                z[i] = r.nextInt(7) - 3;
            }
            int target = s.label() == null ? -1 : task.labelNames().indexOf(s.label());
            out.add(Logits.ofClasses(z, target));
        }
        return out;
    }

    @Override
    public void save(Path file) {
        faults.hit("save");
        try {
            Files.writeString(file, state + "\n" + Jsonl.GSON.toJson(TaskJson.toJson(task)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** One call of fit. */
    public record FitCall(int samples, int epochs, long seed) {
    }

    /** Creates and loads {@link ControlledStudent}s. */
    public static final class Factory implements StudentFactory {
        private final Faults faults;
        private final List<FitCall> fits = new ArrayList<>();
        private final List<TrainingOptions> created = new ArrayList<>();

        Factory(Faults faults) {
            this.faults = faults;
        }

        /** Every fit call of every student of this factory. */
        public List<FitCall> fits() {
            return fits;
        }

        /** The options of every created student. */
        public List<TrainingOptions> created() {
            return created;
        }

        @Override
        public Student create(Task task, TrainingOptions options) {
            created.add(options);
            return new ControlledStudent(task, options.seed(), faults, fits);
        }

        @Override
        public Student load(Path file) {
            try {
                String[] parts = Files.readString(file, StandardCharsets.UTF_8).split("\n", 2);
                Task saved = TaskJson.fromJson(JsonParser.parseString(parts[1]).getAsJsonObject());
                return new ControlledStudent(saved, Long.parseLong(parts[0]), faults, fits);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
