package io.github.goldkd.llm.internal;

import java.util.function.LongSupplier;

/**
 * Requests-per-minute and tokens-per-minute limits as two token buckets that refill continuously; each
 * holds at most one minute's allowance. A limit of 0 disables that bucket.
 *
 * <p>Token counts are not known before the answer, so a request reserves an estimate and
 * {@link #settle} corrects the bucket with the billed count afterwards; the bucket may go into debt,
 * which delays the following requests.
 */
public final class RateLimiter {

    /** Sleeps for a number of nanoseconds; replaced by tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final Bucket requests;
    private final Bucket tokens;
    private final LongSupplier clock;
    private final Sleeper sleeper;

    public RateLimiter(int requestsPerMinute, long tokensPerMinute) {
        this(requestsPerMinute, tokensPerMinute, System::nanoTime,
                n -> Thread.sleep(n / 1_000_000L, (int) (n % 1_000_000L)));
    }

    public RateLimiter(int requestsPerMinute, long tokensPerMinute, LongSupplier clock, Sleeper sleeper) {
        if (requestsPerMinute < 0) {
            throw new IllegalArgumentException("requestsPerMinute must be >= 0 (0 = no limit), was "
                    + requestsPerMinute);
        }
        if (tokensPerMinute < 0) {
            throw new IllegalArgumentException("tokensPerMinute must be >= 0 (0 = no limit), was " + tokensPerMinute);
        }
        this.clock = clock;
        this.sleeper = sleeper;
        long now = clock.getAsLong();
        this.requests = requestsPerMinute == 0 ? null : new Bucket(requestsPerMinute, now);
        this.tokens = tokensPerMinute == 0 ? null : new Bucket(tokensPerMinute, now);
    }

    /** True when at least one limit is set. */
    public boolean isActive() {
        return requests != null || tokens != null;
    }

    /**
     * Blocks until one request and {@code estimatedTokens} tokens may be spent, then takes them.
     *
     * @return the nanoseconds spent waiting
     */
    public long acquire(long estimatedTokens) throws InterruptedException {
        long waited = 0;
        while (true) {
            long wait;
            synchronized (this) {
                long now = clock.getAsLong();
                long wr = requests == null ? 0 : requests.nanosUntil(1, now);
                long wt = tokens == null ? 0 : tokens.nanosUntil(estimatedTokens, now);
                wait = Math.max(wr, wt);
                if (wait <= 0) {
                    if (requests != null) {
                        requests.take(1);
                    }
                    if (tokens != null) {
                        tokens.take(estimatedTokens);
                    }
                    return waited;
                }
            }
            sleeper.sleepNanos(wait);
            waited += wait;
        }
    }

    /** Corrects the token bucket by {@code actual - estimated} once the billed count is known. */
    public synchronized void settle(long estimatedTokens, long actualTokens) {
        if (tokens != null) {
            tokens.refill(clock.getAsLong());
            tokens.take(actualTokens - estimatedTokens);
        }
    }

    private static final class Bucket {
        private final double capacity;
        private final double perNano;
        private double level;
        private long last;

        Bucket(long perMinute, long now) {
            this.capacity = perMinute;
            this.perNano = perMinute / (double) MINUTE_NANOS;
            this.level = perMinute;
            this.last = now;
        }

        void refill(long now) {
            if (now > last) {
                level = Math.min(capacity, level + (now - last) * perNano);
                last = now;
            }
        }

        /** Nanoseconds until {@code amount} is available; a request larger than the bucket waits for a full one. */
        long nanosUntil(long amount, long now) {
            refill(now);
            double need = Math.min(amount, capacity);
            if (level >= need) {
                return 0;
            }
            return Math.max(1L, (long) Math.ceil((need - level) / perNano));
        }

        void take(long amount) {
            level = Math.min(capacity, level - amount);
        }
    }
}
