package io.github.goldkd.core;

import java.util.Objects;

/**
 * A class label and what it means; the meaning goes into the teacher's prompt.
 *
 * @param name    the label as it appears in data, e.g. {@code "positive"}
 * @param meaning a short description for the prompt; may be empty
 */
public record Label(String name, String meaning) {
    public Label {
        Objects.requireNonNull(name, "label name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("label name must not be blank");
        }
        meaning = meaning == null ? "" : meaning;
    }
}
