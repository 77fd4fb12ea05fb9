package io.github.goldkd.llm;

import java.nio.file.Path;

/**
 * The settings that {@link LlmGenerator.Builder} and {@link LlmPredictor.Builder} share, because both send
 * their requests through a {@link RequestFanOut}: the chat model, the request cache, the budget, the completion
 * token limit, the parallelism and structured output, with their checks. Like its subclasses it has no side
 * effects until {@code build()}, which reads it without changing it: a builder built twice gives two
 * independent objects.
 *
 * @param <B> the concrete builder
 */
abstract class RequestFanOutBuilder<B extends RequestFanOutBuilder<B>> {

    ChatModel model;
    private RequestCache cache;
    private Path cacheFile;
    Budget budget = Budget.unlimited();
    int maxTokens;
    private Integer parallelism;
    boolean structuredOutput = true;

    RequestFanOutBuilder(int defaultMaxTokens) {
        this.maxTokens = defaultMaxTokens;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The teacher (required). */
    public B chatModel(ChatModel model) {
        this.model = model;
        return self();
    }

    /** A request cache to use (shared with others, closed by its owner). Default: in memory. */
    public B cache(RequestCache cache) {
        this.cache = cache;
        return self();
    }

    /** A request cache file that the built object opens and closes. */
    public B cacheFile(Path file) {
        this.cacheFile = file;
        return self();
    }

    /** Spending limits; default none. */
    public B budget(Budget budget) {
        this.budget = budget;
        return self();
    }

    /** Completion token limit per request, >= 1; the default is the concrete builder's. */
    public B maxTokens(int n) {
        this.maxTokens = n;
        return self();
    }

    /** Requests sent in parallel, in [1, 256]; default the model's {@link ChatModel#maxConcurrency()}. */
    public B parallelism(int n) {
        this.parallelism = n;
        return self();
    }

    /** Whether to ask for the JSON schema of the answer (the client falls back as needed); default true. */
    public B structuredOutput(boolean on) {
        this.structuredOutput = on;
        return self();
    }

    /**
     * Checks the shared settings.
     *
     * @return the parallelism to use
     * @throws IllegalArgumentException naming the first setting out of range
     */
    final int checkSharedSettings() {
        if (model == null) {
            throw new IllegalArgumentException("chatModel must be set");
        }
        if (budget == null) {
            throw new IllegalArgumentException("budget must not be null");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, was " + maxTokens);
        }
        int threads = parallelism == null ? Math.max(1, model.maxConcurrency()) : parallelism;
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("parallelism must be in [1, 256], was " + threads);
        }
        new UsageMeter(budget, model.modelName()); // validates a cost limit against the price table
        return threads;
    }

    /**
     * The cache to use: the one given, else a new one (from the file, or in memory) that the built object owns.
     *
     * @throws IllegalArgumentException when both a cache and a cache file were set
     */
    final RequestCache openCache() {
        return RequestCache.resolve(cache, cacheFile);
    }

    /** Whether the built object owns (and closes) its cache: it does unless a cache was given. */
    final boolean ownsCache() {
        return cache == null;
    }
}
