package io.github.goldkd.llm;

import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The servers behind one HTTP chat model and the routing of attempts over them: a concurrency limit per
 * server, the least busy server first (round robin among equals), and a circuit breaker per server when there are several: a server whose attempts fail
 * {@code failureThreshold} times in a row (I/O errors, timeouts, 408/409/429/5xx) is taken out for
 * {@code backoff}; then one attempt is let through as a probe, and the server returns when it succeeds or
 * stays out for twice as long (up to 8 times {@code backoff}) when it fails. With one server there is nowhere
 * else to go, and the client's retry policy alone applies.
 */
final class ServerPool {

    private static final Logger LOG = LoggerFactory.getLogger(ServerPool.class);

    /** How an attempt ended, as far as the server's health is concerned. */
    enum Outcome {
        /** An answer: the server works. */
        SUCCESS,
        /** A retriable failure: I/O error, timeout, 408, 409, 429 or 5xx. */
        FAILURE,
        /** The server answered but refused the request (4xx, unreadable body): alive, yet a failed attempt. */
        REFUSED,
        /** Ended without reaching a verdict on the server (interrupted, say). */
        UNKNOWN
    }

    /** One server: its endpoint, its state (guarded by the pool's lock) and its counters. */
    static final class Server {
        final HttpUrl endpoint;
        /** Scheme, host, port and path only: no user info, no query parameters. */
        final String displayUrl;
        /** Host and port only, for the waiting log line. */
        final String displayHost;
        private final int index;
        private int inFlight;
        private int consecutiveFailures;
        private boolean out;
        private long outUntilNanos;
        private boolean probeInFlight;
        private int timesOutInARow;
        final AtomicLong requests = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong promptTokens = new AtomicLong();
        final AtomicLong completionTokens = new AtomicLong();
        final AtomicLong timesTakenOut = new AtomicLong();

        Server(int index, HttpUrl endpoint) {
            this.index = index;
            this.endpoint = endpoint;
            this.displayUrl = endpoint.scheme() + "://" + endpoint.host() + ":" + endpoint.port() + endpoint.encodedPath();
            this.displayHost = endpoint.host() + ":" + endpoint.port();
        }

        ServerStats stats() {
            return new ServerStats(displayUrl, requests.get(), failures.get(), promptTokens.get(),
                    completionTokens.get(), timesTakenOut.get());
        }
    }

    /** One granted attempt: the server, and whether it is the probe of a server that was taken out. */
    record Lease(Server server, boolean probe) {
    }

    private final List<Server> servers;
    private final int perServerLimit;
    private final int failureThreshold;
    private final long backoffNanos;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition changed = lock.newCondition();
    /** Where the round robin continues among equally busy servers. */
    private int next;

    ServerPool(List<HttpUrl> endpoints, int perServerLimit, int failureThreshold, Duration backoff) {
        List<Server> list = new ArrayList<>(endpoints.size());
        for (HttpUrl e : endpoints) {
            list.add(new Server(list.size(), e));
        }
        this.servers = List.copyOf(list);
        this.perServerLimit = perServerLimit;
        this.failureThreshold = failureThreshold;
        this.backoffNanos = backoff.toNanos();
    }

    List<Server> servers() {
        return servers;
    }

    int size() {
        return servers.size();
    }

    /**
     * Waits for a free slot and takes it. {@code avoid}, the server the request's previous attempt failed on,
     * is passed over while another server can be used (now or once one of its slots is free).
     */
    Lease acquire(Server avoid) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (true) {
                long now = System.nanoTime();
                boolean skipAvoided = avoid != null && anotherInService(avoid, now);
                Server best = null;
                for (int k = 0; k < servers.size(); k++) {
                    Server s = servers.get((next + k) % servers.size());
                    if ((skipAvoided && s == avoid) || !usable(s, now)) {
                        continue;
                    }
                    if (best == null || s.inFlight < best.inFlight) {
                        best = s;
                    }
                }
                if (best != null) {
                    boolean probe = best.out;
                    if (probe) {
                        best.probeInFlight = true;
                        LOG.info("{}: back-off over; probing it with the next request", best.displayUrl);
                    }
                    best.inFlight++;
                    best.requests.incrementAndGet();
                    next = (best.index + 1) % servers.size();
                    return new Lease(best, probe);
                }
                long wait = Long.MAX_VALUE;
                for (Server s : servers) {
                    if (s.out && !s.probeInFlight && s.outUntilNanos - now > 0) {
                        wait = Math.min(wait, s.outUntilNanos - now);
                    }
                }
                if (wait == Long.MAX_VALUE) {
                    changed.await();
                } else {
                    changed.awaitNanos(wait);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean usable(Server s, long now) {
        if (s.inFlight >= perServerLimit) {
            return false;
        }
        return !s.out || (now - s.outUntilNanos >= 0 && !s.probeInFlight);
    }

    /** True when a server other than {@code s} is in service (it may be busy) or due for its probe. */
    private boolean anotherInService(Server s, long now) {
        for (Server o : servers) {
            if (o != s && (!o.out || (now - o.outUntilNanos >= 0 && !o.probeInFlight))) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when a retry after a failure on {@code failed} can go at once to another server that has not failed
     * lately: the failure was that server's, so waiting out a backoff would gain nothing. When every server
     * is failing, the retry waits like a retry to a single server.
     */
    boolean healthyAlternative(Server failed) {
        lock.lock();
        try {
            for (Server o : servers) {
                if (o != failed && !o.out && o.consecutiveFailures == 0) {
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Gives the slot back and updates the server's health with the attempt's outcome. */
    void release(Lease lease, Outcome outcome) {
        Server s = lease.server();
        if (outcome == Outcome.FAILURE || outcome == Outcome.REFUSED) {
            s.failures.incrementAndGet();
        }
        lock.lock();
        try {
            s.inFlight--;
            if (lease.probe()) {
                s.probeInFlight = false;
            }
            switch (outcome) {
                case SUCCESS, REFUSED -> {
                    s.consecutiveFailures = 0;
                    if (s.out) {
                        s.out = false;
                        s.timesOutInARow = 0;
                        LOG.info("{}: answered again; back in service", s.displayUrl);
                    }
                }
                case FAILURE -> {
                    s.consecutiveFailures++;
                    if (servers.size() > 1) {
                        if (lease.probe()) {
                            takeOut(s, "the probe failed");
                        } else if (!s.out && s.consecutiveFailures >= failureThreshold) {
                            takeOut(s, s.consecutiveFailures + " attempts in a row failed");
                        }
                    }
                }
                case UNKNOWN -> {
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void takeOut(Server s, String why) {
        s.timesOutInARow++;
        long factor = 1L << Math.min(3, s.timesOutInARow - 1);
        long nanos = backoffNanos * factor;
        s.out = true;
        s.outUntilNanos = System.nanoTime() + nanos;
        s.timesTakenOut.incrementAndGet();
        LOG.warn("{}: {}; taken out for {} ms, then probed", s.displayUrl, why, TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    /** The counters of every server, in the configured order. */
    List<ServerStats> stats() {
        List<ServerStats> list = new ArrayList<>(servers.size());
        for (Server s : servers) {
            list.add(s.stats());
        }
        return list;
    }
}
