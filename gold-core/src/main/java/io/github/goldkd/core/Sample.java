package io.github.goldkd.core;

import java.util.Collections;
import java.util.LinkedHashMap;
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
 */
public record Sample(String id, Map<String, String> inputs, String label, String target, Origin origin, int round) {

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
        return new Sample(newId, inputs, label, target, newOrigin, newRound);
    }

    /** A copy of this sample with another label. */
    public Sample withLabel(String newLabel) {
        return new Sample(id, inputs, newLabel, target, origin, round);
    }
}
