package io.github.goldkd.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * Predictions for raw inputs, from any number of threads: labels and class probabilities of a classifier, the
 * output text of a sequence student. It builds the samples a {@link Student} reads from plain strings (a task
 * with one input field) or from field maps (e.g. {@code premise} and {@code hypothesis}); callers never make
 * up sample ids.
 *
 * <p>Thread-safe. A student is not ({@link Student}), so a predictor hands each call a student copy that no
 * other thread is using at the time: {@link #of(Student)} holds one copy, and concurrent calls take turns;
 * {@link #pooled(int, Supplier)} holds {@code copies} copies, so calls from that many threads run in
 * parallel, and further ones wait for a free copy. Every copy must give the same predictions (copies loaded
 * from one student file do), so that the result of a call never depends on which copy served it.
 *
 * <p>A classifier's probabilities may differ in their last bits with the batch a text is asked in (the BLAS
 * kernels of a batch of 7 and one of 256 round differently); the same batch gives the same result on any
 * thread and any copy.
 *
 * <pre>{@code
 * Predictor predictor = Predictor.pooled(4, () -> Students.load(runDirectory));
 * List<String> labels = predictor.predict(List.of("a gripping film", "two hours I will not get back"));
 * }</pre>
 */
public final class Predictor {

    private final Task task;
    private final LinkedBlockingQueue<Student> idle = new LinkedBlockingQueue<>();

    private Predictor(List<Student> copies) {
        this.task = copies.get(0).task();
        idle.addAll(copies);
    }

    /** A predictor on {@code student} alone: thread-safe, concurrent calls take turns on it. */
    public static Predictor of(Student student) {
        Objects.requireNonNull(student, "student");
        return new Predictor(List.of(student));
    }

    /**
     * A predictor that serves up to {@code copies} calls at once, each on its own student copy, all made now
     * (so that a student that cannot be loaded fails at start-up, not under load).
     *
     * @param copies  how many calls may run at the same time, at least 1 (e.g. the number of cores)
     * @param newCopy makes one copy of the student, e.g. {@code () -> Students.load(runDirectory)}; every copy
     *                must be for the same task and give the same predictions
     */
    public static Predictor pooled(int copies, Supplier<? extends Student> newCopy) {
        Objects.requireNonNull(newCopy, "newCopy");
        Check.atLeast("copies", copies, 1);
        List<Student> made = new ArrayList<>(copies);
        for (int i = 0; i < copies; i++) {
            Student copy = Objects.requireNonNull(newCopy.get(), "newCopy returned null");
            for (Student m : made) {
                if (m == copy) {
                    throw new IllegalArgumentException("newCopy returned the same student twice; it must make a new "
                            + "copy on each call (a student is not thread-safe)");
                }
            }
            if (i > 0 && !copy.task().equals(made.get(0).task())) {
                throw new IllegalArgumentException("newCopy made students for different tasks: '"
                        + made.get(0).task().name() + "' and '" + copy.task().name() + "'");
            }
            made.add(copy);
        }
        return new Predictor(made);
    }

    /** The task of the student. */
    public Task task() {
        return task;
    }

    /** The class names in the order of {@link #probabilities}; empty for a sequence task. */
    public List<String> labels() {
        return task.labelNames();
    }

    /** The prediction for one text: the label of a classifier, the output text of a sequence student. */
    public String predict(String text) {
        return predict(List.of(Objects.requireNonNull(text, "text"))).get(0);
    }

    /**
     * The predictions for {@code texts}, in order (the label of a classifier, the output text of a sequence
     * student), for a task with one input field.
     */
    public List<String> predict(List<String> texts) {
        return predictInputs(fromTexts(texts));
    }

    /** The predictions for inputs given as field maps, in order; each map holds every input field of the task. */
    public List<String> predictInputs(List<Map<String, String>> inputs) {
        List<Sample> samples = samples(inputs);
        if (samples.isEmpty()) {
            return List.of();
        }
        List<String> out = withStudent(s -> s.predict(samples));
        if (out.size() != samples.size()) {
            throw new GoldException("the student predicted " + out.size() + " outputs for " + samples.size() + " inputs");
        }
        return out;
    }

    /** The class probabilities of one text, in the order of {@link #labels()}. */
    public double[] probabilities(String text) {
        return probabilities(List.of(Objects.requireNonNull(text, "text"))).get(0);
    }

    /**
     * The class probabilities (the softmax of the student's logits) of each text, in order, each in the order of
     * {@link #labels()}, for a classification task with one input field.
     */
    public List<double[]> probabilities(List<String> texts) {
        return probabilitiesOfInputs(fromTexts(texts));
    }

    /** The class probabilities of inputs given as field maps; see {@link #probabilities(List)}. */
    public List<double[]> probabilitiesOfInputs(List<Map<String, String>> inputs) {
        if (task.kind() != TaskKind.CLASSIFICATION) {
            throw new UnsupportedOperationException("task '" + task.name() + "' is " + task.kind()
                    + ": class probabilities exist for classification tasks only; use predict for the output text");
        }
        List<Sample> samples = samples(inputs);
        if (samples.isEmpty()) {
            return List.of();
        }
        List<Logits> logits = withStudent(s -> s.logits(samples));
        List<double[]> out = new ArrayList<>(logits.size());
        int classes = task.labels().size();
        for (Logits z : logits) {
            if (z.width() != classes) {
                throw new GoldException("the student gave " + z.width() + " logits for the " + classes
                        + " classes of task '" + task.name() + "'");
            }
            double[] row = new double[classes];
            for (int k = 0; k < classes; k++) {
                row[k] = z.get(0, k);
            }
            double[] p = new double[classes];
            Loss.softmax(row, p);
            out.add(p);
        }
        return out;
    }

    private List<Map<String, String>> fromTexts(List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        if (task.inputFields().size() != 1) {
            throw new IllegalArgumentException("task '" + task.name() + "' reads the input fields "
                    + task.inputFields() + "; give each input as a map of them (predictInputs, probabilitiesOfInputs)");
        }
        String field = task.inputFields().get(0);
        List<Map<String, String>> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            if (t == null) {
                throw new IllegalArgumentException("texts[" + i + "] is null; every text must be a string");
            }
            out.add(Map.of(field, t));
        }
        return out;
    }

    private List<Sample> samples(List<Map<String, String>> inputs) {
        Objects.requireNonNull(inputs, "inputs");
        List<Sample> out = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            Map<String, String> in = inputs.get(i);
            if (in == null) {
                throw new IllegalArgumentException("inputs[" + i + "] is null; every input must be a map of "
                        + task.inputFields());
            }
            for (String f : task.inputFields()) {
                if (in.get(f) == null) {
                    throw new IllegalArgumentException("inputs[" + i + "] has no field '" + f + "'; task '"
                            + task.name() + "' reads " + task.inputFields());
                }
            }
            // The id only names the sample in an error message of the student.
            out.add(new Sample("input-" + i, in, null, null, Origin.REAL, -1));
        }
        return out;
    }

    private <T> T withStudent(java.util.function.Function<Student, T> call) {
        Student s = borrow();
        try {
            return call.apply(s);
        } finally {
            idle.add(s);
        }
    }

    private Student borrow() {
        try {
            return idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GoldException("interrupted while waiting for a free student copy", e);
        }
    }
}
