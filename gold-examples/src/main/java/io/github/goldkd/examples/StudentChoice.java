package io.github.goldkd.examples;

import io.github.goldkd.core.RunStore;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.student.BagOfEmbeddingsStudent;
import io.github.goldkd.student.CachingEncoder;
import io.github.goldkd.student.EncoderStudent;
import io.github.goldkd.student.OnnxBgeEncoder;
import io.github.goldkd.student.TextCnnStudent;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The students the command line offers, by the names used in {@code --student}. */
public enum StudentChoice {
    /** fastText-like bag of embeddings (gold-student). */
    BAG,
    /** Kim's text CNN (gold-student). */
    CNN,
    /** Frozen bge-small-en-v1.5 sentence encoder (ONNX, in process) with a DL4J MLP head. */
    ENCODER;

    /** One encoder cache per JVM: the ablation's many runs embed each text once. */
    private static CachingEncoder sharedEncoder;

    /** A factory of this kind of student with its default settings. */
    public StudentFactory factory() {
        return switch (this) {
            case BAG -> BagOfEmbeddingsStudent.factory();
            case CNN -> TextCnnStudent.factory();
            case ENCODER -> EncoderStudent.factory(encoder());
        };
    }

    /** The name used on the command line and in summary.json. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a {@code --student} value (case-insensitive). */
    public static StudentChoice parse(String s) {
        for (StudentChoice c : values()) {
            if (c.cliName().equalsIgnoreCase(s)) {
                return c;
            }
        }
        throw new IllegalArgumentException("--student must be one of bag, cnn, encoder, was '" + s + "'");
    }

    /**
     * The student of a stored run, recognised by the factory class its provenance names; empty when the
     * run was made with another student (library users) or has no provenance.
     */
    static Optional<StudentChoice> ofRun(RunStore.StoredRun run) {
        if (run.provenance().get("components") instanceof Map<?, ?> components
                && components.get("studentFactory") instanceof Map<?, ?> factory
                && factory.get("class") instanceof String className) {
            for (StudentChoice c : values()) {
                if (c.studentClass().getName().equals(className)) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }

    /** The choice whose students are of {@code student}'s class; empty for a user's own student. */
    static Optional<StudentChoice> ofStudent(io.github.goldkd.core.Student student) {
        for (StudentChoice c : values()) {
            if (c.studentClass() == student.getClass()) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    private Class<?> studentClass() {
        return switch (this) {
            case BAG -> BagOfEmbeddingsStudent.class;
            case CNN -> TextCnnStudent.class;
            case ENCODER -> EncoderStudent.class;
        };
    }

    static synchronized CachingEncoder encoder() {
        if (sharedEncoder == null) {
            sharedEncoder = CachingEncoder.of(OnnxBgeEncoder.create());
        }
        return sharedEncoder;
    }
}
