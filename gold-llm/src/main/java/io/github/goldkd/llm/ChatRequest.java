package io.github.goldkd.llm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One chat request. Optional sampling parameters are {@code null} when the backend's default applies.
 *
 * @param messages       the conversation, at least one message
 * @param temperature    sampling temperature in [0, 2], or null
 * @param topP           nucleus sampling mass in (0, 1], or null
 * @param maxTokens      the completion token limit (>= 1), or null
 * @param stop           stop sequences (at most 4, none empty); empty for none
 * @param seed           the sampling seed, or null; backends that support seeds answer the same request
 *                       with the same seed the same way (best effort on hosted APIs)
 * @param n              how many completions to return (>= 1)
 * @param responseFormat the required shape of the answer; {@link ResponseFormat#TEXT} for none
 */
public record ChatRequest(List<ChatMessage> messages, Double temperature, Double topP, Integer maxTokens,
                          List<String> stop, Long seed, int n, ResponseFormat responseFormat) {

    public ChatRequest {
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("messages must hold at least one message");
        }
        if (temperature != null && !(temperature >= 0.0 && temperature <= 2.0)) {
            throw new IllegalArgumentException("temperature must be in [0, 2], was " + temperature);
        }
        if (topP != null && !(topP > 0.0 && topP <= 1.0)) {
            throw new IllegalArgumentException("topP must be in (0, 1], was " + topP);
        }
        if (maxTokens != null && maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, was " + maxTokens);
        }
        stop = List.copyOf(stop == null ? List.of() : stop);
        if (stop.size() > 4) {
            throw new IllegalArgumentException("stop must hold at most 4 sequences, has " + stop.size());
        }
        for (String s : stop) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop sequences must not be empty");
            }
        }
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, was " + n);
        }
        responseFormat = responseFormat == null ? ResponseFormat.TEXT : responseFormat;
    }

    /** A request with the given messages and backend defaults for everything else. */
    public static ChatRequest of(ChatMessage... messages) {
        return builder().messages(List.of(messages)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised with this request's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.messages.addAll(messages);
        b.temperature = temperature;
        b.topP = topP;
        b.maxTokens = maxTokens;
        b.stop = stop;
        b.seed = seed;
        b.n = n;
        b.responseFormat = responseFormat;
        return b;
    }

    /** A copy with another response format (used when a server does not accept the requested one). */
    public ChatRequest withResponseFormat(ResponseFormat format) {
        return new ChatRequest(messages, temperature, topP, maxTokens, stop, seed, n, format);
    }

    /** Builds a {@link ChatRequest}; validation happens in {@link #build()}. */
    public static final class Builder {
        private final List<ChatMessage> messages = new ArrayList<>();
        private Double temperature;
        private Double topP;
        private Integer maxTokens;
        private List<String> stop = List.of();
        private Long seed;
        private int n = 1;
        private ResponseFormat responseFormat = ResponseFormat.TEXT;

        private Builder() {
        }

        /** Replaces the messages. */
        public Builder messages(List<ChatMessage> messages) {
            this.messages.clear();
            this.messages.addAll(messages);
            return this;
        }

        public Builder addMessage(ChatMessage message) {
            messages.add(message);
            return this;
        }

        public Builder temperature(Double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder topP(Double topP) {
            this.topP = topP;
            return this;
        }

        public Builder maxTokens(Integer maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder stop(List<String> stop) {
            this.stop = stop;
            return this;
        }

        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        public Builder n(int n) {
            this.n = n;
            return this;
        }

        public Builder responseFormat(ResponseFormat responseFormat) {
            this.responseFormat = responseFormat;
            return this;
        }

        public ChatRequest build() {
            return new ChatRequest(messages, temperature, topP, maxTokens, stop, seed, n, responseFormat);
        }
    }
}
