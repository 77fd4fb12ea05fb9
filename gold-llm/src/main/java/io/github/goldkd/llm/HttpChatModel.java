package io.github.goldkd.llm;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.llm.internal.RateLimiter;
import io.github.goldkd.llm.internal.Secrets;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.ConnectionPool;
import okhttp3.EventListener;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.time.Duration;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The shared machinery of the HTTP chat-model clients: one shared OkHttp connection pool, timeouts,
 * a concurrency limit, optional rate limits, retries with exponential backoff and jitter that honour
 * {@code Retry-After}, typed failures, and structured-output negotiation.
 *
 * <p><b>Retries.</b> I/O errors, timeouts and HTTP 408, 409, 429 and 5xx are retried up to
 * {@code maxRetries} times. The wait is the server's {@code retry-after-ms} or {@code Retry-After}
 * (seconds or HTTP-date) capped at {@code maxRetryAfter}, otherwise {@code initialBackoff * 2^(attempt-1)}
 * capped at {@code maxBackoff}, of which a random half is jitter so that parallel callers do not retry in
 * lock step (the arithmetic is {@code RetryPolicy}'s). Other statuses fail at once: 401 and 403 as
 * {@link AuthenticationException}, 400, 404 and the rest as {@link InvalidRequestException}.
 *
 * <p><b>Connections and timeouts.</b> Idle connections stay in the shared pool for 1 s only, under the
 * keep-alive time of common servers. A request that fails on a pooled connection before any of the answer
 * arrived (the server had closed the connection while it was idle) is sent again at once on a new
 * connection, logged at debug and not counted as an attempt. An attempt may take {@code callTimeout}
 * (default 2 min) from connect to the last byte; the read timeout follows it unless set. While a request
 * waits, a line is logged every 30 s: {@code still waiting for host:port after 30 s (request n, attempt a)}.
 *
 * <p><b>Structured output.</b> A request's {@link ResponseFormat} is sent as the strongest form this
 * server has accepted so far (initially {@code maxResponseFormat}). When the server rejects it with 400
 * or 422 and an error that concerns the format, the client retries with the next weaker form (JSON
 * schema, then JSON mode, then plain text with the instruction in the prompt) and, once a weaker form
 * succeeds, keeps using it for the rest of this client's life (see {@code FormatNegotiation}).
 *
 * <p><b>Several servers.</b> Given several base URLs ({@link Builder#baseUrls}), the client spreads requests
 * over them, each server with its own concurrency limit ({@code maxConcurrency} is per server, and
 * {@link #maxConcurrency()} their sum): the least busy server first, round robin among equals. A server whose
 * attempts fail {@code serverFailuresBeforeBackoff} times in a row is taken out for {@code serverBackoff}, then
 * probed with one request before it takes its share again (a failed probe doubles its time out, up to 8 times).
 * A retry goes to another server, at once when one has not failed lately, otherwise after the usual backoff.
 * The servers must serve the same model: the request cache's key does not name the server, so answers are
 * reused whichever server gave them. {@link #serverStats()} and the log line at {@link #close()} count
 * requests, failures and tokens per server.
 *
 * <p><b>Secrets.</b> The API key goes into the {@code Authorization} header only. It is removed from
 * anything the server echoes back before that text reaches an exception or a log line, and
 * {@link #toString()} and {@link #describe()} do not show it.
 */
public abstract class HttpChatModel implements ChatModel {

    private static final Logger LOG = LoggerFactory.getLogger(HttpChatModel.class);

    /**
     * How long an idle connection stays in the shared pool. Servers close idle keep-alive connections on
     * their own clock (gunicorn after 2 s; uvicorn, which vLLM runs on, llama-server, Node and Apache after
     * 5 s; HTTP/1.0 servers at once) without telling the client, and OkHttp probes a pooled connection
     * for that only after 10 s idle. Kept under those limits, the pool still serves the back-to-back
     * requests of a batch, while connections that outlive a pause (the student trains between rounds) are
     * dropped: a new connection costs a handshake, small beside a generation.
     */
    static final Duration POOL_IDLE = Duration.ofSeconds(1);

    /** How often a request still waiting for its answer is logged. */
    static final Duration DEFAULT_WAIT_LOG_INTERVAL = Duration.ofSeconds(30);

    /** Request and response bodies: no HTML escaping (readable logs and cache files). */
    protected static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private static final MediaType JSON_MEDIA = MediaType.get("application/json; charset=utf-8");

    /**
     * The one OkHttp client of the library; every model derives its own timeouts from it with
     * {@code newBuilder()}, which shares the connection pool and the dispatcher threads.
     */
    private static final OkHttpClient SHARED = new OkHttpClient.Builder()
            .connectionPool(new ConnectionPool(32, POOL_IDLE.toMillis(), TimeUnit.MILLISECONDS))
            // OkHttp would silently repeat some requests itself (408, 503 with Retry-After: 0, failed
            // connections); this class's retry policy must be the only one, so that attempts are counted,
            // spaced and logged. The one repeat it makes itself, after a pooled connection the server had
            // already closed, is narrow and logged (see send).
            .retryOnConnectionFailure(false)
            .build();

    /** Logs the requests that wait long for an answer (one daemon thread, idle between log lines). */
    private static final ScheduledExecutorService WAIT_LOG = waitLogExecutor();

    private final String modelName;
    private final ServerPool servers;
    /** The one server's endpoint, or how many servers there are: for log lines not about one attempt. */
    private final String displayUrl;
    private final String apiKey;
    private final OkHttpClient client;
    /**
     * The same client without pooled connections to offer: the repeat after a stale pooled connection goes
     * out on a new connection for sure, whatever other threads return to the pool meanwhile.
     */
    private final OkHttpClient unpooledClient;
    private final int maxConcurrency;
    private final int serverFailuresBeforeBackoff;
    private final Duration serverBackoff;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final RetryPolicy retryPolicy;
    private final RateLimiter rateLimiter;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration callTimeout;
    private final int requestsPerMinute;
    private final long tokensPerMinute;
    private final Duration waitLogInterval;
    private final FormatNegotiation formats;
    /** Requests sent so far (each with its retries), numbering them in the waiting log line. */
    private final AtomicLong requestsStarted = new AtomicLong();
    /** Attempts that failed and were retried under the retry policy (with backoff). */
    private final AtomicLong retriesAfterFailure = new AtomicLong();
    /** Immediate repeats after a pooled connection the server had closed; not counted as attempts. */
    private final AtomicLong staleConnectionRepeats = new AtomicLong();

    protected HttpChatModel(Builder<?, ?> b, String endpointPath) {
        if (b.modelName == null || b.modelName.isBlank()) {
            throw new IllegalArgumentException("modelName must be set, was " + (b.modelName == null ? "null" : "blank"));
        }
        this.modelName = b.modelName;
        if (b.baseUrls.isEmpty() || b.baseUrls.size() > 64) {
            throw new IllegalArgumentException("baseUrls must hold 1 to 64 URLs, held " + b.baseUrls.size());
        }
        List<HttpUrl> endpoints = new ArrayList<>();
        for (String url : b.baseUrls) {
            HttpUrl base = HttpUrl.parse(url == null ? "" : url);
            if (base == null) {
                throw new IllegalArgumentException("baseUrl must be an http or https URL, was '" + url + "'");
            }
            String path = base.encodedPath().endsWith("/") ? base.encodedPath() : base.encodedPath() + "/";
            HttpUrl endpoint = base.newBuilder().encodedPath(path + endpointPath.replaceFirst("^/", "")).build();
            if (endpoints.contains(endpoint)) {
                throw new IllegalArgumentException("baseUrls must be distinct, '" + url + "' is given twice");
            }
            endpoints.add(endpoint);
        }
        if (b.serverFailuresBeforeBackoff < 1 || b.serverFailuresBeforeBackoff > 100) {
            throw new IllegalArgumentException("serverFailuresBeforeBackoff must be in [1, 100], was "
                    + b.serverFailuresBeforeBackoff);
        }
        requirePositive("serverBackoff", b.serverBackoff);
        this.serverFailuresBeforeBackoff = b.serverFailuresBeforeBackoff;
        this.serverBackoff = b.serverBackoff;
        this.apiKey = resolveApiKey(b);
        requirePositive("connectTimeout", b.connectTimeout);
        if (b.readTimeout != null) {
            requirePositive("readTimeout", b.readTimeout);
        }
        requirePositive("callTimeout", b.callTimeout);
        requirePositive("waitLogInterval", b.waitLogInterval);
        if (b.maxConcurrency < 1 || b.maxConcurrency > 1024) {
            throw new IllegalArgumentException("maxConcurrency must be in [1, 1024], was " + b.maxConcurrency);
        }
        this.retryPolicy = new RetryPolicy(b.maxRetries, b.initialBackoff, b.maxBackoff, b.maxRetryAfter,
                b.retryClock, b.retrySleeper, b.retryJitter);
        this.connectTimeout = b.connectTimeout;
        // Unset, the read timeout follows the call timeout: a non-streaming server sends nothing until the
        // whole completion is written, so a separate, shorter read limit would cut long generations short.
        this.readTimeout = b.readTimeout == null ? b.callTimeout : b.readTimeout;
        this.callTimeout = b.callTimeout;
        this.waitLogInterval = b.waitLogInterval;
        this.maxConcurrency = b.maxConcurrency;
        this.servers = new ServerPool(endpoints, b.maxConcurrency, b.serverFailuresBeforeBackoff, b.serverBackoff);
        // Logs and messages show scheme, host, port and path only: no user info, no query parameters.
        this.displayUrl = servers.size() == 1 ? servers.servers().get(0).displayUrl : servers.size() + " servers";
        this.requestsPerMinute = b.requestsPerMinute;
        this.tokensPerMinute = b.tokensPerMinute;
        RateLimiter limiter = new RateLimiter(b.requestsPerMinute, b.tokensPerMinute);
        this.rateLimiter = limiter.isActive() ? limiter : null;
        this.formats = new FormatNegotiation(b.maxResponseFormat, displayUrl);
        OkHttpClient parent = b.httpClient == null ? SHARED : b.httpClient;
        this.client = parent.newBuilder()
                .retryOnConnectionFailure(false)
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .writeTimeout(readTimeout)
                .callTimeout(callTimeout)
                .build();
        this.unpooledClient = client.newBuilder().connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS)).build();
    }

    private static String resolveApiKey(Builder<?, ?> b) {
        if (b.apiKey != null && b.apiKeyEnv != null) {
            throw new IllegalArgumentException("set apiKey or apiKeyFromEnv, not both (apiKeyFromEnv was '"
                    + b.apiKeyEnv + "')");
        }
        if (b.apiKeyEnv != null) {
            String v = System.getenv(b.apiKeyEnv);
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("apiKeyFromEnv: environment variable " + b.apiKeyEnv
                        + " is not set or is blank");
            }
            return v.trim();
        }
        return b.apiKey == null || b.apiKey.isBlank() ? null : b.apiKey.trim();
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be > 0, was " + d);
        }
    }

    // ---------------------------------------------------------------- what a backend provides

    /** The request's messages as the {@code [{"role": ..., "content": ...}]} array both wire formats use. */
    protected static JsonArray messagesJson(ChatRequest r) {
        JsonArray messages = new JsonArray();
        for (ChatMessage m : r.messages()) {
            JsonObject o = new JsonObject();
            o.addProperty("role", m.role().wireName());
            o.addProperty("content", m.content());
            messages.add(o);
        }
        return messages;
    }

    /**
     * Adds the request's sampling settings that are set (temperature, top_p, seed, the token limit under
     * {@code maxTokensName}, stop) to {@code into}: the body itself for OpenAI, the {@code options} for Ollama.
     */
    protected static void addSampling(JsonObject into, ChatRequest r, String maxTokensName) {
        if (r.temperature() != null) {
            into.addProperty("temperature", r.temperature());
        }
        if (r.topP() != null) {
            into.addProperty("top_p", r.topP());
        }
        if (r.maxTokens() != null) {
            into.addProperty(maxTokensName, r.maxTokens());
        }
        if (!r.stop().isEmpty()) {
            JsonArray stop = new JsonArray();
            r.stop().forEach(stop::add);
            into.add("stop", stop);
        }
        if (r.seed() != null) {
            into.addProperty("seed", r.seed());
        }
    }

    /** The JSON body for {@code request}, whose response format is already the one to send. */
    protected abstract JsonObject requestBody(ChatRequest request);

    /**
     * Reads a successful response body.
     *
     * @throws MalformedResponseException when the body lacks what the protocol promises
     */
    protected abstract ChatResponse parseResponse(JsonObject body, int statusCode);

    /** False when the backend cannot return several completions per request; the client then sends n requests. */
    protected boolean supportsMultipleCompletions() {
        return true;
    }

    // ---------------------------------------------------------------- ChatModel

    @Override
    public String modelName() {
        return modelName;
    }

    /** The per-server limit times the number of servers. */
    @Override
    public int maxConcurrency() {
        return maxConcurrency * servers.size();
    }

    /** Requests, failures and tokens of each server so far, in the order the base URLs were given. */
    public List<ServerStats> serverStats() {
        return servers.stats();
    }

    /** The strongest response format this client currently sends (lowered when a server rejected one). */
    public ResponseFormat.Type acceptedResponseFormat() {
        return formats.accepted();
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        if (request.n() > 1 && !supportsMultipleCompletions()) {
            return chatOneByOne(request);
        }
        return formats.chat(request, this::chatWithRetries);
    }

    private ChatResponse chatOneByOne(ChatRequest request) {
        List<String> texts = new ArrayList<>();
        List<FinishReason> reasons = new ArrayList<>();
        TokenUsage usage = TokenUsage.ZERO;
        for (int i = 0; i < request.n(); i++) {
            // Distinct seeds, or the n answers of a seeded backend would be identical.
            Long seed = request.seed() == null ? null : request.seed() + i;
            ChatResponse r = formats.chat(request.toBuilder().n(1).seed(seed).build(), this::chatWithRetries);
            texts.addAll(r.texts());
            reasons.addAll(r.finishReasons());
            usage = usage.plus(r.usage());
        }
        return new ChatResponse(texts, reasons, usage);
    }

    private ChatResponse chatWithRetries(ChatRequest request) {
        long estimate = estimateTokens(request);
        long requestNumber = requestsStarted.incrementAndGet();
        RetriableException last;
        ServerPool.Server failedOn = null;
        for (int attempt = 1; ; attempt++) {
            ServerPool.Lease lease;
            try {
                if (rateLimiter != null) {
                    long waited = rateLimiter.acquire(estimate);
                    if (waited > 0) {
                        LOG.debug("rate limit: waited {} ms", waited / 1_000_000L);
                    }
                }
                lease = servers.acquire(failedOn);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GoldException("interrupted while waiting to call " + displayUrl, e);
            }
            ServerPool.Server server = lease.server();
            ServerPool.Outcome outcome = ServerPool.Outcome.UNKNOWN;
            try {
                ChatResponse r = executeOnce(request, server, requestNumber, attempt);
                outcome = ServerPool.Outcome.SUCCESS;
                server.promptTokens.addAndGet(r.usage().promptTokens());
                server.completionTokens.addAndGet(r.usage().completionTokens());
                if (rateLimiter != null) {
                    rateLimiter.settle(estimate, r.usage().totalTokens());
                }
                return r;
            } catch (RetriableException e) {
                outcome = ServerPool.Outcome.FAILURE;
                last = e;
            } catch (LlmException e) {
                outcome = ServerPool.Outcome.REFUSED;
                throw e;
            } finally {
                servers.release(lease, outcome);
            }
            if (!retryPolicy.mayRetry(attempt)) {
                throw gaveUp(last, attempt);
            }
            retriesAfterFailure.incrementAndGet();
            failedOn = server;
            if (servers.size() > 1 && servers.healthyAlternative(server)) {
                LOG.warn("{} (attempt {} of {}); retrying on another server", last.getMessage(), attempt,
                        retryPolicy.maxRetries() + 1);
                continue;
            }
            Duration wait = retryPolicy.delay(attempt, last.retryAfter());
            LOG.warn("{} (attempt {} of {}); retrying in {} ms", last.getMessage(), attempt,
                    retryPolicy.maxRetries() + 1, wait.toMillis());
            try {
                retryPolicy.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GoldException("interrupted while waiting to retry " + displayUrl, e);
            }
        }
    }

    private static RetriableException gaveUp(RetriableException last, int attempts) {
        String msg = last.getMessage() + " (gave up after " + attempts + (attempts == 1 ? " attempt)" : " attempts)");
        if (last instanceof LlmTimeoutException) {
            return new LlmTimeoutException(msg, last);
        }
        return new RetriableException(msg, last.statusCode(), last.serverMessage(), last.retryAfter().orElse(null),
                last);
    }

    private static long estimateTokens(ChatRequest request) {
        long chars = 0;
        for (ChatMessage m : request.messages()) {
            chars += m.content().length() + 16;
        }
        long completion = request.maxTokens() == null ? 0 : (long) request.maxTokens() * request.n();
        return chars / 4 + completion;
    }

    private ChatResponse executeOnce(ChatRequest request, ServerPool.Server server, long requestNumber, int attempt) {
        String displayUrl = server.displayUrl;
        String displayHost = server.displayHost;
        String json = GSON.toJson(requestBody(request));
        Request.Builder rb = new Request.Builder().url(server.endpoint)
                .post(RequestBody.create(json, JSON_MEDIA))
                .header("Accept", "application/json");
        if (apiKey != null) {
            rb.header("Authorization", "Bearer " + apiKey);
        }
        long t0 = System.nanoTime();
        // A silent wait is indistinguishable from a hang: say every so often that this request is still out.
        ScheduledFuture<?> waiting = WAIT_LOG.scheduleAtFixedRate(
                () -> LOG.info("still waiting for {} after {} s (request {}, attempt {})", displayHost,
                        (System.nanoTime() - t0) / 1_000_000_000L, requestNumber, attempt),
                waitLogInterval.toNanos(), waitLogInterval.toNanos(), TimeUnit.NANOSECONDS);
        HttpAnswer answer;
        try {
            answer = send(rb.build(), t0, displayUrl);
        } finally {
            waiting.cancel(false);
        }
        int code = answer.code();
        String body = answer.body();
        long ms = (System.nanoTime() - t0) / 1_000_000L;
        LOG.debug("POST {} -> HTTP {} in {} ms, {} bytes (request {}, attempt {})", displayUrl, code, ms,
                body.length(), requestNumber, attempt);
        if (code >= 200 && code < 300) {
            JsonElement parsed;
            try {
                parsed = JsonParser.parseString(body);
            } catch (JsonParseException e) {
                throw new MalformedResponseException("POST " + displayUrl + ": HTTP " + code
                        + " body is not valid JSON: " + safe(Secrets.truncate(body, 200)), code, e);
            }
            if (!parsed.isJsonObject()) {
                throw new MalformedResponseException("POST " + displayUrl + ": HTTP " + code
                        + " body is not a JSON object: " + safe(Secrets.truncate(body, 200)), code, null);
            }
            try {
                return parseResponse(parsed.getAsJsonObject(), code);
            } catch (MalformedResponseException e) {
                // The backend's message says what is missing; the server it came from is added here.
                throw new MalformedResponseException("POST " + displayUrl + ": " + e.getMessage(), code, e.getCause());
            } catch (RuntimeException e) {
                // Gson's accessors throw IllegalStateException / UnsupportedOperationException on wrong types.
                throw new MalformedResponseException("POST " + displayUrl + ": HTTP " + code
                        + " body does not have the expected structure (" + safe(e.getMessage()) + "): "
                        + safe(Secrets.truncate(body, 200)), code, e);
            }
        }
        String serverMessage = safe(Secrets.truncate(errorMessage(body), 500));
        String reason = answer.reason();
        String msg = "POST " + displayUrl + ": HTTP " + code + (reason == null || reason.isEmpty() ? "" : " " + reason)
                + (serverMessage == null || serverMessage.isEmpty() ? "" : ": " + serverMessage);
        if (isRetriableStatus(code)) {
            Duration ra = retryPolicy.serverRequested(answer.retryAfterMs(), answer.retryAfter()).orElse(null);
            throw new RetriableException(msg, code, serverMessage, ra, null);
        }
        if (code == 401 || code == 403) {
            throw new AuthenticationException(msg, code, serverMessage);
        }
        throw new InvalidRequestException(msg, code, serverMessage);
    }

    /** What one HTTP exchange returned, read in full. */
    private record HttpAnswer(int code, String reason, String retryAfterMs, String retryAfter, String body) {
    }

    /**
     * Sends one attempt. A request that fails on a connection taken from the pool before any of the answer
     * arrived is sent again at once on a new connection, and that does not count as an attempt: the server
     * had closed the idle connection (its keep-alive ran out, or it closes after every answer without
     * saying so), so it never got the request. Everything else that fails here is a counted failure: a
     * timeout, a failure on a new connection, or one after the answer had begun.
     */
    private HttpAnswer send(Request httpRequest, long t0, String displayUrl) {
        for (boolean repeat = false; ; repeat = true) {
            Call call = (repeat ? unpooledClient : client).newCall(httpRequest);
            ConnectionTrace trace = new ConnectionTrace();
            call.addEventListener(trace);
            // A repeat gets what is left of the call timeout, not a fresh one.
            long left = callTimeout.toNanos() - (System.nanoTime() - t0);
            call.timeout().timeout(Math.max(1, left), TimeUnit.NANOSECONDS);
            try (Response resp = call.execute()) {
                return new HttpAnswer(resp.code(), resp.message(), resp.header("retry-after-ms"),
                        resp.header("Retry-After"), resp.body().string());
            } catch (InterruptedIOException e) {
                // SocketTimeoutException (connect/read) and OkHttp's call timeout are both InterruptedIOExceptions.
                throw new LlmTimeoutException("POST " + displayUrl + ": timed out after "
                        + (System.nanoTime() - t0) / 1_000_000L + " ms (" + safe(e.getMessage()) + "; limits: connect "
                        + connectTimeout.toMillis() + " ms, read " + readTimeout.toMillis() + " ms, whole call "
                        + callTimeout.toMillis() + " ms)", e);
            } catch (IOException e) {
                if (!repeat && trace.reusedConnection && !trace.answerStarted) {
                    staleConnectionRepeats.incrementAndGet();
                    LOG.debug("POST {}: pooled connection closed by the server ({}: {}); sending again on a new "
                            + "connection", displayUrl, e.getClass().getSimpleName(), safe(e.getMessage()));
                    continue;
                }
                throw new RetriableException("POST " + displayUrl + ": I/O error: " + e.getClass().getSimpleName()
                        + ": " + safe(e.getMessage()), e);
            }
        }
    }

    /**
     * What one call did on the wire: whether its connection came from the pool (acquired without being
     * opened by this call) and whether the answer had begun (the response headers were read).
     */
    private static final class ConnectionTrace extends EventListener {
        private volatile boolean connecting;
        volatile boolean reusedConnection;
        volatile boolean answerStarted;

        @Override
        public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
            connecting = true;
        }

        @Override
        public void connectionAcquired(Call call, Connection connection) {
            reusedConnection = !connecting;
        }

        @Override
        public void responseHeadersStart(Call call) {
            // OkHttp reports this once the status line and headers have been read.
            answerStarted = true;
        }
    }

    private static ScheduledExecutorService waitLogExecutor() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "gold-llm-wait-log");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    /** Attempts that failed and were retried under the retry policy; for tests. */
    long retriesAfterFailure() {
        return retriesAfterFailure.get();
    }

    /** Requests sent again at once after a pooled connection turned out closed (not attempts); for tests. */
    long staleConnectionRepeats() {
        return staleConnectionRepeats.get();
    }

    /** True for the statuses that are retried: 408, 409, 429 and 5xx. */
    public static boolean isRetriableStatus(int code) {
        return code == 408 || code == 409 || code == 429 || (code >= 500 && code <= 599);
    }

    /** An exception for a success body that lacks what the protocol promises (text redacted and shortened). */
    protected final MalformedResponseException malformed(String what, int statusCode) {
        return new MalformedResponseException("HTTP " + statusCode + " " + safe(Secrets.truncate(what, 300)),
                statusCode, null);
    }

    /** The error text of an error body: {@code error.message}, {@code error}, {@code detail}, {@code message}, or the raw body. */
    private static String errorMessage(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonElement el = JsonParser.parseString(body);
            if (el.isJsonObject()) {
                JsonObject o = el.getAsJsonObject();
                JsonElement err = o.get("error");
                if (err != null && err.isJsonObject() && err.getAsJsonObject().has("message")) {
                    return asText(err.getAsJsonObject().get("message"));
                }
                if (err != null && !err.isJsonNull()) {
                    return asText(err);
                }
                if (o.has("detail")) {
                    return asText(o.get("detail"));
                }
                if (o.has("message")) {
                    return asText(o.get("message"));
                }
            }
        } catch (JsonParseException notJson) {
            // an HTML error page from a proxy, say: keep its text
        }
        return body.strip();
    }

    private static String asText(JsonElement e) {
        return e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }

    private String safe(String text) {
        return Secrets.redact(text, apiKey);
    }

    /** Reads a string member or returns null when absent or JSON null. */
    protected static String optString(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }

    /** Reads a long member or returns 0 when absent or JSON null. */
    protected static long optLong(JsonObject o, String name) {
        JsonElement e = o == null ? null : o.get(name);
        return e == null || e.isJsonNull() ? 0L : e.getAsLong();
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("class", getClass().getName());
        d.put("model", modelName);
        if (servers.size() == 1) {
            d.put("endpoint", displayUrl);
        } else {
            List<String> urls = new ArrayList<>();
            servers.servers().forEach(s -> urls.add(s.displayUrl));
            d.put("endpoints", urls);
            d.put("maxConcurrencyPerServer", maxConcurrency);
            d.put("serverFailuresBeforeBackoff", serverFailuresBeforeBackoff);
            d.put("serverBackoffMs", serverBackoff.toMillis());
        }
        d.put("apiKey", apiKey == null ? "(none)" : "(set)");
        d.put("connectTimeoutMs", connectTimeout.toMillis());
        d.put("readTimeoutMs", readTimeout.toMillis());
        d.put("callTimeoutMs", callTimeout.toMillis());
        d.put("maxConcurrency", maxConcurrency());
        d.put("maxRetries", retryPolicy.maxRetries());
        d.put("requestsPerMinute", requestsPerMinute);
        d.put("tokensPerMinute", tokensPerMinute);
        d.put("responseFormat", formats.accepted().name());
        return d;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[model=" + modelName + ", endpoint=" + displayUrl + ", apiKey="
                + (apiKey == null ? "(none)" : Secrets.MASK) + ", maxConcurrency=" + maxConcurrency() + "]";
    }

    /**
     * Logs what each server did (requests, failures, tokens, times taken out), once; the shared connection
     * pool stays open for the library's other clients.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (ServerStats s : servers.stats()) {
            if (s.requests() > 0) {
                LOG.info("{}: {} requests, {} failed, {} prompt + {} completion tokens, taken out {} times", s.url(),
                        s.requests(), s.failures(), s.promptTokens(), s.completionTokens(), s.timesTakenOut());
            }
        }
    }

    /**
     * Settings common to the HTTP clients.
     *
     * @param <B> the concrete builder
     * @param <M> the model it builds
     */
    public abstract static class Builder<B extends Builder<B, M>, M extends HttpChatModel> {
        private List<String> baseUrls;
        private String modelName;
        private String apiKey;
        private String apiKeyEnv;
        private Duration connectTimeout = Duration.ofSeconds(30);
        private Duration readTimeout;
        private Duration callTimeout = Duration.ofMinutes(2);
        private int maxConcurrency = 4;
        private int maxRetries = 4;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration maxRetryAfter = Duration.ofSeconds(60);
        private int requestsPerMinute;
        private long tokensPerMinute;
        private ResponseFormat.Type maxResponseFormat = ResponseFormat.Type.JSON_SCHEMA;
        private OkHttpClient httpClient;
        private Duration waitLogInterval = DEFAULT_WAIT_LOG_INTERVAL;
        private int serverFailuresBeforeBackoff = 3;
        private Duration serverBackoff = Duration.ofSeconds(10);
        private Clock retryClock = Clock.systemUTC();
        private RateLimiter.Sleeper retrySleeper = RetryPolicy.THREAD_SLEEP;
        private RetryPolicy.Jitter retryJitter = RetryPolicy.RANDOM_JITTER;

        protected Builder(String defaultBaseUrl) {
            this.baseUrls = List.of(defaultBaseUrl);
        }

        @SuppressWarnings("unchecked")
        protected final B self() {
            return (B) this;
        }

        /** The server's base URL. */
        public B baseUrl(String baseUrl) {
            this.baseUrls = java.util.Collections.singletonList(baseUrl);
            return self();
        }

        /**
         * Several servers of the same model (replicas), 1 to 64 distinct URLs: requests are spread over them,
         * {@link #maxConcurrency} at a time on each (see {@link HttpChatModel}).
         */
        public B baseUrls(List<String> baseUrls) {
            if (baseUrls == null) {
                throw new IllegalArgumentException("baseUrls must not be null");
            }
            this.baseUrls = new ArrayList<>(baseUrls);
            return self();
        }

        /**
         * With several servers: failed attempts in a row after which a server is taken out for
         * {@link #serverBackoff}, in [1, 100]; default 3.
         */
        public B serverFailuresBeforeBackoff(int n) {
            this.serverFailuresBeforeBackoff = n;
            return self();
        }

        /**
         * With several servers: how long a failing server is out before a probe request; doubled after each
         * failed probe, up to 8 times; default 10 s.
         */
        public B serverBackoff(Duration d) {
            this.serverBackoff = d;
            return self();
        }

        /** The model name the server knows (required). */
        public B modelName(String modelName) {
            this.modelName = modelName;
            return self();
        }

        /** The API key, sent as a bearer token; optional (local servers need none). */
        public B apiKey(String apiKey) {
            this.apiKey = apiKey;
            return self();
        }

        /** Reads the API key from this environment variable when the model is built. */
        public B apiKeyFromEnv(String variable) {
            this.apiKeyEnv = variable;
            return self();
        }

        /** Time to open a connection; default 30 s. */
        public B connectTimeout(Duration d) {
            this.connectTimeout = d;
            return self();
        }

        /**
         * Longest silence while waiting for or reading the answer; by default the call timeout, since a
         * server that does not stream sends nothing until it has written the whole completion.
         */
        public B readTimeout(Duration d) {
            this.readTimeout = d;
            return self();
        }

        /**
         * Longest attempt, from connect to the last byte of the answer; default 2 min, enough for one
         * generation on a typical server. A slow local model writing long answers may need more.
         */
        public B callTimeout(Duration d) {
            this.callTimeout = d;
            return self();
        }

        /** Requests in flight at once from this client, per server when there are several; default 4. */
        public B maxConcurrency(int n) {
            this.maxConcurrency = n;
            return self();
        }

        /** Retries after the first attempt; default 4. */
        public B maxRetries(int n) {
            this.maxRetries = n;
            return self();
        }

        /** The first backoff; default 1 s, doubled per retry up to {@link #maxBackoff}. */
        public B initialBackoff(Duration d) {
            this.initialBackoff = d;
            return self();
        }

        /** The longest backoff; default 30 s. */
        public B maxBackoff(Duration d) {
            this.maxBackoff = d;
            return self();
        }

        /** The longest {@code Retry-After} wait obeyed; longer requests are cut to it; default 60 s. */
        public B maxRetryAfter(Duration d) {
            this.maxRetryAfter = d;
            return self();
        }

        /** Requests per minute, 0 (default) for no limit. */
        public B requestsPerMinute(int n) {
            this.requestsPerMinute = n;
            return self();
        }

        /** Tokens (prompt + completion) per minute, 0 (default) for no limit. */
        public B tokensPerMinute(long n) {
            this.tokensPerMinute = n;
            return self();
        }

        /**
         * The strongest structured-output form to try: {@code JSON_SCHEMA} (default), {@code JSON_OBJECT} or
         * {@code TEXT} (prompt instruction only), for servers known not to support more.
         */
        public B maxResponseFormat(ResponseFormat.Type type) {
            this.maxResponseFormat = type;
            return self();
        }

        /**
         * An OkHttp client to derive this model's client from (proxy, TLS, interceptors); by default the
         * library's shared client. Its timeouts are replaced by this builder's.
         */
        public B httpClient(OkHttpClient client) {
            this.httpClient = client;
            return self();
        }

        /** How often a request still waiting for its answer is logged; default 30 s. For tests. */
        B waitLogInterval(Duration d) {
            this.waitLogInterval = d;
            return self();
        }

        /**
         * The clock (for {@code Retry-After} HTTP-dates), the sleeper and the jitter source of the retry
         * policy. For tests, which check the waits exactly without spending them.
         */
        B retryTiming(Clock clock, RateLimiter.Sleeper sleeper, RetryPolicy.Jitter jitter) {
            this.retryClock = clock;
            this.retrySleeper = sleeper;
            this.retryJitter = jitter;
            return self();
        }

        /** Validates the settings and builds the model. */
        public abstract M build();
    }
}
