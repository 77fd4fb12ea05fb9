package io.github.goldkd.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the teacher writes data for and the student learns: name, kind, a description for the prompt,
 * the input fields, the labels with their meaning (classification) and a few real demonstrations.
 */
public record Task(String name, TaskKind kind, String description, List<String> inputFields, List<Label> labels,
                   List<Sample> demonstrations) {

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
        }
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
        return new Task(name, kind, description, inputFields, labels, demos);
    }

    private static List<String> labelNames(List<Label> labels) {
        List<String> out = new ArrayList<>(labels.size());
        for (Label l : labels) {
            out.add(l.name());
        }
        return out;
    }
}
