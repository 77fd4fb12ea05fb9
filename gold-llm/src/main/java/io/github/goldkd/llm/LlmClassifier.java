package io.github.goldkd.llm;

import io.github.goldkd.core.GenerationStats;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Seeds;
import io.github.goldkd.core.Task;
import io.github.goldkd.llm.prompt.ClassifierTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The few-shot <em>teacher-as-classifier</em> baseline (the "LLM" row of the paper's comparison): the same
 * chat model labels each test sample from the task's demonstrations. Answers go through the same
 * {@link RequestCache} and {@link Budget} machinery as generation; temperature defaults to 0.
 */
public final class LlmClassifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LlmClassifier.class);

    private final ChatModel model;
    private final RequestCache cache;
    private final boolean ownsCache;
    private final UsageMeter meter;
    private final double temperature;
    private final int maxTokens;
    private final int parallelism;
    private final boolean structuredOutput;
    private final long seed;

    private LlmClassifier(Builder b) {
        this.model = b.model;
        this.cache = b.cache;
        this.ownsCache = b.ownsCache;
        this.meter = new UsageMeter(b.budget, b.model.modelName());
        this.temperature = b.temperature;
        this.maxTokens = b.maxTokens;
        this.parallelism = b.parallelism;
        this.structuredOutput = b.structuredOutput;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The model's label for each sample and the accuracy against the samples' own labels.
     *
     * @param predictions one label per sample, null where the answer named no label (counted as wrong)
     * @param correct     predictions equal to the sample's label
     * @param unparsed    answers that named no label, were cut off or filtered
     * @param stats       requests, cache hits and tokens
     */
    public record Result(List<String> predictions, int correct, int unparsed, GenerationStats stats) {
        public Result {
            predictions = java.util.Collections.unmodifiableList(new ArrayList<>(predictions));
        }

        /** Correct predictions over all samples; 0 for none. */
        public double accuracy() {
            return predictions.isEmpty() ? 0.0 : correct / (double) predictions.size();
        }
    }

    /** Labels {@code samples} (which must carry their true labels for the accuracy). */
    public Result classify(Task task, List<Sample> samples) {
        Objects.requireNonNull(task, "task");
        ResponseFormat format = structuredOutput ? ClassifierTemplate.responseFormat(task) : ResponseFormat.TEXT;
        Map<String, String> context = Map.of("template", ClassifierTemplate.ID,
                "templateVersion", Integer.toString(ClassifierTemplate.VERSION));
        List<ChatRequest> requests = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            ChatRequest r = ChatRequest.builder().messages(ClassifierTemplate.render(task, samples.get(i)))
                    .temperature(temperature).maxTokens(maxTokens).seed(Seeds.derive(seed, "llm-classify", i) >>> 33)
                    .responseFormat(format).build();
            requests.add(r);
            keys.add(RequestCache.key(model.modelName(), r, context));
        }
        ChatResponse[] answers = new ChatResponse[samples.size()];
        int hits = 0;
        int sent = 0;
        long pt = 0;
        long ct = 0;
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "gold-llm-classify");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<ChatResponse>> futures = new ArrayList<>();
            RuntimeException stop = null;
            for (int i = 0; i < samples.size(); i++) {
                ChatResponse cached = cache.get(keys.get(i)).orElse(null);
                if (cached != null) {
                    answers[i] = cached;
                    hits++;
                    meter.cacheHit();
                    futures.add(null);
                    continue;
                }
                if (stop == null) {
                    try {
                        meter.reserveRequest();
                        final int idx = i;
                        futures.add(pool.submit(() -> {
                            ChatResponse r = model.chat(requests.get(idx));
                            meter.record(r.usage());
                            cache.put(keys.get(idx), r);
                            return r;
                        }));
                        sent++;
                        continue;
                    } catch (RuntimeException e) {
                        stop = e;
                    }
                }
                futures.add(null);
            }
            RuntimeException failure = stop;
            for (int i = 0; i < futures.size(); i++) {
                Future<ChatResponse> f = futures.get(i);
                if (f == null) {
                    continue;
                }
                try {
                    answers[i] = f.get();
                    pt += answers[i].usage().promptTokens();
                    ct += answers[i].usage().completionTokens();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof MalformedResponseException) {
                        LOG.warn("sample {}: {}", samples.get(i).id(), e.getCause().getMessage());
                    } else if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException re ? re
                                : new GoldException("classification request failed", e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new GoldException("interrupted while classifying", e);
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> predictions = new ArrayList<>(samples.size());
        int correct = 0;
        int unparsed = 0;
        for (int i = 0; i < samples.size(); i++) {
            ChatResponse a = answers[i];
            String label = a == null || a.finishReason().isFailure() ? null : ClassifierTemplate.parseLabel(a.text(), task);
            predictions.add(label);
            if (label == null) {
                unparsed++;
            } else if (label.equals(samples.get(i).label())) {
                correct++;
            }
        }
        Map<String, Integer> rejects = new TreeMap<>();
        if (unparsed > 0) {
            rejects.put("no-label", unparsed);
        }
        GenerationStats stats = new GenerationStats(sent, hits, pt, ct, rejects);
        LOG.info("teacher-as-classifier on {} samples of '{}': {} correct, {} without a label; {} requests, {} cache hits",
                samples.size(), task.name(), correct, unparsed, sent, hits);
        return new Result(predictions, correct, unparsed, stats);
    }

    /** What this classifier has spent so far. */
    public Usage usage() {
        return meter.snapshot();
    }

    @Override
    public void close() {
        if (ownsCache) {
            cache.close();
        }
    }

    /** Builds an {@link LlmClassifier}; only the chat model is required. */
    public static final class Builder {
        private ChatModel model;
        private RequestCache cache;
        private Path cacheFile;
        private boolean ownsCache;
        private Budget budget = Budget.unlimited();
        private double temperature = 0.0;
        private int maxTokens = 64;
        private Integer parallelismSetting;
        private int parallelism;
        private boolean structuredOutput = true;
        private long seed;

        private Builder() {
        }

        public Builder chatModel(ChatModel model) {
            this.model = model;
            return this;
        }

        public Builder cache(RequestCache cache) {
            this.cache = cache;
            return this;
        }

        public Builder cacheFile(Path file) {
            this.cacheFile = file;
            return this;
        }

        public Builder budget(Budget budget) {
            this.budget = budget;
            return this;
        }

        /** Default 0 (the most likely label). */
        public Builder temperature(double t) {
            this.temperature = t;
            return this;
        }

        /** Default 64. */
        public Builder maxTokens(int n) {
            this.maxTokens = n;
            return this;
        }

        /** Default: the model's {@link ChatModel#maxConcurrency()}. */
        public Builder parallelism(int n) {
            this.parallelismSetting = n;
            return this;
        }

        public Builder structuredOutput(boolean on) {
            this.structuredOutput = on;
            return this;
        }

        /** Seed of the request seeds; default 0. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public LlmClassifier build() {
            if (model == null) {
                throw new IllegalArgumentException("chatModel must be set");
            }
            if (!(temperature >= 0.0 && temperature <= 2.0)) {
                throw new IllegalArgumentException("temperature must be in [0, 2], was " + temperature);
            }
            if (maxTokens < 1) {
                throw new IllegalArgumentException("maxTokens must be >= 1, was " + maxTokens);
            }
            parallelism = parallelismSetting == null ? Math.max(1, model.maxConcurrency()) : parallelismSetting;
            if (parallelism < 1 || parallelism > 256) {
                throw new IllegalArgumentException("parallelism must be in [1, 256], was " + parallelism);
            }
            if (budget == null) {
                throw new IllegalArgumentException("budget must not be null");
            }
            new UsageMeter(budget, model.modelName());
            ownsCache = cache == null;
            cache = RequestCache.resolve(cache, cacheFile);
            return new LlmClassifier(this);
        }
    }
}
