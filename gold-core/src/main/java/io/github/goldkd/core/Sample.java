package io.github.goldkd.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One example: its input fields, its label (classification) or target (sequence tasks), where it came
 * from and, for generated data, the round that produced it.
 *
 * <p>Generated samples get stable ids from the loop ({@link #generatedId}), so the same seed gives the
 * same ids and a resumed run can refer to samples of earlier rounds.
 *
 * @param id     stable identifier, unique within a dataset
 * @param inputs the input fields in the task's order, e.g. {@code text}, or {@code context} and {@code question}
 * @param label  the label name for classification, {@code null} for sequence tasks
 * @param target the expected output text for sequence tasks, {@code null} for classification
 * @param origin where the sample comes from
 * @param round  the generation round for {@link Origin#TRAIN} and {@link Origin#PROBE}, otherwise -1
 * @param references what a {@link Metric} scores a prediction against: every gold answer of a QA
 *               question, the value of a math problem; empty means the target alone (or the label);
 *               see {@link #references()}
 * @param targetStart where the target starts in the input field that holds it, as a character offset (extractive
 *               QA: in the task's span field, SQuAD's {@code answer_start}), for a target that occurs there more
 *               than once; -1 when unknown, and then a reader takes the target's first occurrence
 */
public record Sample(String id, Map<String, String> inputs, String label, String target, Origin origin, int round,
                     List<String> references, int targetStart) {

    public Sample {
        Objects.requireNonNull(id, "sample id");
        Objects.requireNonNull(inputs, "sample inputs");
        Objects.requireNonNull(origin, "sample origin");
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("sample " + id + " has no input fields");
        }
        for (Map.Entry<String, String> e : inputs.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("sample " + id + " has a null input field name or value");
            }
        }
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        if (round < -1) {
            throw new IllegalArgumentException("sample " + id + ": round must be >= -1, was " + round);
        }
        references = references == null ? List.of() : List.copyOf(references);
        // The one-element list [target] is what references() returns anyway: store it as empty so that
        // equality and the JSON form do not depend on how a sample was built.
        if (references.size() == 1 && references.get(0).equals(target != null ? target : label)) {
            references = List.of();
        }
        if (targetStart < -1) {
            throw new IllegalArgumentException("sample " + id + ": targetStart must be >= 0, or -1 when unknown, was "
                    + targetStart);
        }
        if (targetStart >= 0 && !startsAt(inputs, target, targetStart)) {
            throw new IllegalArgumentException("sample " + id + ": targetStart " + targetStart + " does not point at "
                    + (target == null ? "a target (the sample has none)" : "the target '" + target + "'")
                    + " in any input field");
        }
    }

    /** A sample whose target's place is unknown (targetStart -1). */
    public Sample(String id, Map<String, String> inputs, String label, String target, Origin origin, int round,
                  List<String> references) {
        this(id, inputs, label, target, origin, round, references, -1);
    }

    private static boolean startsAt(Map<String, String> inputs, String target, int at) {
        if (target == null || target.isEmpty()) {
            return false;
        }
        for (String v : inputs.values()) {
            if (v.startsWith(target, at)) {
                return true;
            }
        }
        return false;
    }

    /** A sample without separate references (they default to the target or the label). */
    public Sample(String id, Map<String, String> inputs, String label, String target, Origin origin, int round) {
        this(id, inputs, label, target, origin, round, List.of());
    }

    /**
     * A sample of a sequence task: its inputs, its target (the text a student should write) and any further
     * gold references.
     */
    public static Sample withTarget(String id, Map<String, String> inputs, String target, List<String> references,
                                    Origin origin) {
        return new Sample(id, inputs, null, target, origin, -1, references);
    }

    /**
     * What a metric compares predictions with: the stored references when there are any, else the target,
     * else the label; empty for an unlabelled sample.
     */
    @Override
    public List<String> references() {
        if (!references.isEmpty()) {
            return references;
        }
        if (target != null) {
            return List.of(target);
        }
        return label == null ? List.of() : List.of(label);
    }

    /** The expected output as text: the target of a sequence sample, else the label ({@code null} if neither). */
    public String output() {
        return target != null ? target : label;
    }

    /** A labelled single-field sample ({@code text}) of real data. */
    public static Sample real(String id, String text, String label) {
        return new Sample(id, Map.of("text", text), label, null, Origin.REAL, -1);
    }

    /** A labelled sample with the given fields and origin, not tied to a round. */
    public static Sample of(String id, Map<String, String> inputs, String label, Origin origin) {
        return new Sample(id, inputs, label, null, origin, -1);
    }

    /** The id the loop gives to the {@code index}-th sample of a round's train or probe batch. */
    public static String generatedId(int round, GenerationMode mode, int index) {
        return String.format("r%05d-%s-%02d", round, mode == GenerationMode.TRAIN ? "t" : "p", index);
    }

    /** The value of one input field, or an exception naming the sample and field. */
    public String input(String field) {
        String v = inputs.get(field);
        if (v == null) {
            throw new IllegalArgumentException("sample " + id + " has no input field '" + field + "'");
        }
        return v;
    }

    /**
     * All input fields as one text, in order, separated by a newline: what a single-input text
     * student reads.
     */
    public String text() {
        if (inputs.size() == 1) {
            return inputs.values().iterator().next();
        }
        return String.join("\n", inputs.values());
    }

    /** A copy of this sample with a new id, origin and round (the loop stamps generated samples). */
    public Sample stamped(String newId, Origin newOrigin, int newRound) {
        return new Sample(newId, inputs, label, target, newOrigin, newRound, references, targetStart);
    }

    /** A copy of this sample with another label. */
    public Sample withLabel(String newLabel) {
        return new Sample(id, inputs, newLabel, target, origin, round, references, targetStart);
    }

    /** A copy of this sample with another target; the references become that target alone, its place unknown. */
    public Sample withTarget(String newTarget) {
        return new Sample(id, inputs, label, newTarget, origin, round, List.of());
    }
}
