package io.github.goldkd.llm.prompt;

import io.github.goldkd.core.GenerationMode;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;

import java.util.List;
import java.util.Objects;

/**
 * What one generation prompt is about.
 *
 * @param task     the task (description, fields, labels, demonstrations)
 * @param mode     train or probe; probe adds the "something different" instruction
 * @param label    the requested label; {@code null} for sequence tasks
 * @param feedback feedback examples, inserted as JSON data after the demonstrations
 */
public record GenerationPrompt(Task task, GenerationMode mode, String label, List<Sample> feedback) {

    public GenerationPrompt {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(mode, "mode");
        feedback = List.copyOf(feedback == null ? List.of() : feedback);
    }
}
