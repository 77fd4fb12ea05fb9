package io.github.goldkd.llm;

import io.github.goldkd.llm.internal.FormatInstruction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Which structured-output form one server accepts, learnt from its rejections: a request's
 * {@link ResponseFormat} is sent as the strongest form the server has accepted so far (at first the
 * configured ceiling). When the server rejects it with 400 or 422 and an error that concerns the format,
 * the request goes again with the next weaker form (JSON schema, then JSON mode, then plain text with the
 * instruction in the prompt, see {@link FormatInstruction}); once a weaker form succeeds, it is the
 * ceiling for the rest of this object's life. Thread-safe: concurrent callers can only lower the ceiling.
 */
final class FormatNegotiation {

    private static final Logger LOG = LoggerFactory.getLogger(FormatNegotiation.class);

    /** Whom the log lines are about (the server's display URL). */
    private final String serverName;
    /** The strongest response format this server is known (or assumed) to accept. */
    private final AtomicReference<ResponseFormat.Type> ceiling;

    FormatNegotiation(ResponseFormat.Type maxResponseFormat, String serverName) {
        if (maxResponseFormat == null) {
            throw new IllegalArgumentException("maxResponseFormat must not be null");
        }
        this.ceiling = new AtomicReference<>(maxResponseFormat);
        this.serverName = serverName;
    }

    /** The strongest form currently sent. */
    ResponseFormat.Type accepted() {
        return ceiling.get();
    }

    /**
     * Sends {@code request} through {@code send}, as strong a form as the server takes.
     *
     * @throws InvalidRequestException the first rejection when even plain text fails for the format's sake,
     *                                 or at once a rejection that does not concern the format
     */
    ChatResponse chat(ChatRequest request, Function<ChatRequest, ChatResponse> send) {
        ResponseFormat asked = request.responseFormat();
        ResponseFormat.Type tried = ceiling.get();
        InvalidRequestException firstRejection = null;
        ResponseFormat.Type rejectedType = null;
        while (true) {
            ResponseFormat effective = asked.atMost(tried);
            ChatRequest toSend = effective.equals(asked) ? request
                    : FormatInstruction.addTo(request, asked).withResponseFormat(effective);
            try {
                ChatResponse response = send.apply(toSend);
                if (firstRejection != null) {
                    ResponseFormat.Type accepted = effective.type();
                    ceiling.accumulateAndGet(accepted, (a, b) -> a.compareTo(b) <= 0 ? a : b);
                    LOG.info("{} rejected response format {} ({}); using {} from now on", serverName,
                            rejectedType, firstRejection.serverMessage(), accepted);
                }
                return response;
            } catch (InvalidRequestException e) {
                if (effective.type() == ResponseFormat.Type.TEXT || !concernsFormat(e)) {
                    throw firstRejection != null ? firstRejection : e;
                }
                if (firstRejection == null) {
                    firstRejection = e;
                    rejectedType = effective.type();
                }
                tried = ResponseFormat.Type.values()[effective.type().ordinal() - 1];
                LOG.debug("{} rejected response format {}; trying {}", serverName, effective.type(), tried);
            }
        }
    }

    /** Whether a rejection is about the response format (and a weaker form may pass). */
    static boolean concernsFormat(InvalidRequestException e) {
        if (e.statusCode() != 400 && e.statusCode() != 422) {
            return false;
        }
        String m = e.serverMessage() == null ? "" : e.serverMessage().toLowerCase(Locale.ROOT);
        // Servers word it differently ("response_format", "json_schema", "Invalid format", "schema");
        // a rejection without a message is assumed to be about the format too.
        return m.isBlank() || m.contains("format") || m.contains("schema") || m.contains("json")
                || m.contains("grammar");
    }
}
