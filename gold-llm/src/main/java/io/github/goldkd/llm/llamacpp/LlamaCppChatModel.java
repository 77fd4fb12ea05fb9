package io.github.goldkd.llm.llamacpp;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.llm.ChatMessage;
import io.github.goldkd.llm.ChatModel;
import io.github.goldkd.llm.ChatRequest;
import io.github.goldkd.llm.ChatResponse;
import io.github.goldkd.llm.FinishReason;
import io.github.goldkd.llm.LlmException;
import io.github.goldkd.llm.ResponseFormat;
import io.github.goldkd.llm.TokenUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A chat model that runs a GGUF model file inside the JVM with llama.cpp (through {@code de.kherud:llama}
 * 4.2.0): no server, no network.
 *
 * <pre>{@code
 * try (LlamaCppChatModel teacher = LlamaCppChatModel.builder()
 *         .modelPath(Path.of("qwen2.5-1.5b-instruct-q4_k_m.gguf"))
 *         .contextSize(4096)
 *         .threads(4)
 *         .build()) {
 *     LlmGenerator generator = LlmGenerator.builder().chatModel(teacher).cacheFile(dir.resolve("cache.jsonl")).build();
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Prompt.</b> The messages are formatted with the model file's chat template
 * ({@code tokenizer.chat_template}); a file without one is formatted with ChatML (llama.cpp's fallback), and
 * {@link Builder#chatTemplate} overrides both. {@link #formatPrompt} shows the exact text.
 *
 * <p><b>Constrained output.</b> When a request asks for JSON, the answer is constrained by a GBNF grammar, so
 * that it always parses: a {@link ResponseFormat.Type#JSON_SCHEMA} schema is converted by
 * {@link GbnfGrammar#fromJsonSchema} (schemas outside its subset by llama.cpp's own converter, run in a child
 * JVM because it ends the process on a schema it cannot convert),
 * {@link ResponseFormat.Type#JSON_OBJECT} gets {@link GbnfGrammar#jsonObject}. Strings are bounded by
 * {@link Builder#maxStringLength} so that even a weak model finishes. {@link Builder#grammar} replaces this
 * with a grammar per request (e.g. {@link GbnfGrammar#forSample} with the label fixed).
 *
 * <p><b>Sampling.</b> A request's temperature, top-p, token limit and seed override the builder's defaults.
 * The same seed with the same prompt gives the same answer (prompt caching is off by default because reusing
 * a cached prefix could change the last bits of the logits). A request for {@code n > 1} completions runs them
 * one after another with seeds {@code seed, seed + 1, ...}.
 *
 * <p><b>Usage and finish reason.</b> Prompt tokens are counted with the model's tokenizer (plus the BOS/EOS
 * tokens llama.cpp adds), once per request; completion tokens are the pieces streamed by llama.cpp (a
 * character spread over several byte tokens counts once), summed over the completions. An answer that did
 * not end with the model's end-of-generation token or a stop sequence is {@link FinishReason#LENGTH}: it hit
 * the token limit or the end of the context.
 *
 * <p><b>Concurrency.</b> Calls are <em>serialised</em>: one fair lock admits one {@link #chat} at a time (the
 * model is loaded with one llama.cpp slot, which decodes one sequence at a time, using all its threads), and
 * {@link #maxConcurrency()} is 1, so a caller sizes its pool accordingly. An interrupted caller stops its generation between two tokens.
 *
 * <p><b>Native resources.</b> {@link #close()} waits for a running call and releases the native model; further
 * calls on this instance fail. The binding 4.2.0 cannot free a model's native memory (its {@code close} stops
 * the worker but frees nothing: java-llama.cpp issue 102, about 20 MB kept per load/close cycle of even the
 * tiny test model), so a closed instance hands its loaded model to a process-wide pool, and the next builder
 * with the same file and load settings (context size, threads, chat template) takes it from there instead of
 * loading again: native memory is bounded by the models open at the same time, not by how often they are
 * opened. The binding's worker thread is not a daemon, so an application that loaded a model ends with
 * {@code System.exit}. llama.cpp's own log goes to SLF4J (logger {@code io.github.goldkd.llm.llamacpp.native},
 * debug and trace); its server layer's log is switched off.
 */
public final class LlamaCppChatModel implements ChatModel {

    private static final Logger LOG = LoggerFactory.getLogger(LlamaCppChatModel.class);

    /** Loads are serialised: each one resets the process-wide log callback, which is installed again after it. */
    private static final Object LOAD_LOCK = new Object();

    private final Path modelPath;
    private final String modelName;
    private final int contextSize;
    private final int threads;
    private final double temperature;
    private final double topP;
    private final long seed;
    private final int maxTokens;
    private final int maxStringLength;
    private final String chatTemplate;
    private final boolean jinja;
    private final boolean cachePrompt;
    private final Function<ChatRequest, String> grammarProvider;
    /** Sees each streamed piece before the next one is asked for; null but in tests. */
    private final Consumer<String> pieceListener;
    private final boolean fileHasChatTemplate;
    private final int specialPromptTokens;
    private final Map<String, String> schemaGrammars = new ConcurrentHashMap<>();

    private final ReentrantLock lock = new ReentrantLock(true);
    /** Guarded by lock. */
    private final Map<List<ChatMessage>, Prompt> recentPrompts = new LinkedHashMap<>(32, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<ChatMessage>, Prompt> eldest) {
            return size() > 32;
        }
    };
    private LlamaModel model; // null once closed; guarded by lock
    private final LoadedModels.Key poolKey;

    private LlamaCppChatModel(Builder b, GgufMetadata meta, LlamaModel model, LoadedModels.Key key) {
        this.poolKey = key;
        this.modelPath = b.modelPath;
        this.modelName = b.modelName != null ? b.modelName : b.modelPath.getFileName().toString();
        this.contextSize = b.contextSize;
        this.threads = b.threads;
        this.temperature = b.temperature;
        this.topP = b.topP;
        this.seed = b.seed;
        this.maxTokens = b.maxTokens != null ? b.maxTokens : Math.min(512, b.contextSize / 2);
        this.maxStringLength = b.maxStringLength;
        this.chatTemplate = b.chatTemplate;
        this.jinja = b.jinja;
        this.cachePrompt = b.cachePrompt;
        this.grammarProvider = b.grammarProvider;
        this.pieceListener = b.pieceListener;
        this.fileHasChatTemplate = meta.hasChatTemplate();
        this.specialPromptTokens = (meta.addsBos() ? 1 : 0) + (meta.addsEos() ? 1 : 0);
        this.model = model;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        String grammar = grammarFor(request);
        lockInterruptibly("waiting for the model");
        try {
            LlamaModel m = open();
            long start = System.nanoTime();
            Prompt formatted = prompt(m, request.messages());
            String prompt = formatted.text;
            int promptTokens = formatted.tokens;
            if (promptTokens >= contextSize) {
                throw new LlamaCppInvalidRequestException("the prompt has " + promptTokens + " tokens, which leaves "
                        + "no room in the context of " + contextSize + " tokens; raise contextSize", null, null);
            }
            int limit = request.maxTokens() != null ? request.maxTokens() : maxTokens;
            int nPredict = Math.min(limit, contextSize - promptTokens);
            long baseSeed = request.seed() != null ? request.seed() : seed;
            List<String> texts = new ArrayList<>(request.n());
            List<FinishReason> reasons = new ArrayList<>(request.n());
            long completionTokens = 0;
            for (int k = 0; k < request.n(); k++) {
                InferenceParameters p = new InferenceParameters(prompt)
                        .setNPredict(nPredict)
                        .setTemperature((float) (request.temperature() != null ? request.temperature() : temperature))
                        .setTopP((float) (request.topP() != null ? request.topP() : topP))
                        .setSeed(nativeSeed(baseSeed + k))
                        .setCachePrompt(cachePrompt);
                if (grammar != null) {
                    p.setGrammar(grammar);
                }
                if (!request.stop().isEmpty()) {
                    p.setStopStrings(request.stop().toArray(String[]::new));
                }
                Completion c = generate(m, p, nPredict, !request.stop().isEmpty());
                texts.add(c.text);
                reasons.add(c.finish);
                completionTokens += c.pieces;
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug("{}: {} prompt + {} completion tokens in {} ms, finish {}", modelName, promptTokens,
                        completionTokens, (System.nanoTime() - start) / 1_000_000, reasons);
            }
            return new ChatResponse(texts, reasons, new TokenUsage(promptTokens, completionTokens));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The prompt text the model sees for {@code messages}: the messages formatted with the chat template
     * (see the class comment), ending with the assistant's turn.
     */
    public String formatPrompt(List<ChatMessage> messages) {
        Objects.requireNonNull(messages, "messages");
        lockInterruptibly("waiting for the model");
        try {
            return format(open(), messages);
        } finally {
            lock.unlock();
        }
    }

    /** The number of tokens the model's tokenizer makes of {@code text} (no BOS or EOS added). */
    public int countTokens(String text) {
        Objects.requireNonNull(text, "text");
        lockInterruptibly("waiting for the model");
        try {
            return open().encode(text).length;
        } finally {
            lock.unlock();
        }
    }

    /** The grammar this model would constrain {@code request} with, or null for free text. */
    public String grammarFor(ChatRequest request) {
        if (grammarProvider != null) {
            String g = grammarProvider.apply(request);
            if (g != null) {
                return checked(g, "the grammar of Builder.grammar's provider");
            }
        }
        ResponseFormat f = request.responseFormat();
        return switch (f.type()) {
            case TEXT -> null;
            case JSON_OBJECT -> schemaGrammars.computeIfAbsent("", k -> GbnfGrammar.jsonObject(maxStringLength));
            case JSON_SCHEMA -> schemaGrammars.computeIfAbsent(f.schema(), this::schemaGrammar);
        };
    }

    private String schemaGrammar(String schema) {
        try {
            return GbnfGrammar.fromJsonSchema(schema, maxStringLength);
        } catch (GbnfGrammar.UnsupportedSchemaException e) {
            // llama.cpp's converter covers all of JSON Schema but bounds no strings; only a fallback, and run in a
            // child JVM: on a schema it cannot convert it ends the process (see IsolatedSchemaConverter).
            LOG.debug("{}; converting the schema with llama.cpp's converter instead", e.getMessage());
            try {
                return checked(IsolatedSchemaConverter.convert(schema), "llama.cpp's grammar for the schema");
            } catch (IllegalArgumentException | IllegalStateException ex) {
                LlamaCppInvalidRequestException failure = new LlamaCppInvalidRequestException("cannot turn the "
                        + "response format's JSON schema into a grammar: " + e.getMessage() + "; llama.cpp: "
                        + ex.getMessage(), ex.getMessage(), ex);
                failure.addSuppressed(e); // why our own converter declined: the second half of the story
                throw failure;
            }
        }
    }

    /**
     * {@code grammar} if llama.cpp will parse it. llama.cpp itself only logs a grammar it cannot parse and then
     * generates unconstrained text, so a bad grammar is refused here, with where it goes wrong.
     */
    private static String checked(String grammar, String what) {
        try {
            GbnfSyntax.check(grammar);
            return grammar;
        } catch (IllegalArgumentException e) {
            throw new LlamaCppInvalidRequestException(what + " is not one llama.cpp can use: " + e.getMessage(),
                    e.getMessage(), e);
        }
    }

    @Override
    public String modelName() {
        return modelName;
    }

    /** Always 1: calls are serialised (see the class comment). */
    @Override
    public int maxConcurrency() {
        return 1;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("class", getClass().getName());
        d.put("model", modelName);
        d.put("modelFile", modelPath.toString());
        d.put("backend", "llama.cpp in process (de.kherud:llama 4.2.0)");
        d.put("contextSize", contextSize);
        d.put("threads", threads);
        d.put("temperature", temperature);
        d.put("topP", topP);
        d.put("seed", seed);
        d.put("maxTokens", maxTokens);
        d.put("maxStringLength", maxStringLength);
        d.put("chatTemplate", chatTemplate != null ? "custom" : fileHasChatTemplate ? "model file" : "chatml (fallback)");
        d.put("jinja", jinja);
        d.put("cachePrompt", cachePrompt);
        d.put("grammar", grammarProvider != null ? "custom provider" : "from response format");
        d.put("concurrency", "serialised (1)");
        return d;
    }

    /** True once {@link #close()} has run. */
    public boolean isClosed() {
        lock.lock();
        try {
            return model == null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for a running call, then gives the native model back to the process's pool of loaded models;
     * idempotent. See the class comment on native memory.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (model != null) {
                LlamaModel m = model;
                model = null;
                LoadedModels.giveBack(poolKey, m);
                LOG.debug("closed {}; its native model is kept for reuse", modelName);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "LlamaCppChatModel[" + modelName + ", ctx=" + contextSize + ", threads=" + threads + "]";
    }

    private record Completion(String text, FinishReason finish, int pieces) {
    }

    private record Prompt(String text, int tokens) {
    }

    /**
     * The formatted prompt and its token count, remembered for the last few message lists: a generator asks
     * with the same messages many times (same label and mode, new seed), and formatting plus counting costs
     * about a millisecond per kilobyte of prompt.
     */
    private Prompt prompt(LlamaModel m, List<ChatMessage> messages) {
        Prompt p = recentPrompts.get(messages);
        if (p == null) {
            String text = format(m, messages);
            p = new Prompt(text, m.encode(text).length + specialPromptTokens);
            recentPrompts.put(messages, p);
        }
        return p;
    }

    /** Streams one completion, so that tokens can be counted and an interrupt can stop it between tokens. */
    private Completion generate(LlamaModel m, InferenceParameters p, int nPredict, boolean hasStops) {
        StringBuilder text = new StringBuilder();
        int pieces = 0;
        String last = null;
        LlamaIterator it;
        try {
            it = m.generate(p).iterator();
        } catch (RuntimeException e) {
            throw nativeFailure("request", e);
        }
        try {
            while (it.hasNext()) {
                if (Thread.currentThread().isInterrupted()) {
                    it.cancel();
                    throw new GoldException("interrupted while generating with " + modelName);
                }
                LlamaOutput o = it.next();
                if (pieceListener != null) {
                    pieceListener.accept(o.text);
                }
                text.append(o.text);
                if (it.hasNext()) { // the last output only closes the stream (its text is empty)
                    pieces++;
                    last = o.text;
                }
            }
        } catch (GoldException e) {
            throw e;
        } catch (RuntimeException e) {
            throw nativeFailure("generation", e);
        }
        FinishReason finish;
        if (last != null && last.isEmpty()) {
            finish = FinishReason.STOP; // the end-of-generation token streams as an empty piece
        } else if (pieces >= nPredict) {
            finish = FinishReason.LENGTH;
        } else {
            // Fewer pieces than tokens (multi-byte characters) and no end-of-generation token: a stop
            // sequence ended it, or else the token limit.
            finish = hasStops ? FinishReason.STOP : FinishReason.LENGTH;
        }
        return new Completion(text.toString(), finish, pieces);
    }

    private String format(LlamaModel m, List<ChatMessage> messages) {
        JsonArray msgs = new JsonArray();
        for (ChatMessage msg : messages) {
            JsonObject o = new JsonObject();
            o.addProperty("role", msg.role().wireName());
            o.addProperty("content", msg.content());
            msgs.add(o);
        }
        JsonObject body = new JsonObject();
        body.add("messages", msgs);
        try {
            return m.applyTemplate(body.toString());
        } catch (RuntimeException e) {
            throw nativeFailure("chat template", e);
        }
    }

    /**
     * llama.cpp errors arrive as runtime exceptions with a JSON message; a 400-type one (or one about the
     * grammar) is the request's fault, the rest the native side's. Either way {@code e} is the cause.
     */
    private LlmException nativeFailure(String stage, RuntimeException e) {
        return nativeFailure(modelName, stage, e);
    }

    static LlmException nativeFailure(String modelName, String stage, RuntimeException e) {
        String msg = String.valueOf(e.getMessage());
        String text = "llama.cpp " + stage + " failed for " + modelName + ": " + msg;
        if (msg.contains("invalid_request_error") || msg.toLowerCase(Locale.ROOT).contains("grammar")) {
            return new LlamaCppInvalidRequestException(text, msg, e);
        }
        return new LlamaCppNativeException(text, msg, e);
    }

    private LlamaModel open() {
        if (model == null) {
            throw new IllegalStateException(this + " is closed");
        }
        return model;
    }

    private void lockInterruptibly(String what) {
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GoldException("interrupted while " + what + " " + modelName, e);
        }
    }

    /**
     * llama.cpp takes a 32-bit seed and reads 0xFFFFFFFF as "random"; fold the 64-bit seed into 31 bits
     * (seeds that already fit, as {@code LlmGenerator}'s do, are kept as they are).
     */
    static int nativeSeed(long seed) {
        if (seed >= 0 && seed <= Integer.MAX_VALUE) {
            return (int) seed;
        }
        long f = seed ^ (seed >>> 31) ^ (seed >>> 62);
        return (int) (f & Integer.MAX_VALUE);
    }

    /**
     * Builds a {@link LlamaCppChatModel}; {@link #build()} validates the settings and loads the model (which
     * takes from milliseconds for a tiny file to seconds for a large one).
     */
    public static final class Builder {
        private Path modelPath;
        private String modelName;
        private int contextSize = 4096;
        private int threads = Runtime.getRuntime().availableProcessors();
        private double temperature = 0.8;
        private double topP = 0.95;
        private long seed = 0;
        private Integer maxTokens;
        private int maxStringLength = GbnfGrammar.DEFAULT_MAX_STRING_LENGTH;
        private String chatTemplate;
        private boolean jinja;
        private boolean cachePrompt;
        private Function<ChatRequest, String> grammarProvider;
        private Consumer<String> pieceListener;

        private Builder() {
        }

        /**
         * Called with each piece as it streams, on the generating thread, before the next piece is asked for.
         * For tests, which prove with it that a generation is under way (to interrupt it there).
         */
        Builder pieceListener(Consumer<String> listener) {
            this.pieceListener = listener;
            return this;
        }

        /** The GGUF model file (required). */
        public Builder modelPath(Path path) {
            this.modelPath = path;
            return this;
        }

        /** The name in cache keys and logs; default the file name (more specific than the file's own name). */
        public Builder modelName(String name) {
            this.modelName = name;
            return this;
        }

        /** Context length in tokens (prompt plus answer), in [64, 1048576]; default 4096. */
        public Builder contextSize(int n) {
            this.contextSize = n;
            return this;
        }

        /** CPU threads for decoding, in [1, 512]; default the available processors. */
        public Builder threads(int n) {
            this.threads = n;
            return this;
        }

        /** Sampling temperature in [0, 2] (0 = greedy) when a request sets none; default 0.8. */
        public Builder temperature(double t) {
            this.temperature = t;
            return this;
        }

        /** Nucleus sampling mass in (0, 1] when a request sets none; default 0.95. */
        public Builder topP(double p) {
            this.topP = p;
            return this;
        }

        /** The sampling seed when a request sets none; default 0. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Completion token limit when a request sets none, in [1, contextSize]; default 512 or contextSize / 2 if less. */
        public Builder maxTokens(int n) {
            this.maxTokens = n;
            return this;
        }

        /** Bound on the characters of each JSON string in constrained answers, in [1, 100000]; default 2000. */
        public Builder maxStringLength(int n) {
            this.maxStringLength = n;
            return this;
        }

        /**
         * A chat template to use instead of the model file's: a name llama.cpp knows ({@code chatml},
         * {@code llama2}, {@code llama3}, {@code gemma}, {@code phi3}, ...) or a Jinja template (with
         * {@link #jinja(boolean)}). Default: the file's template, ChatML when it has none.
         */
        public Builder chatTemplate(String template) {
            this.chatTemplate = template;
            return this;
        }

        /** Render chat templates with llama.cpp's Jinja engine instead of its built-in formats; default false. */
        public Builder jinja(boolean on) {
            this.jinja = on;
            return this;
        }

        /**
         * Reuse the computed prompt prefix of the previous request (faster with long shared prompts, but an
         * answer may then differ in the last bits from one computed afresh); default false.
         */
        public Builder cachePrompt(boolean on) {
            this.cachePrompt = on;
            return this;
        }

        /**
         * A grammar per request (GBNF text), replacing the one derived from the response format when it
         * returns non-null; e.g. {@code r -> GbnfGrammar.forSample(task, label, 200)}. A grammar llama.cpp could
         * not parse fails the request with a {@link LlamaCppInvalidRequestException} naming the line and column
         * (llama.cpp itself would only log it and generate unconstrained text).
         */
        public Builder grammar(Function<ChatRequest, String> provider) {
            this.grammarProvider = provider;
            return this;
        }

        /** Validates the settings and loads the model. */
        public LlamaCppChatModel build() {
            if (modelPath == null) {
                throw new IllegalArgumentException("modelPath must be set");
            }
            if (modelName != null && modelName.isBlank()) {
                throw new IllegalArgumentException("modelName must not be blank");
            }
            if (contextSize < 64 || contextSize > 1_048_576) {
                throw new IllegalArgumentException("contextSize must be in [64, 1048576], was " + contextSize);
            }
            if (threads < 1 || threads > 512) {
                throw new IllegalArgumentException("threads must be in [1, 512], was " + threads);
            }
            if (!(temperature >= 0.0 && temperature <= 2.0)) {
                throw new IllegalArgumentException("temperature must be in [0, 2], was " + temperature);
            }
            if (!(topP > 0.0 && topP <= 1.0)) {
                throw new IllegalArgumentException("topP must be in (0, 1], was " + topP);
            }
            if (maxTokens != null && (maxTokens < 1 || maxTokens > contextSize)) {
                throw new IllegalArgumentException("maxTokens must be in [1, contextSize = " + contextSize + "], was "
                        + maxTokens);
            }
            if (maxStringLength < 1 || maxStringLength > 100_000) {
                throw new IllegalArgumentException("maxStringLength must be in [1, 100000], was " + maxStringLength);
            }
            if (chatTemplate != null && chatTemplate.isBlank()) {
                throw new IllegalArgumentException("chatTemplate must not be blank (null for the model file's)");
            }
            requireBinding();
            Path file = modelPath.toAbsolutePath().normalize();
            requireNotInTempDirWithLibraryName(file);
            GgufMetadata meta = GgufMetadata.read(file);
            if (meta.architecture() == null) {
                throw new GoldException("model file " + file + " has no general.architecture: not a model GGUF");
            }
            if (!meta.hasChatTemplate() && chatTemplate == null) {
                LOG.info("model file {} has no chat template; prompts are formatted with ChatML", file.getFileName());
            }
            ModelParameters p = new ModelParameters()
                    .setModel(file.toString())
                    .setCtxSize(contextSize)
                    .setThreads(threads)
                    .setThreadsBatch(threads)
                    .setParallel(1)
                    .disableContextShift() // stop at the end of the context (LENGTH) rather than drop tokens
                    .disableLog(); // the server layer's log cannot be redirected; see NativeLog
            if (chatTemplate != null) {
                p.setChatTemplate(chatTemplate);
            }
            if (jinja) {
                p.enableJinja();
            }
            LoadedModels.Key key;
            try {
                key = new LoadedModels.Key(file.toString(), Files.size(file),
                        Files.getLastModifiedTime(file).toMillis(), contextSize, threads, chatTemplate, jinja);
            } catch (IOException e) {
                throw new GoldException("cannot read model file " + file + ": " + e.getMessage(), e);
            }
            LlamaModel reused = LoadedModels.take(key);
            if (reused != null) {
                LOG.debug("reusing the loaded model {}", file.getFileName());
                return new LlamaCppChatModel(this, meta, reused, key);
            }
            LlamaModel loaded;
            long start = System.nanoTime();
            synchronized (LOAD_LOCK) {
                try {
                    NativeLibrary.load(); // the binding's loader prints on System.out; this routes it to the log
                    loaded = new LlamaModel(p);
                } catch (RuntimeException e) {
                    throw new GoldException("llama.cpp could not load " + file + " (architecture '"
                            + meta.architecture() + "'): " + e.getMessage(), e);
                } catch (UnsatisfiedLinkError e) {
                    throw new GoldException("the llama.cpp native library of de.kherud:llama does not load on "
                            + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + ": "
                            + e.getMessage(), e);
                } finally {
                    try {
                        NativeLog.install();
                    } catch (LinkageError ignored) {
                        // the native library did not load; the failure above says why
                    }
                }
            }
            LOG.debug("loaded {} ({} architecture) in {} ms", file.getFileName(), meta.architecture(),
                    (System.nanoTime() - start) / 1_000_000);
            return new LlamaCppChatModel(this, meta, loaded, key);
        }

        private static void requireBinding() {
            try {
                Class.forName("de.kherud.llama.LlamaModel", false, LlamaCppChatModel.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new GoldException("LlamaCppChatModel needs the optional dependency de.kherud:llama:4.2.0 on "
                        + "the class path (see the gold-llm README)", e);
            }
        }

        /**
         * The binding deletes every file whose name starts with "llama" or "jllama" in the temporary
         * directory when it first loads (its clean-up of old native libraries); refuse a model stored there.
         */
        private static void requireNotInTempDirWithLibraryName(Path file) {
            String tmp = System.getProperty("de.kherud.llama.tmpdir", System.getProperty("java.io.tmpdir"));
            if (tmp == null || file.getParent() == null) {
                return;
            }
            String name = file.getFileName().toString();
            if (file.getParent().equals(Path.of(tmp).toAbsolutePath().normalize())
                    && (name.startsWith("llama") || name.startsWith("jllama"))) {
                throw new IllegalArgumentException("modelPath " + file + " is in the temporary directory and its "
                        + "name starts with 'llama': de.kherud:llama deletes such files when it loads; move or rename it");
            }
        }
    }
}
