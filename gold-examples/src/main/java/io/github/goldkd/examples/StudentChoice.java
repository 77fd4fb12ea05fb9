package io.github.goldkd.examples;

import io.github.goldkd.core.RunStore;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.student.BagOfEmbeddingsStudent;
import io.github.goldkd.student.CachingEncoder;
import io.github.goldkd.student.EncoderStudent;
import io.github.goldkd.student.OnnxBgeEncoder;
import io.github.goldkd.student.TextCnnStudent;
import io.github.goldkd.student.seq.PairCrossStudent;
import io.github.goldkd.student.seq.Seq2SeqStudent;
import io.github.goldkd.student.seq.SpanQaStudent;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The students the command line offers, by the names used in {@code --student}: four classifiers (one of them
 * for sentence pairs only), and a
 * student per sequence kind. Each learns the task kinds of {@link #supports}; a command without
 * {@code --student} takes {@link #defaultFor} the task's kind.
 */
public enum StudentChoice {
    /** fastText-like bag of embeddings (gold-student). */
    BAG,
    /** Kim's text CNN (gold-student). */
    CNN,
    /** Frozen bge-small-en-v1.5 sentence encoder (ONNX, in process) with a DL4J MLP head. */
    ENCODER,
    /**
     * Sentence pairs read together: frozen bge token states of both fields, the span QA student's attention
     * block, lexical-overlap features (refuses single-text tasks).
     */
    CROSS,
    /** Extractive QA: start/end logits over frozen bge token states with a trainable attention head. */
    SPAN_QA,
    /** Math word problems and text generation: an encoder-decoder (number slots, or a copy softmax). */
    SEQ2SEQ;

    /** One encoder cache per JVM: the ablation's many runs embed each text once. */
    private static CachingEncoder sharedEncoder;
    /** One span-QA factory per JVM: its bge session and token-state cache serve every run. */
    private static SpanQaStudent.Factory sharedSpanQa;
    /** One pair cross-reading factory per JVM, for the same reason. */
    private static PairCrossStudent.Factory sharedCross;

    /** A factory of this kind of student with its default settings. */
    public StudentFactory factory() {
        return switch (this) {
            case BAG -> BagOfEmbeddingsStudent.factory();
            case CNN -> TextCnnStudent.factory();
            case ENCODER -> EncoderStudent.factory(encoder());
            case CROSS -> cross();
            case SPAN_QA -> spanQa();
            case SEQ2SEQ -> Seq2SeqStudent.factory();
        };
    }

    /** Whether this student learns tasks of {@code kind}. */
    public boolean supports(TaskKind kind) {
        return switch (this) {
            case BAG, CNN, ENCODER, CROSS -> kind == TaskKind.CLASSIFICATION;
            case SPAN_QA -> kind == TaskKind.EXTRACTIVE_QA;
            case SEQ2SEQ -> kind == TaskKind.MATH_WORD_PROBLEM || kind == TaskKind.TEXT_GENERATION;
        };
    }

    /**
     * The student of a task kind when none is chosen: {@code classifier} for classification, else the one
     * student that learns the kind; empty when none does.
     */
    public static Optional<StudentChoice> defaultFor(TaskKind kind, StudentChoice classifier) {
        if (kind == TaskKind.CLASSIFICATION) {
            return Optional.of(classifier);
        }
        for (StudentChoice c : values()) {
            if (c.supports(kind)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The names of the students that learn {@code kind}, for messages. */
    public static String namesFor(TaskKind kind) {
        StringBuilder sb = new StringBuilder();
        for (StudentChoice c : values()) {
            if (c.supports(kind)) {
                sb.append(sb.length() == 0 ? "" : ", ").append(c.cliName());
            }
        }
        return sb.toString();
    }

    /** The name used on the command line and in summary.json. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a {@code --student} value (case-insensitive). */
    public static StudentChoice parse(String s) {
        for (StudentChoice c : values()) {
            if (c.cliName().equalsIgnoreCase(s)) {
                return c;
            }
        }
        StringBuilder all = new StringBuilder();
        for (StudentChoice c : values()) {
            all.append(all.length() == 0 ? "" : ", ").append(c.cliName());
        }
        throw new IllegalArgumentException("--student must be one of " + all + ", was '" + s + "'");
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
            case CROSS -> PairCrossStudent.class;
            case SPAN_QA -> SpanQaStudent.class;
            case SEQ2SEQ -> Seq2SeqStudent.class;
        };
    }

    static synchronized SpanQaStudent.Factory spanQa() {
        if (sharedSpanQa == null) {
            sharedSpanQa = SpanQaStudent.factory();
        }
        return sharedSpanQa;
    }

    static synchronized PairCrossStudent.Factory cross() {
        if (sharedCross == null) {
            sharedCross = PairCrossStudent.factory();
        }
        return sharedCross;
    }

    static synchronized CachingEncoder encoder() {
        if (sharedEncoder == null) {
            sharedEncoder = CachingEncoder.of(OnnxBgeEncoder.create());
        }
        return sharedEncoder;
    }
}
