package io.github.goldkd.llm.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

    @Test
    void seconds() {
        assertThat(RetryAfter.parse(null, "7", NOW)).contains(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse(null, " 1.5 ", NOW)).contains(Duration.ofMillis(1500));
        assertThat(RetryAfter.parse(null, "-3", NOW)).contains(Duration.ZERO);
    }

    @Test
    void httpDate() {
        assertThat(RetryAfter.parse(null, "Wed, 01 Jan 2025 12:00:30 GMT", NOW)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse(null, "Wed, 01 Jan 2025 11:00:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void millisecondsHeaderWins() {
        assertThat(RetryAfter.parse("250", "10", NOW)).contains(Duration.ofMillis(250));
        assertThat(RetryAfter.parse("junk", "10", NOW)).contains(Duration.ofSeconds(10));
    }

    @Test
    void absentOrUnreadable() {
        assertThat(RetryAfter.parse(null, null, NOW)).isEqualTo(Optional.empty());
        assertThat(RetryAfter.parse(null, "soon", NOW)).isEmpty();
        assertThat(RetryAfter.parse(null, "NaN", NOW)).isEmpty();
    }
}
