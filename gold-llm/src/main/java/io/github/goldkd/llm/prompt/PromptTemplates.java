package io.github.goldkd.llm.prompt;

import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.TaskKind;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The prompt template for each task kind: {@link ClassificationDataTemplate} for classification and a
 * {@link SequenceTemplate} for each sequence kind. {@link #with} replaces the template of one kind.
 */
public final class PromptTemplates {

    private final Map<TaskKind, PromptTemplate> byKind;

    private PromptTemplates(Map<TaskKind, PromptTemplate> byKind) {
        this.byKind = Collections.unmodifiableMap(new EnumMap<>(byKind));
    }

    /** The library's templates: {@link ClassificationDataTemplate} and a {@link SequenceTemplate} per sequence kind. */
    public static PromptTemplates defaults() {
        Map<TaskKind, PromptTemplate> m = new EnumMap<>(TaskKind.class);
        for (TaskKind k : TaskKind.values()) {
            m.put(k, k.isSequence() ? new SequenceTemplate(k) : new ClassificationDataTemplate());
        }
        return new PromptTemplates(m);
    }

    /** These templates with {@code template} for its kind (replacing the previous one). */
    public PromptTemplates with(PromptTemplate template) {
        if (template == null || template.kind() == null) {
            throw new IllegalArgumentException("template and its kind must not be null, was " + template);
        }
        Map<TaskKind, PromptTemplate> m = new EnumMap<>(TaskKind.class);
        m.putAll(byKind);
        m.put(template.kind(), template);
        return new PromptTemplates(m);
    }

    /** The template for {@code kind}, or an exception naming the kind and the supported ones. */
    public PromptTemplate forKind(TaskKind kind) {
        PromptTemplate t = byKind.get(kind);
        if (t == null) {
            throw new GoldException("no prompt template for task kind " + kind + "; supported kinds: "
                    + byKind.keySet());
        }
        return t;
    }
}
