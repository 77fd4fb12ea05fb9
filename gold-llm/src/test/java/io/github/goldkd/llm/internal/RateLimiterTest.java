package io.github.goldkd.llm.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimiterTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final RateLimiter.Sleeper sleeper = clock::addAndGet; // sleeping advances the fake clock

    @Test
    void requestsPerMinuteSpacesRequestsOnceTheBurstIsSpent() throws Exception {
        RateLimiter rl = new RateLimiter(2, 0, clock::get, sleeper);
        assertThat(rl.acquire(0)).isZero();
        assertThat(rl.acquire(0)).isZero();
        long waited = rl.acquire(0);
        assertThat(waited).isBetween(29_900_000_000L, 30_100_000_000L); // 2 per minute: one every 30 s
    }

    @Test
    void tokensPerMinuteWaitsForTheEstimateAndSettlesWithTheBilledCount() throws Exception {
        RateLimiter rl = new RateLimiter(0, 600, clock::get, sleeper);
        assertThat(rl.acquire(500)).isZero();
        rl.settle(500, 600); // billed 100 more than estimated: bucket now empty
        long waited = rl.acquire(300); // 300 tokens at 10 per second
        assertThat(waited).isBetween(29_900_000_000L, 30_100_000_000L);
    }

    @Test
    void aRequestLargerThanTheBucketWaitsForAFullBucketInsteadOfForever() throws Exception {
        RateLimiter rl = new RateLimiter(0, 100, clock::get, sleeper);
        rl.acquire(100);
        long waited = rl.acquire(1_000);
        assertThat(waited).isBetween(59_900_000_000L, 60_100_000_000L);
    }

    @Test
    void validation() {
        assertThatThrownBy(() -> new RateLimiter(-1, 0)).hasMessageContaining("requestsPerMinute must be >= 0");
        assertThat(new RateLimiter(0, 0).isActive()).isFalse();
    }
}
