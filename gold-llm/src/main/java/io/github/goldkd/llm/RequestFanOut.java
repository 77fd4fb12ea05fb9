package io.github.goldkd.llm;

import io.github.goldkd.core.BudgetExhaustedException;
import io.github.goldkd.core.GoldException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends one wave of chat requests the way every GOLD component does: answers already in the cache are
 * taken from it; then, in request order, each other request reserves its place in the budget and goes to a
 * thread pool; every answer received is put in the cache at once. Which requests are sent therefore does not
 * depend on timing, and a repeated or resumed run pays nothing for answers it has.
 *
 * <p>A malformed response body is one request's failure (reported per request). Any other
 * {@link LlmException} — authentication, a rejected request, a server still failing after the client's
 * retries — is thrown once every request in flight has finished, so no paid answer is lost from the cache.
 * When the budget is spent, the requests after it are not sent and the wave says so.
 *
 * <p>Thread-safe: waves may run concurrently on the one pool. {@link #close()} stops the pool.
 */
final class RequestFanOut implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RequestFanOut.class);

    private final ChatModel model;
    private final RequestCache cache;
    private final UsageMeter meter;
    private final ExecutorService pool;

    /**
     * @param threadName prefix of the worker threads' names
     */
    RequestFanOut(ChatModel model, RequestCache cache, UsageMeter meter, int parallelism, String threadName) {
        this.model = Objects.requireNonNull(model, "model");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.meter = Objects.requireNonNull(meter, "meter");
        AtomicInteger threadNo = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, threadName + "-" + threadNo.incrementAndGet());
            t.setDaemon(true); // an unclosed component must not keep the JVM alive
            return t;
        });
    }

    /** One request of a wave and its cache key. */
    record Call(ChatRequest request, String key) {
        Call {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * What a wave returned, in request order.
     *
     * @param responses  the answer of each call; null when it was not sent (budget) or its body was malformed
     * @param sent       whether each call was sent (false: answered from the cache, or not sent for the budget)
     * @param malformed  calls sent whose response body could not be read
     * @param requests   calls sent
     * @param cacheHits  calls answered from the cache
     * @param budgetHit  the budget's refusal when it stopped the wave, else null
     */
    record Wave(ChatResponse[] responses, boolean[] sent, int malformed, int requests, int cacheHits,
                long promptTokens, long completionTokens, BudgetExhaustedException budgetHit) {
    }

    /**
     * Sends {@code calls} and waits for them.
     *
     * @param what names the work in an interruption's message, e.g. {@code "round 3"}
     * @throws LlmException the first failure other than a malformed body, after every request in flight ended
     */
    Wave run(List<Call> calls, String what) {
        int n = calls.size();
        ChatResponse[] responses = new ChatResponse[n];
        boolean[] sent = new boolean[n];
        List<Future<ChatResponse>> futures = new ArrayList<>(n);
        int hits = 0;
        BudgetExhaustedException budgetHit = null;
        for (int i = 0; i < n; i++) {
            Call c = calls.get(i);
            Future<ChatResponse> future = null;
            ChatResponse cached = cache.get(c.key()).orElse(null);
            if (cached != null) {
                responses[i] = cached;
                hits++;
                meter.cacheHit();
            } else if (budgetHit == null) {
                try {
                    meter.reserveRequest();
                    future = pool.submit(() -> call(c));
                    sent[i] = true;
                } catch (BudgetExhaustedException e) {
                    budgetHit = e;
                }
            }
            futures.add(future);
        }
        int requests = 0;
        int malformed = 0;
        long promptTokens = 0;
        long completionTokens = 0;
        LlmException failure = null;
        for (int i = 0; i < n; i++) {
            Future<ChatResponse> f = futures.get(i);
            if (f == null) {
                continue;
            }
            requests++;
            try {
                responses[i] = f.get();
                promptTokens += responses[i].usage().promptTokens();
                completionTokens += responses[i].usage().completionTokens();
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof MalformedResponseException m) {
                    LOG.warn("request {} of {}: {}", i, what, m.getMessage());
                    malformed++;
                } else if (c instanceof LlmException le) {
                    failure = failure == null ? le : failure;
                } else if (c instanceof RuntimeException re) {
                    cancel(futures);
                    throw re;
                } else {
                    cancel(futures);
                    throw new GoldException("chat request of " + what + " failed: " + c, c);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel(futures);
                throw new GoldException("interrupted while waiting for the answers of " + what, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return new Wave(responses, sent, malformed, requests, hits, promptTokens, completionTokens, budgetHit);
    }

    private ChatResponse call(Call c) {
        ChatResponse r = model.chat(c.request());
        meter.record(r.usage());
        cache.put(c.key(), r);
        return r;
    }

    private static void cancel(List<Future<ChatResponse>> futures) {
        for (Future<ChatResponse> f : futures) {
            if (f != null) {
                f.cancel(true);
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
