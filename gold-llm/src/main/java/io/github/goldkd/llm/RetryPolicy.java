package io.github.goldkd.llm;

import io.github.goldkd.llm.internal.RateLimiter;
import io.github.goldkd.llm.internal.RetryAfter;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When {@link HttpChatModel} tries a failed request again, and after how long: pure arithmetic over a clock,
 * a sleeper and a jitter source, which tests replace (as {@link RateLimiter} takes its clock and sleeper), so
 * that the computed waits can be checked exactly instead of on wall time.
 *
 * <p>Up to {@code maxRetries} retries follow the first attempt. The wait before a retry is the one the server
 * asked for ({@code retry-after-ms} or {@code Retry-After}, seconds or HTTP-date), capped at
 * {@code maxRetryAfter}; otherwise {@code initialBackoff * 2^(attempt-1)} capped at {@code maxBackoff}, of
 * which the upper half is random ("equal jitter"), so that parallel callers do not retry in lock step.
 */
final class RetryPolicy {

    /** The random part of a backoff. */
    @FunctionalInterface
    interface Jitter {
        /** A value in {@code [0, maxInclusive]}, {@code maxInclusive >= 0}. */
        long draw(long maxInclusive);
    }

    /** Process-wide randomness: nothing to seed, no contention between the callers' threads. */
    static final Jitter RANDOM_JITTER = max -> max == 0 ? 0 : ThreadLocalRandom.current().nextLong(max + 1);

    /** {@link Thread#sleep}, to the nanosecond. */
    static final RateLimiter.Sleeper THREAD_SLEEP = n -> Thread.sleep(n / 1_000_000L, (int) (n % 1_000_000L));

    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration maxRetryAfter;
    private final Clock clock;
    private final RateLimiter.Sleeper sleeper;
    private final Jitter jitter;

    /**
     * @param maxRetries     retries after the first attempt, in [0, 100]
     * @param initialBackoff the first backoff, >= 0
     * @param maxBackoff     the longest backoff, >= initialBackoff
     * @param maxRetryAfter  the longest server-requested wait obeyed, >= 0
     * @param clock          the current time, for {@code Retry-After} HTTP-dates
     * @param sleeper        how a wait is spent
     * @param jitter         the random part of each backoff
     */
    RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter, Clock clock,
                RateLimiter.Sleeper sleeper, Jitter jitter) {
        if (maxRetries < 0 || maxRetries > 100) {
            throw new IllegalArgumentException("maxRetries must be in [0, 100], was " + maxRetries);
        }
        requireNonNegative("initialBackoff", initialBackoff);
        requireNonNegative("maxBackoff", maxBackoff);
        requireNonNegative("maxRetryAfter", maxRetryAfter);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must be >= initialBackoff (" + initialBackoff
                    + "), was " + maxBackoff);
        }
        if (clock == null || sleeper == null || jitter == null) {
            throw new IllegalArgumentException("clock, sleeper and jitter must not be null");
        }
        this.maxRetries = maxRetries;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.maxRetryAfter = maxRetryAfter;
        this.clock = clock;
        this.sleeper = sleeper;
        this.jitter = jitter;
    }

    private static void requireNonNegative(String name, Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + d);
        }
    }

    int maxRetries() {
        return maxRetries;
    }

    /** Whether a request whose attempt number {@code failedAttempt} (from 1) failed may be tried again. */
    boolean mayRetry(int failedAttempt) {
        return failedAttempt <= maxRetries;
    }

    /**
     * How long to wait after attempt {@code failedAttempt} failed: the server's requested wait capped at
     * {@code maxRetryAfter} (no jitter: the server chose the time), otherwise the backoff.
     */
    Duration delay(int failedAttempt, Optional<Duration> serverRequested) {
        if (serverRequested.isPresent()) {
            Duration asked = serverRequested.get();
            return asked.compareTo(maxRetryAfter) <= 0 ? asked : maxRetryAfter;
        }
        return backoff(failedAttempt);
    }

    /** {@code initialBackoff * 2^(failedAttempt-1)} capped at {@code maxBackoff}: half fixed, half jitter. */
    Duration backoff(int failedAttempt) {
        if (failedAttempt < 1) {
            throw new IllegalArgumentException("failedAttempt must be >= 1, was " + failedAttempt);
        }
        long cap = maxBackoff.toNanos();
        long d = initialBackoff.toNanos();
        // Doubling stops at the cap, so that no attempt number overflows.
        for (int i = 1; i < failedAttempt && d < cap; i++) {
            d = d > cap / 2 ? cap : d * 2;
        }
        d = Math.min(d, cap);
        long half = d / 2;
        long random = jitter.draw(half);
        if (random < 0 || random > half) {
            throw new IllegalStateException("jitter drew " + random + ", outside [0, " + half + "]");
        }
        return Duration.ofNanos(half + random);
    }

    /** The wait the server asked for in its headers (either may be null), read against this policy's clock. */
    Optional<Duration> serverRequested(String retryAfterMsHeader, String retryAfterHeader) {
        return RetryAfter.parse(retryAfterMsHeader, retryAfterHeader, clock.instant());
    }

    /** Spends {@code wait} with the sleeper. */
    void sleep(Duration wait) throws InterruptedException {
        long nanos;
        try {
            nanos = wait.toNanos();
        } catch (ArithmeticException beyond292Years) {
            nanos = Long.MAX_VALUE; // a maxRetryAfter set to "forever"
        }
        sleeper.sleepNanos(nanos);
    }
}
