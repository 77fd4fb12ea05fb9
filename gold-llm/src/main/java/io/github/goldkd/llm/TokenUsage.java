package io.github.goldkd.llm;

/**
 * Tokens billed for a request.
 *
 * @param promptTokens     tokens of the input
 * @param completionTokens tokens of the output (all completions together)
 */
public record TokenUsage(long promptTokens, long completionTokens) {

    public static final TokenUsage ZERO = new TokenUsage(0, 0);

    public TokenUsage {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException(
                    "token counts must be >= 0, were " + promptTokens + " and " + completionTokens);
        }
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    public TokenUsage plus(TokenUsage o) {
        return new TokenUsage(promptTokens + o.promptTokens, completionTokens + o.completionTokens);
    }
}
