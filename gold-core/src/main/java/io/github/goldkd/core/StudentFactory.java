package io.github.goldkd.core;

import java.nio.file.Path;
import java.util.Map;

/** Creates fresh students and restores saved ones. */
public interface StudentFactory {

    /** A new, untrained student for {@code task}, initialised from {@code options.seed()}. */
    Student create(Task task, TrainingOptions options);

    /**
     * Restores a student written by {@link Student#save}. The file holds everything the student needs, its task
     * included, so a factory is never given the task to load: gold-student's {@code StudentFile.write} records it
     * and {@code Students.load(file)} hands it back to the loader of the student's kind.
     */
    Student load(Path file);

    /** Settings that describe the students this factory makes, for the provenance file. */
    default Map<String, Object> describe() {
        return Map.of("class", getClass().getName());
    }
}
