package io.github.goldkd.llm;

import io.github.goldkd.llm.internal.RateLimiter;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The retry arithmetic, on a fixed clock, a recording sleeper and scripted jitter: every wait exactly. */
class RetryPolicyTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2099-10-21T07:27:30Z"), ZoneOffset.UTC);
    private static final RetryPolicy.Jitter NO_JITTER = max -> 0;
    private static final RetryPolicy.Jitter FULL_JITTER = max -> max;
    private static final RateLimiter.Sleeper NEVER_SLEEPS = n -> {
        throw new AssertionError("no sleep expected");
    };

    private static RetryPolicy policy(Duration initial, Duration max, RetryPolicy.Jitter jitter) {
        return new RetryPolicy(6, initial, max, Duration.ofSeconds(60), CLOCK, NEVER_SLEEPS, jitter);
    }

    private static List<Duration> backoffs(RetryPolicy p, int attempts) {
        List<Duration> waits = new ArrayList<>();
        for (int a = 1; a <= attempts; a++) {
            waits.add(p.delay(a, Optional.empty()));
        }
        return waits;
    }

    @Test
    void backoffDoublesFromTheInitialOneUpToTheCapAndHalfOfItIsJitter() {
        Duration initial = Duration.ofSeconds(1);
        Duration cap = Duration.ofSeconds(30);

        assertThat(backoffs(policy(initial, cap, FULL_JITTER), 7)).containsExactly(Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(16),
                Duration.ofSeconds(30), Duration.ofSeconds(30));
        assertThat(backoffs(policy(initial, cap, NO_JITTER), 7)).containsExactly(Duration.ofMillis(500),
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                Duration.ofSeconds(15), Duration.ofSeconds(15));
    }

    @Test
    void theJitterIsDrawnOverTheUpperHalfAndAddedToTheFixedHalf() {
        List<Long> asked = new ArrayList<>();
        RetryPolicy.Jitter third = max -> {
            asked.add(max);
            return max / 3;
        };
        List<Duration> waits = backoffs(policy(Duration.ofMillis(300), Duration.ofMillis(1000), third), 4);

        assertThat(asked).containsExactly(150_000_000L, 300_000_000L, 500_000_000L, 500_000_000L);
        assertThat(waits).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofNanos(666_666_666),
                Duration.ofNanos(666_666_666));
    }

    @Test
    void aSeededJitterSourceGivesTheSameWaitsAgainAndEachWithinItsHalf() {
        Duration initial = Duration.ofMillis(100);
        Duration cap = Duration.ofSeconds(10);
        SplittableRandom first = new SplittableRandom(42);
        SplittableRandom second = new SplittableRandom(42);
        List<Duration> a = backoffs(policy(initial, cap, max -> first.nextLong(max + 1)), 8);
        List<Duration> b = backoffs(policy(initial, cap, max -> second.nextLong(max + 1)), 8);

        assertThat(a).isEqualTo(b);
        List<Duration> low = backoffs(policy(initial, cap, NO_JITTER), 8);
        List<Duration> high = backoffs(policy(initial, cap, FULL_JITTER), 8);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).as("attempt %d", i + 1).isBetween(low.get(i), high.get(i));
        }
        assertThat(a).as("random, not the bounds").isNotEqualTo(low).isNotEqualTo(high);
    }

    @Test
    void aJitterOutsideItsRangeIsABugNotAWait() {
        RetryPolicy p = policy(Duration.ofSeconds(1), Duration.ofSeconds(2), max -> max + 1);
        assertThatThrownBy(() -> p.delay(1, Optional.empty())).isInstanceOf(IllegalStateException.class)
                .hasMessage("jitter drew 500000001, outside [0, 500000000]");
    }

    @Test
    void hugeAttemptNumbersStayAtTheCap() {
        RetryPolicy p = new RetryPolicy(100, Duration.ofNanos(1), Duration.ofDays(1), Duration.ZERO, CLOCK,
                NEVER_SLEEPS, FULL_JITTER);
        assertThat(p.delay(100, Optional.empty())).isEqualTo(Duration.ofDays(1));
        assertThat(p.delay(64, Optional.empty())).isEqualTo(Duration.ofDays(1));
        assertThat(p.delay(2, Optional.empty())).isEqualTo(Duration.ofNanos(2));
    }

    @Test
    void zeroBackoffRetriesAtOnce() {
        RetryPolicy p = policy(Duration.ZERO, Duration.ZERO, FULL_JITTER);
        assertThat(backoffs(p, 3)).containsOnly(Duration.ZERO);
    }

    @Test
    void theServersRetryAfterIsObeyedWithoutJitterUpToMaxRetryAfter() {
        RetryPolicy p = policy(Duration.ofSeconds(1), Duration.ofSeconds(30), FULL_JITTER);

        assertThat(p.delay(1, p.serverRequested(null, "7"))).isEqualTo(Duration.ofSeconds(7));
        assertThat(p.delay(3, p.serverRequested("250", "7"))).as("retry-after-ms first").isEqualTo(Duration.ofMillis(250));
        assertThat(p.delay(1, p.serverRequested(null, "120"))).as("capped").isEqualTo(Duration.ofSeconds(60));
        assertThat(p.delay(1, p.serverRequested(null, "0"))).isEqualTo(Duration.ZERO);
        assertThat(p.delay(2, p.serverRequested(null, "soon"))).as("unreadable: the backoff")
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void anHttpDateIsReadAgainstThePolicysClock() {
        RetryPolicy p = policy(Duration.ofSeconds(1), Duration.ofSeconds(30), FULL_JITTER);

        assertThat(p.serverRequested(null, "Wed, 21 Oct 2099 07:28:00 GMT")).contains(Duration.ofSeconds(30));
        assertThat(p.delay(1, p.serverRequested(null, "Wed, 21 Oct 2099 07:28:00 GMT"))).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.delay(1, p.serverRequested(null, "Wed, 21 Oct 2099 09:00:00 GMT"))).as("capped")
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(p.serverRequested(null, "Wed, 21 Oct 2099 07:00:00 GMT")).as("past").contains(Duration.ZERO);
    }

    @Test
    void retriesStopAfterMaxRetries() {
        RetryPolicy p = new RetryPolicy(2, Duration.ZERO, Duration.ZERO, Duration.ZERO, CLOCK, NEVER_SLEEPS, NO_JITTER);
        assertThat(p.mayRetry(1)).isTrue();
        assertThat(p.mayRetry(2)).isTrue();
        assertThat(p.mayRetry(3)).isFalse();
        RetryPolicy none = new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, CLOCK, NEVER_SLEEPS, NO_JITTER);
        assertThat(none.mayRetry(1)).isFalse();
    }

    @Test
    void theWaitIsSpentByTheSleeperToTheNanosecond() throws Exception {
        List<Long> slept = new ArrayList<>();
        RetryPolicy p = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ofDays(365 * 400), CLOCK,
                slept::add, NO_JITTER);
        p.sleep(Duration.ofNanos(1_500_000_123L));
        p.sleep(Duration.ofDays(365 * 300));
        assertThat(slept).containsExactly(1_500_000_123L, Long.MAX_VALUE);
    }

    @Test
    void settingsAreValidatedWithTheirNamesAndRanges() {
        Duration s = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new RetryPolicy(101, s, s, s, CLOCK, NEVER_SLEEPS, NO_JITTER))
                .hasMessage("maxRetries must be in [0, 100], was 101");
        assertThatThrownBy(() -> new RetryPolicy(1, s.negated(), s, s, CLOCK, NEVER_SLEEPS, NO_JITTER))
                .hasMessage("initialBackoff must be >= 0, was PT-1S");
        assertThatThrownBy(() -> new RetryPolicy(1, s, Duration.ofMillis(10), s, CLOCK, NEVER_SLEEPS, NO_JITTER))
                .hasMessage("maxBackoff must be >= initialBackoff (PT1S), was PT0.01S");
        assertThatThrownBy(() -> new RetryPolicy(1, s, s, null, CLOCK, NEVER_SLEEPS, NO_JITTER))
                .hasMessage("maxRetryAfter must be >= 0, was null");
        assertThatThrownBy(() -> policy(s, s, NO_JITTER).delay(0, Optional.empty()))
                .hasMessage("failedAttempt must be >= 1, was 0");
    }
}
