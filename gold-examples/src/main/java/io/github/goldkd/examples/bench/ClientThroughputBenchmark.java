package io.github.goldkd.examples.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import io.github.goldkd.core.GeneratedBatch;
import io.github.goldkd.core.GenerationMode;
import io.github.goldkd.core.GenerationRequest;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.llm.ChatMessage;
import io.github.goldkd.llm.ChatModel;
import io.github.goldkd.llm.ChatRequest;
import io.github.goldkd.llm.LlmGenerator;
import io.github.goldkd.llm.OpenAiChatModel;
import io.github.goldkd.llm.ServerStats;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Client throughput against a slow local server: a loopback OpenAI-compatible server that answers every
 * request after a fixed delay (default 200 ms), and N requests (default 64) sent through
 * {@link OpenAiChatModel} with its concurrency limit at C (default 8). The ideal is {@code C / delay}
 * requests per second (40 for the defaults); the target is at least 90 % of it. Also reported: the CPU time
 * the client threads spend per request (ThreadMXBean), and the same measurement through
 * {@link LlmGenerator} (prompt rendering, parsing, filtering included).
 *
 * <p>Then the same against S such servers (default 3) behind one client with several base URLs, C in flight on
 * each (ideal {@code S * C / delay}, 120 requests per second for the defaults), S x 120 requests per run; and
 * the same again with one server stopped once a third of the requests are answered (requests in flight there
 * are cut off, later connections refused): every request must still be answered and every sample generated.
 *
 * <p>Run (see BENCHMARKS.md): {@code java -cp ... io.github.goldkd.examples.bench.ClientThroughputBenchmark
 * [requests concurrency delayMs reps servers]}, default {@code 64 8 200 5 3}.
 */
public final class ClientThroughputBenchmark {

    private ClientThroughputBenchmark() {
    }

    /**
     * One measured run.
     *
     * @param path              "client" (chat calls) or "generator" (LlmGenerator samples)
     * @param requests          requests sent
     * @param seconds           wall time
     * @param requestsPerSecond achieved rate
     * @param ideal             concurrency / delay
     * @param cpuMicrosPerRequest client-thread CPU time per request, microseconds
     * @param maxInFlight       most requests the server saw at once
     */
    public record Run(String path, int requests, double seconds, double requestsPerSecond, double ideal,
                      double cpuMicrosPerRequest, int maxInFlight, String servers) {
        Run(String path, int requests, double seconds, double requestsPerSecond, double ideal,
            double cpuMicrosPerRequest, int maxInFlight) {
            this(path, requests, seconds, requestsPerSecond, ideal, cpuMicrosPerRequest, maxInFlight, "");
        }

        public double ratio() {
            return requestsPerSecond / ideal;
        }
    }

    /** The result: every measured run of both paths. */
    public record Result(int requests, int concurrency, long delayMillis, List<Run> client, List<Run> generator) {
        static Run median(List<Run> runs) {
            List<Run> sorted = new ArrayList<>(runs);
            sorted.sort((a, b) -> Double.compare(a.requestsPerSecond(), b.requestsPerSecond()));
            return sorted.get(sorted.size() / 2);
        }
    }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        long delay = args.length > 2 ? Long.parseLong(args[2]) : 200;
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        int serverCount = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        System.out.printf(Locale.ROOT, "load average at start: %.1f on %d processors%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        Result r = run(requests, concurrency, delay, reps);
        System.out.printf(Locale.ROOT, "%d requests, concurrency %d, server delay %d ms, ideal %.1f req/s; %d runs each%n",
                requests, concurrency, delay, concurrency * 1000.0 / delay, reps);
        System.out.println("| path | run | wall s | req/s | ratio to ideal | client CPU per request | max in flight |");
        System.out.println("|---|---|---|---|---|---|---|");
        print(r.client());
        print(r.generator());
        Run mc = Result.median(r.client());
        Run mg = Result.median(r.generator());
        System.out.printf(Locale.ROOT, "median: client %.1f req/s (%.1f %%), generator %.1f req/s (%.1f %%); target >= 90 %%%n",
                mc.requestsPerSecond(), 100 * mc.ratio(), mg.requestsPerSecond(), 100 * mg.ratio());
        int multiRequests = serverCount * 120;
        List<Run> multi = runSeveral(serverCount, multiRequests, concurrency, delay, Math.max(1, (reps + 1) / 2));
        System.out.printf(Locale.ROOT, "%n%d servers, %d requests per run, concurrency %d each, server delay %d ms, "
                + "ideal %.1f req/s%n", serverCount, multiRequests, concurrency, delay,
                serverCount * concurrency * 1000.0 / delay);
        System.out.println("| path | run | wall s | req/s | ratio to ideal | client CPU per request | max in flight "
                + "per server | server time per answer | per server: requests/failures/taken out |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < multi.size(); i++) {
            Run x = multi.get(i);
            System.out.printf(Locale.ROOT, "| %s | %d | %.3f | %.1f | %.1f %% | %.0f µs | %d | %s |%n", x.path(), i + 1,
                    x.seconds(), x.requestsPerSecond(), 100 * x.ratio(), x.cpuMicrosPerRequest(), x.maxInFlight(),
                    x.servers());
        }
        System.out.printf(Locale.ROOT, "load average at the end: %.1f%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /**
     * Client and generator runs against {@code serverCount} servers, each path once with all servers up and once
     * with one stopped mid-run; {@code reps} rounds of the four after one warm-up round.
     */
    static List<Run> runSeveral(int serverCount, int requests, int concurrency, long delayMillis, int reps)
            throws Exception {
        List<Run> runs = new ArrayList<>();
        for (int rep = -1; rep < reps; rep++) {
            for (String path : List.of("client", "generator")) {
                for (boolean kill : List.of(false, true)) {
                    Run r = severalOnce(path, kill, serverCount, requests, concurrency, delayMillis, 100 + rep);
                    if (rep >= 0) { // the first round warms up
                        runs.add(r);
                    }
                }
            }
        }
        runs.sort((a, b) -> a.path().compareTo(b.path()));
        return runs;
    }

    private static Run severalOnce(String path, boolean kill, int serverCount, int requests, int concurrency,
                                   long delayMillis, long seed) throws Exception {
        List<SlowServer> servers = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < serverCount; i++) {
            SlowServer s = new SlowServer(delayMillis, concurrency * 2 + 8);
            servers.add(s);
            urls.add(s.baseUrl());
        }
        Thread killer = null;
        AtomicInteger stoppedAt = new AtomicInteger(-1);
        try (OpenAiChatModel model = OpenAiChatModel.builder().baseUrls(urls).modelName("bench-model")
                .maxConcurrency(concurrency).maxRetries(4).build()) {
            if (kill) {
                SlowServer victim = servers.get(serverCount / 2);
                killer = new Thread(() -> {
                    while (answered(servers) < requests / 3) {
                        try {
                            Thread.sleep(2);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    stoppedAt.set(answered(servers));
                    victim.stop();
                }, "bench-killer");
                killer.setDaemon(true);
                killer.start();
            }
            Run r;
            Supplier<Integer> maxInFlight = () -> servers.stream().mapToInt(s -> s.maxInFlight.get()).max().orElse(0);
            if (path.equals("client")) {
                r = clientRun(model, servers.get(0), requests, concurrency * serverCount, delayMillis);
            } else {
                r = generatorRun(model, servers.get(0), requests, concurrency * serverCount, delayMillis, seed);
            }
            if (killer != null) {
                killer.join(10_000);
            }
            long answers = 0;
            long nanos = 0;
            for (SlowServer s : servers) {
                answers += s.answered.get();
                nanos += s.serviceNanos.get();
            }
            // The server's own time per answer, the sleep included: above the nominal delay, the machine's load
            // (threads waiting for a core) slowed the servers, which no client can make up for.
            StringBuilder per = new StringBuilder();
            for (ServerStats st : model.serverStats()) {
                per.append(per.length() == 0 ? "" : ", ").append(st.requests()).append('/').append(st.failures())
                        .append('/').append(st.timesTakenOut());
            }
            if (kill) {
                per.append(" (stopped after ").append(stoppedAt.get()).append(" answers)");
            }
            per.insert(0, String.format(Locale.ROOT, "%.0f ms | ", answers == 0 ? 0.0 : nanos / 1e6 / answers));
            return new Run(path + (kill ? ", one server stopped" : ""), r.requests(), r.seconds(),
                    r.requestsPerSecond(), r.ideal(), r.cpuMicrosPerRequest(), maxInFlight.get(), per.toString());
        } finally {
            for (SlowServer s : servers) {
                s.stop();
            }
        }
    }

    private static int answered(List<SlowServer> servers) {
        return servers.stream().mapToInt(s -> s.answered.get()).sum();
    }

    private static void print(List<Run> runs) {
        for (int i = 0; i < runs.size(); i++) {
            Run x = runs.get(i);
            System.out.printf(Locale.ROOT, "| %s | %d | %.3f | %.1f | %.1f %% | %.0f µs | %d |%n", x.path(), i + 1,
                    x.seconds(), x.requestsPerSecond(), 100 * x.ratio(), x.cpuMicrosPerRequest(), x.maxInFlight());
        }
    }

    /** Starts the server, warms up, and measures {@code reps} runs of each path. */
    public static Result run(int requests, int concurrency, long delayMillis, int reps) throws Exception {
        // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm and the
        // client's delayed ACK add ~40 ms to every answer. Real servers (llama.cpp, vLLM) set it too.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        SlowServer server = new SlowServer(delayMillis, requests + 8);
        try (ChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).modelName("bench-model")
                .maxConcurrency(concurrency).maxRetries(0).build()) {
            for (int w = 0; w < 5; w++) { // warm-up: JIT, connection pool
                clientRun(model, server, requests, concurrency, delayMillis);
                generatorRun(model, server, requests, concurrency, delayMillis, 1000 + w);
            }
            List<Run> client = new ArrayList<>();
            List<Run> generator = new ArrayList<>();
            for (int i = 0; i < reps; i++) {
                client.add(clientRun(model, server, requests, concurrency, delayMillis));
                generator.add(generatorRun(model, server, requests, concurrency, delayMillis, i));
            }
            return new Result(requests, concurrency, delayMillis, client, generator);
        } finally {
            server.stop();
        }
    }

    private static double ideal(int concurrency, long delayMillis) {
        return concurrency * 1000.0 / delayMillis;
    }

    /** {@code requests} chat calls from as many threads; the model's limit keeps {@code concurrency} in flight. */
    private static Run clientRun(ChatModel model, SlowServer server, int requests, int concurrency, long delay)
            throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        AtomicLong cpu = new AtomicLong();
        server.maxInFlight.set(0);
        server.serviceNanos.set(0);
        server.answered.set(0);
        ExecutorService callers = Executors.newFixedThreadPool(requests);
        try {
            List<Future<?>> fs = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < requests; i++) {
                final int n = i;
                fs.add(callers.submit(() -> {
                    long c0 = mx.getCurrentThreadCpuTime();
                    model.chat(ChatRequest.builder().addMessage(ChatMessage.user("request " + n + ": say something"))
                            .temperature(1.0).maxTokens(64).seed((long) n).build());
                    cpu.addAndGet(mx.getCurrentThreadCpuTime() - c0);
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            return new Run("client", requests, s, requests / s, ideal(concurrency, delay),
                    cpu.get() / 1e3 / requests, server.maxInFlight.get());
        } finally {
            callers.shutdownNow();
        }
    }

    /** One {@link LlmGenerator} batch of {@code requests} samples with parallelism {@code concurrency}. */
    private static Run generatorRun(ChatModel model, SlowServer server, int requests, int concurrency, long delay,
                                    long seed) {
        Task task = Task.classification("bench", "Movie reviews.",
                List.of(new Label("positive", "liked it"), new Label("negative", "disliked it")),
                List.of(Sample.real("d1", "Superb acting and a moving story.", "positive"),
                        Sample.real("d2", "Dull, long and predictable.", "negative")));
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            labels.add(i % 2 == 0 ? "positive" : "negative");
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        server.maxInFlight.set(0);
        server.serviceNanos.set(0);
        server.answered.set(0);
        try (LlmGenerator gen = LlmGenerator.builder().chatModel(model).parallelism(concurrency).build()) {
            long main0 = mx.getCurrentThreadCpuTime();
            long pool0 = poolCpu(mx);
            long t0 = System.nanoTime();
            GeneratedBatch b = gen.generate(new GenerationRequest(task, GenerationMode.TRAIN, labels, List.of(), 0,
                    seed));
            double s = (System.nanoTime() - t0) / 1e9;
            long cpu = mx.getCurrentThreadCpuTime() - main0 + poolCpu(mx) - pool0;
            if (b.samples().size() != requests || b.stats().requests() != requests) {
                throw new IllegalStateException("generator kept " + b.samples().size() + " samples from "
                        + b.stats().requests() + " requests, rejects " + b.stats().rejects());
            }
            return new Run("generator", requests, s, requests / s, ideal(concurrency, delay), cpu / 1e3 / requests,
                    server.maxInFlight.get());
        }
    }

    /** CPU time of the generator's worker threads. */
    private static long poolCpu(ThreadMXBean mx) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("gold-llm-")) {
                long c = mx.getThreadCpuTime(t.getId());
                sum += Math.max(0, c);
            }
        }
        return sum;
    }

    /** A loopback OpenAI-compatible server that answers after a fixed delay with a JSON sample. */
    private static final class SlowServer {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final AtomicInteger answered = new AtomicInteger();
        /** Time from a request's arrival at its handler to its answer written, summed over the answers. */
        final AtomicLong serviceNanos = new AtomicLong();
        private final HttpServer http;
        private final ExecutorService pool;

        SlowServer(long delayMillis, int threads) throws IOException {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
            AtomicInteger n = new AtomicInteger();
            pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "bench-server-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            http.setExecutor(pool);
            http.createContext("/v1/chat/completions", ex -> {
                long arrived = System.nanoTime();
                int now = inFlight.incrementAndGet();
                maxInFlight.accumulateAndGet(now, Math::max);
                boolean counted = true;
                try (InputStream in = ex.getRequestBody(); OutputStream out = ex.getResponseBody()) {
                    JsonObject req = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                            .getAsJsonObject();
                    long seed = req.has("seed") ? req.get("seed").getAsLong() : 0;
                    Thread.sleep(delayMillis);
                    String content = "{\"text\": \"Review " + seed + ": " + words(seed) + "\", \"label\": \""
                            + label(req) + "\"}";
                    JsonObject msg = new JsonObject();
                    msg.addProperty("role", "assistant");
                    msg.addProperty("content", content);
                    byte[] body = ("{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":"
                            + msg + ",\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":120,"
                            + "\"completion_tokens\":30}}").getBytes(StandardCharsets.UTF_8);
                    // Counted out before the answer leaves: the client may send its next request as soon as
                    // it has read this one, before this thread gets to its finally block.
                    inFlight.decrementAndGet();
                    counted = false;
                    ex.getResponseHeaders().add("Content-Type", "application/json");
                    ex.sendResponseHeaders(200, body.length);
                    out.write(body);
                    serviceNanos.addAndGet(System.nanoTime() - arrived);
                    answered.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    if (counted) {
                        inFlight.decrementAndGet();
                    }
                }
            });
            http.start();
        }

        private static String label(JsonObject req) {
            String all = req.getAsJsonArray("messages").toString();
            return all.contains("label is \\\"negative\\\"") ? "negative" : "positive";
        }

        /** Distinct word sequences per seed, so that the generator's duplicate filter keeps every sample. */
        private static String words(long seed) {
            String[] w = {"plot", "cast", "score", "pacing", "ending", "camera", "script", "twist", "hero", "music",
                    "setting", "drama", "humour", "editing", "villain", "romance"};
            StringBuilder sb = new StringBuilder();
            long s = seed;
            for (int i = 0; i < 12; i++) {
                sb.append(w[(int) Math.floorMod(s, (long) w.length)]).append(' ');
                s = s / w.length ^ (0x9E3779B97F4A7C15L * (i + 1));
            }
            return sb.toString().strip() + Arrays.toString(new long[]{seed});
        }

        String baseUrl() {
            return "http://" + http.getAddress().getHostString() + ":" + http.getAddress().getPort() + "/v1";
        }

        void stop() {
            http.stop(0);
            pool.shutdownNow();
        }
    }
}
