package io.github.goldkd.examples.bench;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import io.github.goldkd.core.GenerationMode;
import io.github.goldkd.core.GenerationRequest;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.llm.ChatMessage;
import io.github.goldkd.llm.ChatModel;
import io.github.goldkd.llm.ChatRequest;
import io.github.goldkd.llm.ChatResponse;
import io.github.goldkd.llm.LlmGenerator;
import io.github.goldkd.llm.RequestCache;
import io.github.goldkd.llm.llamacpp.LlamaCppChatModel;
import io.github.goldkd.llm.llamacpp.TinyGguf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Benchmark of the in-process llama.cpp teacher on a tiny random-weight model (written by {@link TinyGguf}):
 * how fast it generates, and what the library adds around the binding's own call.
 *
 * <ol>
 *   <li><b>Throughput</b>: a grammar forces exactly 200 one-letter tokens; tokens per second through the
 *       binding's {@code LlamaModel.complete} (the baseline) and through {@link LlamaCppChatModel#chat}.</li>
 *   <li><b>Per-request overhead on GOLD requests</b>: an {@link LlmGenerator} round (the real prompt template,
 *       JSON schema, parsing, filtering, cache) is timed; the chat requests it sent are recorded and replayed
 *       through {@code chat} and through the raw {@code complete} with the same prompt, grammar and seed, so
 *       all three do the same decoding work (the answers are checked to be identical).</li>
 *   <li><b>Native memory</b>: the process's resident memory after repeated load/close cycles.</li>
 * </ol>
 * Measurements alternate between the variants and report medians; overheads are ratios within this run.
 *
 * <p>It lives in gold-examples' test sources because its model comes from {@link TinyGguf}, a test fixture
 * of gold-llm's test jar; otherwise it uses gold-llm's public API only. Run (after {@code mvn -q -o install
 * -DskipTests -pl gold-llm -am}, which puts the test jar into the local repository):
 * {@code mvn -q -o -pl gold-examples test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.github.goldkd.examples.bench.LlamaCppBenchmark} (optional argument: rounds, default 5).
 */
public final class LlamaCppBenchmark {

    private static final int FORCED_TOKENS = 200;
    private static final String FORCED_GRAMMAR = "root ::= [a-z]{" + FORCED_TOKENS + "}";

    private LlamaCppBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dir = Files.createTempDirectory("gold-bench-");
        int code = 0;
        try {
            run(dir, rounds);
        } catch (RuntimeException | Error e) {
            // Errors too (a NoSuchMethodError from stale classes, say): uncaught, they would skip the exit below
            // and leave the JVM waiting for the binding's worker thread.
            e.printStackTrace();
            code = 1;
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
        // The binding's worker thread is not a daemon: without exit the JVM would not end.
        System.exit(code);
    }

    static void run(Path dir, int rounds) {
        Path file = TinyGguf.builder().seed(1).build().write(dir.resolve("tiny.gguf"));
        // One thread: with matrices this small, synchronising two decoding threads costs more than it saves
        // (measured: 10x slower with 2 threads on this 2-core machine); real models want all cores.
        int threads = 1;
        int ctx = 2048;
        System.out.printf("machine: %d cores, %s %s, %s %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), System.getProperty("os.name"),
                System.getProperty("os.arch"));
        System.out.printf("model: TinyGguf defaults (llama, 32-d embeddings, 2 blocks, %d-token vocabulary, F32), "
                + "context %d, %d threads%n%n", TinyGguf.vocabulary().size(), ctx, threads);

        LlamaModel raw = new LlamaModel(new ModelParameters().setModel(file.toString()).setCtxSize(ctx)
                .setThreads(threads).setThreadsBatch(threads).setParallel(1).disableContextShift().disableLog());
        LlamaCppChatModel model = LlamaCppChatModel.builder().modelPath(file).contextSize(ctx).threads(threads)
                .maxStringLength(200).build();
        try {
            throughput(raw, model, file, rounds);
            goldRequests(raw, model, rounds);
        } finally {
            model.close();
            raw.close();
        }
        nativeMemory(file);
    }

    /** 1. Tokens per second with a fixed number of generated tokens. */
    private static void throughput(LlamaModel raw, LlamaCppChatModel model, Path file, int rounds) {
        List<ChatMessage> messages = List.of(ChatMessage.user("Write letters."));
        String prompt = model.formatPrompt(messages);
        int perRound = 10;
        List<Double> rawTps = new ArrayList<>();
        List<Double> chatTps = new ArrayList<>();
        List<Double> streamTps = new ArrayList<>();
        try (LlamaCppChatModel forced = LlamaCppChatModel.builder().modelPath(file).contextSize(2048).threads(1)
                .grammar(r -> FORCED_GRAMMAR).build()) {
            long tokens = 0;
            for (int r = -1; r < rounds; r++) { // round -1 warms up
                long t0 = System.nanoTime();
                for (int i = 0; i < perRound; i++) {
                    raw.complete(forcedParams(prompt, r * perRound + i));
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < perRound; i++) {
                    for (LlamaOutput ignored : raw.generate(forcedParams(prompt, r * perRound + i))) {
                        // drain the stream
                    }
                }
                long t2 = System.nanoTime();
                tokens = 0;
                for (int i = 0; i < perRound; i++) {
                    tokens += forced.chat(forcedRequest(messages, r * perRound + i)).usage().completionTokens();
                }
                long t3 = System.nanoTime();
                if (r < 0) {
                    continue;
                }
                // FORCED_TOKENS letters plus the end-of-generation token per request.
                rawTps.add(perRound * (FORCED_TOKENS + 1) / ((t1 - t0) / 1e9));
                streamTps.add(perRound * (FORCED_TOKENS + 1) / ((t2 - t1) / 1e9));
                chatTps.add(tokens / ((t3 - t2) / 1e9));
            }
            if (tokens != (long) perRound * (FORCED_TOKENS + 1)) {
                throw new IllegalStateException("expected " + perRound * (FORCED_TOKENS + 1) + " tokens, counted " + tokens);
            }
        }
        double rawMed = median(rawTps);
        double chatMed = median(chatTps);
        double streamMed = median(streamTps);
        System.out.println("1. throughput, " + FORCED_TOKENS + " forced tokens per request, " + perRound
                + " requests x " + rounds + " rounds (median)");
        System.out.println("| path | tokens/s | time vs raw |");
        System.out.println("|---|---:|---:|");
        System.out.printf("| raw LlamaModel.complete | %.0f | 1.00 |%n", rawMed);
        System.out.printf("| raw LlamaModel.generate (streamed) | %.0f | %.2f |%n", streamMed, rawMed / streamMed);
        System.out.printf("| LlamaCppChatModel.chat | %.0f | %.2f |%n%n", chatMed, rawMed / chatMed);
    }

    private static ChatRequest forcedRequest(List<ChatMessage> messages, long seed) {
        return ChatRequest.builder().messages(messages).temperature(1.0).seed(seed).maxTokens(FORCED_TOKENS + 1).build();
    }

    private static InferenceParameters forcedParams(String prompt, long seed) {
        return new InferenceParameters(prompt).setNPredict(FORCED_TOKENS + 1).setTemperature(1f).setTopP(0.95f)
                .setSeed((int) seed).setCachePrompt(false).setGrammar(FORCED_GRAMMAR);
    }

    /** 2. LlmGenerator rounds, and the same requests replayed through chat and through the raw binding. */
    private static void goldRequests(LlamaModel raw, LlamaCppChatModel model, int rounds) {
        Task task = Task.classification("sentiment", "Sentiment of a product review.",
                List.of(new Label("negative", "the writer dislikes the product"),
                        new Label("positive", "the writer likes the product")),
                List.of(Sample.real("d1", "Broke after two days. Avoid.", "negative"),
                        Sample.real("d2", "Works perfectly, great battery.", "positive"),
                        Sample.real("d3", "Not worth the money at all.", "negative")));
        List<String> labels = List.of("negative", "positive", "negative", "positive", "negative", "positive",
                "negative", "positive");
        List<Double> genMs = new ArrayList<>();
        List<Double> chatMs = new ArrayList<>();
        List<Double> rawMs = new ArrayList<>();
        List<Double> chatRatio = new ArrayList<>();
        List<Double> genRatio = new ArrayList<>();
        List<Double> chatExtraMs = new ArrayList<>();
        List<Double> genExtraMs = new ArrayList<>();
        long requests = 0;
        long promptTokens = 0;
        long completionTokens = 0;
        boolean identical = true;
        for (int r = -1; r < rounds; r++) { // round -1 warms up
            Recording rec = new Recording(model);
            long t0 = System.nanoTime();
            try (LlmGenerator gen = LlmGenerator.builder().chatModel(rec).cache(RequestCache.inMemory())
                    .maxTokens(400).maxAttemptsPerSample(4).build()) {
                gen.generate(new GenerationRequest(task, GenerationMode.TRAIN, labels, List.of(), r + 1, 1000 + r));
            }
            long t1 = System.nanoTime();
            List<String> viaChat = new ArrayList<>();
            long pt = 0;
            long ct = 0;
            for (ChatRequest cr : rec.requests) {
                ChatResponse resp = model.chat(cr);
                viaChat.add(resp.text());
                pt += resp.usage().promptTokens();
                ct += resp.usage().completionTokens();
            }
            long t2 = System.nanoTime();
            // Prompt and grammar are prepared outside the timed loop: the baseline is the binding's call alone.
            List<InferenceParameters> params = new ArrayList<>();
            for (ChatRequest cr : rec.requests) {
                if (cr.seed() == null || cr.seed() < 0 || cr.seed() > Integer.MAX_VALUE) {
                    throw new IllegalStateException("LlmGenerator sent a seed that is not 31-bit: " + cr.seed());
                }
                params.add(new InferenceParameters(model.formatPrompt(cr.messages())).setNPredict(cr.maxTokens())
                        .setTemperature(cr.temperature().floatValue()).setTopP(0.95f)
                        .setSeed(cr.seed().intValue()).setCachePrompt(false).setGrammar(model.grammarFor(cr)));
            }
            List<String> viaRaw = new ArrayList<>();
            long t3 = System.nanoTime();
            for (InferenceParameters p : params) {
                viaRaw.add(raw.complete(p));
            }
            long t4 = System.nanoTime();
            if (r < 0) {
                continue;
            }
            identical &= viaRaw.equals(viaChat) && viaChat.equals(rec.answers);
            double g = (t1 - t0) / 1e6;
            double c = (t2 - t1) / 1e6;
            double w = (t4 - t3) / 1e6;
            genMs.add(g);
            chatMs.add(c);
            rawMs.add(w);
            // Rounds differ in their number of requests (retries); ratios are taken within a round.
            chatRatio.add(c / w);
            genRatio.add(g / w);
            chatExtraMs.add((c - w) / rec.requests.size());
            genExtraMs.add((g - w) / rec.requests.size());
            requests += rec.requests.size();
            promptTokens += pt;
            completionTokens += ct;
        }
        double perRequest = (double) requests / rounds;
        System.out.printf("2. GOLD requests: LlmGenerator batches of %d samples (%.1f requests per batch, %.0f prompt + "
                        + "%.0f completion tokens per request), %d rounds (medians; ratios within each round)%n",
                labels.size(), perRequest, (double) promptTokens / requests, (double) completionTokens / requests, rounds);
        System.out.println("| path | ms per batch | ms per request over raw | time vs raw |");
        System.out.println("|---|---:|---:|---:|");
        System.out.printf("| raw LlamaModel.complete | %.1f | 0 | 1.00 |%n", median(rawMs));
        System.out.printf("| LlamaCppChatModel.chat | %.1f | %+.2f | %.2f |%n", median(chatMs), median(chatExtraMs),
                median(chatRatio));
        System.out.printf("| LlmGenerator.generate | %.1f | %+.2f | %.2f |%n", median(genMs), median(genExtraMs),
                median(genRatio));
        System.out.printf("raw throughput %.0f tokens/s (prompt + completion); identical answers on all three paths: "
                + "%s%n%n", (promptTokens + completionTokens) / (median(rawMs) * rounds / 1000), identical);
    }

    /** 3. Resident memory over load/close cycles (java-llama.cpp 4.2.0 does not free a closed model). */
    private static void nativeMemory(Path file) {
        int cycles = 10;
        ModelParameters p = new ModelParameters().setModel(file.toString()).setCtxSize(2048).setThreads(1)
                .setParallel(1).disableContextShift().disableLog();
        long r0 = rssKb();
        for (int i = 0; i < cycles; i++) {
            new LlamaModel(p).close();
        }
        long r1 = rssKb();
        for (int i = 0; i < cycles; i++) {
            LlamaCppChatModel.builder().modelPath(file).contextSize(2048).threads(1).build().close();
        }
        long r2 = rssKb();
        System.out.println("3. native memory: resident set growth over " + cycles
                + " load/close cycles of the tiny model (context 2048)");
        System.out.println("| path | MB per cycle |");
        System.out.println("|---|---:|");
        System.out.printf("| raw LlamaModel: new + close | %+.2f |%n", (r1 - r0) / 1024.0 / cycles);
        System.out.printf("| LlamaCppChatModel: build + close (pooled) | %+.2f |%n", (r2 - r1) / 1024.0 / cycles);
    }

    private static long rssKb() {
        System.gc();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    /** Passes requests on and records them with their answers, in order. */
    private static final class Recording implements ChatModel {
        final ChatModel delegate;
        final List<ChatRequest> requests = Collections.synchronizedList(new ArrayList<>());
        final List<String> answers = Collections.synchronizedList(new ArrayList<>());

        Recording(ChatModel delegate) {
            this.delegate = delegate;
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            ChatResponse r = delegate.chat(request);
            synchronized (this) {
                requests.add(request);
                answers.add(r.text());
            }
            return r;
        }

        @Override
        public String modelName() {
            return delegate.modelName();
        }

        @Override
        public int maxConcurrency() {
            return delegate.maxConcurrency();
        }
    }
}
