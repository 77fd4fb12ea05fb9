package io.github.goldkd.llm.prompt;

import io.github.goldkd.core.TaskKind;
import io.github.goldkd.llm.ChatMessage;
import io.github.goldkd.llm.ResponseFormat;
import io.github.goldkd.core.Task;

import java.util.List;

/**
 * Turns a generation request into chat messages for one task kind. A template's {@link #id()} and
 * {@link #version()} are part of the request-cache key: change the wording, raise the version, and old
 * cached answers are no longer reused.
 */
public interface PromptTemplate {

    /** A stable identifier, e.g. {@code "gold-classification"}. */
    String id();

    /** Raised whenever the rendered text changes. */
    int version();

    /** The task kind this template writes prompts for. */
    TaskKind kind();

    /** The messages asking for one new sample. */
    List<ChatMessage> render(GenerationPrompt prompt);

    /** The JSON schema of one answer object for {@code task}. */
    ResponseFormat responseFormat(Task task);

    /**
     * The JSON schema of one answer to a request for {@code label}; by default the same as for any label.
     * A template that narrows it lets structured output (a server's JSON schema mode, a llama.cpp grammar)
     * produce the requested label only.
     */
    default ResponseFormat responseFormat(Task task, String label) {
        return responseFormat(task);
    }
}
