package io.github.goldkd.llm;

import java.util.Locale;
import java.util.Objects;

/**
 * One message of a chat.
 *
 * @param role    who speaks
 * @param content the text; may be empty, never null
 */
public record ChatMessage(Role role, String content) {

    /** The speaker of a message. */
    public enum Role {
        SYSTEM, USER, ASSISTANT;

        /** The role's name on the wire: {@code system}, {@code user}, {@code assistant}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ChatMessage {
        Objects.requireNonNull(role, "message role");
        Objects.requireNonNull(content, "message content");
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content);
    }
}
