package io.github.goldkd.llm;

import java.util.List;
import java.util.Objects;

/**
 * A model's answer: one text and one finish reason per completion, and what the request cost.
 *
 * @param texts         the completions, in the backend's order; at least one
 * @param finishReasons why each completion ended, same size as {@code texts}
 * @param usage         tokens billed for the whole request
 */
public record ChatResponse(List<String> texts, List<FinishReason> finishReasons, TokenUsage usage) {

    public ChatResponse {
        texts = List.copyOf(Objects.requireNonNull(texts, "texts"));
        finishReasons = List.copyOf(Objects.requireNonNull(finishReasons, "finishReasons"));
        usage = usage == null ? TokenUsage.ZERO : usage;
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("a chat response needs at least one text");
        }
        if (texts.size() != finishReasons.size()) {
            throw new IllegalArgumentException("a chat response needs one finish reason per text, has "
                    + texts.size() + " texts and " + finishReasons.size() + " finish reasons");
        }
    }

    /** A single-completion response. */
    public static ChatResponse of(String text, FinishReason finishReason, TokenUsage usage) {
        return new ChatResponse(List.of(text), List.of(finishReason), usage);
    }

    /** The first completion's text. */
    public String text() {
        return texts.get(0);
    }

    /** The first completion's finish reason. */
    public FinishReason finishReason() {
        return finishReasons.get(0);
    }
}
