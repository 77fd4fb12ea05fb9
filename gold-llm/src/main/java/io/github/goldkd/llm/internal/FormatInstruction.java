package io.github.goldkd.llm.internal;

import io.github.goldkd.llm.ChatMessage;
import io.github.goldkd.llm.ChatRequest;
import io.github.goldkd.llm.ResponseFormat;

import java.util.ArrayList;
import java.util.List;

/** The prompt form of a response format, for backends that will not enforce the format themselves. */
public final class FormatInstruction {

    private FormatInstruction() {
    }

    /**
     * {@code request} with the shape requirement of {@code asked} appended to its last user message (some chat
     * templates accept a system message only at the start), or added as a user message when it has none.
     */
    public static ChatRequest addTo(ChatRequest request, ResponseFormat asked) {
        String instruction = asked.type() == ResponseFormat.Type.JSON_SCHEMA
                ? "Answer with JSON only, following this JSON schema: " + asked.schema()
                : "Answer with a single JSON object only.";
        List<ChatMessage> msgs = new ArrayList<>(request.messages());
        for (int i = msgs.size() - 1; i >= 0; i--) {
            if (msgs.get(i).role() == ChatMessage.Role.USER) {
                msgs.set(i, ChatMessage.user(msgs.get(i).content() + "\n\n" + instruction));
                return request.toBuilder().messages(msgs).build();
            }
        }
        msgs.add(ChatMessage.user(instruction));
        return request.toBuilder().messages(msgs).build();
    }
}
