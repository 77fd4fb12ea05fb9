package io.github.goldkd.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What the teacher writes data for and the student learns: name, kind, a description for the prompt,
 * the input fields, the labels with their meaning (classification), the name of the output field and,
 * for extractive QA, the input field that holds the answer span, and a few real demonstrations.
 *
 * @param outputField the name of the output in prompts and answers ({@code label}, {@code answer},
 *                    {@code equation}, ...); {@code null} means the kind's default
 * @param spanField   extractive QA only: the input field whose text contains the answer ({@code null}
 *                    means {@code context} when present, else the first input field); {@code null} for
 *                    other kinds
 * @param pair        the two input fields a pair-aware student reads as a pair (premise and hypothesis,
 *                    question and sentence), in that order; empty when the task is not a sentence pair. A
 *                    classification task with exactly two input fields pairs them by default; see
 *                    {@link #pairFields()}
 */
public record Task(String name, TaskKind kind, String description, List<String> inputFields, List<Label> labels,
                   List<Sample> demonstrations, String outputField, String spanField, List<String> pair) {

    public Task {
        Objects.requireNonNull(name, "task name");
        Objects.requireNonNull(kind, "task kind");
        if (name.isBlank()) {
            throw new IllegalArgumentException("task name must not be blank");
        }
        description = description == null ? "" : description;
        inputFields = List.copyOf(Objects.requireNonNull(inputFields, "task inputFields"));
        labels = List.copyOf(labels == null ? List.of() : labels);
        demonstrations = List.copyOf(demonstrations == null ? List.of() : demonstrations);
        if (inputFields.isEmpty()) {
            throw new IllegalArgumentException("task '" + name + "': inputFields must name at least one field");
        }
        if (new HashSet<>(inputFields).size() != inputFields.size()) {
            throw new IllegalArgumentException("task '" + name + "': inputFields has duplicates: " + inputFields);
        }
        outputField = outputField == null || outputField.isBlank() ? kind.defaultOutputField() : outputField;
        if (inputFields.contains(outputField)) {
            throw new IllegalArgumentException("task '" + name + "': outputField '" + outputField
                    + "' is also an input field; allowed: a name not in " + inputFields);
        }
        if (kind == TaskKind.EXTRACTIVE_QA) {
            spanField = spanField != null ? spanField : inputFields.contains("context") ? "context" : inputFields.get(0);
            if (!inputFields.contains(spanField)) {
                throw new IllegalArgumentException("task '" + name + "': spanField '" + spanField
                        + "' is not an input field; allowed: " + inputFields);
            }
        } else if (spanField != null) {
            throw new IllegalArgumentException("task '" + name + "': spanField is for extractive_qa tasks only, "
                    + "this task is " + kind.name().toLowerCase(Locale.ROOT));
        }
        pair = pair == null ? List.of() : List.copyOf(pair);
        if (!pair.isEmpty() && (pair.size() != 2 || pair.get(0).equals(pair.get(1))
                || !inputFields.containsAll(pair))) {
            throw new IllegalArgumentException("task '" + name + "': pair must name two different input fields of "
                    + inputFields + ", was " + pair);
        }
        if (kind.isSequence() && !labels.isEmpty()) {
            throw new IllegalArgumentException("task '" + name + "': a task of kind "
                    + kind.name().toLowerCase(Locale.ROOT) + " has no labels, has " + labels.size());
        }
        if (kind == TaskKind.CLASSIFICATION && labels.size() < 2) {
            throw new IllegalArgumentException(
                    "task '" + name + "': a classification task needs at least 2 labels, has " + labels.size());
        }
        Set<String> names = new HashSet<>();
        for (Label l : labels) {
            if (!names.add(l.name())) {
                throw new IllegalArgumentException("task '" + name + "': duplicate label '" + l.name() + "'");
            }
        }
        for (Sample d : demonstrations) {
            for (String f : inputFields) {
                d.input(f);
            }
            if (kind == TaskKind.CLASSIFICATION && !names.contains(d.label())) {
                throw new IllegalArgumentException("task '" + name + "': demonstration " + d.id()
                        + " has label '" + d.label() + "', allowed: " + labelNames(labels));
            }
            if (kind.isSequence() && (d.target() == null || d.target().isBlank())) {
                throw new IllegalArgumentException("task '" + name + "': demonstration " + d.id()
                        + " has no target (its '" + outputField + "')");
            }
            if (kind == TaskKind.EXTRACTIVE_QA && !d.input(spanField).contains(d.target())) {
                throw new IllegalArgumentException("task '" + name + "': demonstration " + d.id() + " has answer '"
                        + d.target() + "', which is not a span of its '" + spanField + "'");
            }
        }
    }

    /** A task whose output field and span field are the kind's defaults. */
    public Task(String name, TaskKind kind, String description, List<String> inputFields, List<Label> labels,
                List<Sample> demonstrations) {
        this(name, kind, description, inputFields, labels, demonstrations, null, null, List.of());
    }

    /** A task that pairs no fields explicitly. */
    public Task(String name, TaskKind kind, String description, List<String> inputFields, List<Label> labels,
                List<Sample> demonstrations, String outputField, String spanField) {
        this(name, kind, description, inputFields, labels, demonstrations, outputField, spanField, List.of());
    }

    /**
     * The two fields a pair-aware student reads as a sentence pair: {@link #pair()} when set, else the two
     * input fields of a two-field classification task; empty for a single-text task.
     */
    public List<String> pairFields() {
        if (!pair.isEmpty()) {
            return pair;
        }
        return kind == TaskKind.CLASSIFICATION && inputFields.size() == 2 ? inputFields : List.of();
    }

    /**
     * The two texts of {@code s} a pair-aware student reads: its inputs named by {@link #pairFields()}; a
     * field the sample lacks reads as empty (a teacher may leave one out).
     *
     * @throws IllegalStateException when this task is not a sentence pair
     */
    public List<String> pairTexts(Sample s) {
        List<String> fields = pairFields();
        if (fields.isEmpty()) {
            throw new IllegalStateException("task '" + name + "' is not a sentence pair");
        }
        return List.of(s.inputs().getOrDefault(fields.get(0), ""), s.inputs().getOrDefault(fields.get(1), ""));
    }

    /** Whether a pair-aware student should read this task's inputs as a sentence pair. */
    public boolean isPair() {
        return !pairFields().isEmpty();
    }

    /** A sequence task ({@code extractive_qa}, {@code math_word_problem} or {@code text_generation}). */
    public static Task sequence(String name, TaskKind kind, String description, List<String> inputFields,
                                String outputField, List<Sample> demonstrations) {
        if (!kind.isSequence()) {
            throw new IllegalArgumentException("task '" + name + "': Task.sequence needs a sequence kind, was " + kind);
        }
        return new Task(name, kind, description, inputFields, List.of(), demonstrations, outputField, null, List.of());
    }

    /** A single-field ({@code text}) classification task. */
    public static Task classification(String name, String description, List<Label> labels, List<Sample> demonstrations) {
        return new Task(name, TaskKind.CLASSIFICATION, description, List.of("text"), labels, demonstrations);
    }

    /** The label names in order; index i is the student's class i. */
    public List<String> labelNames() {
        return labelNames(labels);
    }

    /** The class index of a label name, or an exception listing the allowed labels. */
    public int labelIndex(String label) {
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).name().equals(label)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown label '" + label + "' for task '" + name + "', allowed: "
                + labelNames());
    }

    /** A copy with other demonstrations. */
    public Task withDemonstrations(List<Sample> demos) {
        return new Task(name, kind, description, inputFields, labels, demos, outputField, spanField, pair);
    }

    private static List<String> labelNames(List<Label> labels) {
        List<String> out = new ArrayList<>(labels.size());
        for (Label l : labels) {
            out.add(l.name());
        }
        return out;
    }
}
