package io.github.goldkd.llm;

import java.util.Locale;

/** Why a completion ended. */
public enum FinishReason {
    /** A natural stop or a stop sequence. */
    STOP,
    /** The token limit cut the answer off. */
    LENGTH,
    /** The provider's content filter removed or refused the answer. */
    CONTENT_FILTER,
    /** The model asked for a tool call. */
    TOOL_CALLS,
    /** Anything else, including a missing reason. */
    OTHER;

    /**
     * Maps a wire value ({@code stop}, {@code length}, {@code content_filter}, {@code tool_calls},
     * {@code eos}, ...) to a reason; unknown or null values give {@link #OTHER}.
     */
    public static FinishReason parse(String wire) {
        if (wire == null) {
            return OTHER;
        }
        return switch (wire.trim().toLowerCase(Locale.ROOT)) {
            case "stop", "eos", "end_turn", "stop_sequence" -> STOP;
            case "length", "max_tokens" -> LENGTH;
            case "content_filter", "safety", "refusal" -> CONTENT_FILTER;
            case "tool_calls", "function_call", "tool_use" -> TOOL_CALLS;
            default -> OTHER;
        };
    }

    /**
     * True for reasons whose text must not be used as data: a cut-off answer ({@link #LENGTH}) or a
     * filtered one ({@link #CONTENT_FILTER}).
     */
    public boolean isFailure() {
        return this == LENGTH || this == CONTENT_FILTER;
    }
}
