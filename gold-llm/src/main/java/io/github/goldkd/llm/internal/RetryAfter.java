package io.github.goldkd.llm.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads how long a server asks the client to wait: {@code retry-after-ms} (milliseconds, sent by OpenAI),
 * then {@code Retry-After} in either of its RFC 9110 forms: delay-seconds or an HTTP-date.
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * The requested wait, never negative; empty when neither header is present or readable.
     *
     * @param retryAfterMs the {@code retry-after-ms} header value or null
     * @param retryAfter   the {@code Retry-After} header value or null
     * @param now          the current time, for the HTTP-date form
     */
    public static Optional<Duration> parse(String retryAfterMs, String retryAfter, Instant now) {
        if (retryAfterMs != null) {
            try {
                double ms = Double.parseDouble(retryAfterMs.trim());
                if (ms >= 0 && Double.isFinite(ms)) {
                    return Optional.of(Duration.ofNanos((long) (ms * 1_000_000L)));
                }
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        if (retryAfter == null || retryAfter.isBlank()) {
            return Optional.empty();
        }
        String v = retryAfter.trim();
        try {
            // RFC 9110 says integer seconds; some servers send decimals, which we accept.
            double seconds = Double.parseDouble(v);
            if (!Double.isFinite(seconds)) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofMillis(Math.max(0L, Math.round(seconds * 1000.0))));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(now, at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }
}
