package io.github.goldkd.llm;

import io.github.goldkd.core.GenerationStats;
import io.github.goldkd.core.Metric;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Seeds;
import io.github.goldkd.core.Task;
import io.github.goldkd.llm.prompt.AnswerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The few-shot <em>teacher-as-solver</em> baseline, the "LLM" row of the paper's comparison: the same chat
 * model answers each test sample itself from the task's demonstrations — a label for a classifier, the
 * answer span, equation or text for a sequence task ({@link AnswerTemplate}) — and the task's metric scores
 * the answers as it scores a student's predictions. Requests go through the same cache, budget and
 * parallel fan-out as generation; temperature defaults to 0.
 */
public final class LlmPredictor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LlmPredictor.class);

    /** Reject reason: the answer gave no output (no label, no output field), was cut off or filtered. */
    public static final String NO_OUTPUT = "no-output";

    private final ChatModel model;
    private final RequestCache cache;
    private final boolean ownsCache;
    private final UsageMeter meter;
    private final RequestFanOut fanOut;
    private final double temperature;
    private final int maxTokens;
    private final boolean structuredOutput;
    private final long seed;

    private LlmPredictor(Builder b, RequestCache cache, boolean ownsCache, int parallelism) {
        this.model = b.model;
        this.cache = cache;
        this.ownsCache = ownsCache;
        this.meter = new UsageMeter(b.budget, b.model.modelName());
        this.fanOut = new RequestFanOut(model, cache, meter, parallelism, "gold-llm-answer");
        this.temperature = b.temperature;
        this.maxTokens = b.maxTokens;
        this.structuredOutput = b.structuredOutput;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The model's output for each sample.
     *
     * @param predictions one output per sample, null where the answer gave none (scored as wrong)
     * @param unparsed    answers that gave no output, were cut off or filtered, or were not sent (budget)
     * @param stats       requests, cache hits and tokens
     */
    public record Result(List<String> predictions, int unparsed, GenerationStats stats) {
        public Result {
            predictions = Collections.unmodifiableList(new ArrayList<>(predictions));
        }

        /**
         * The mean of {@code metric} over the predictions against each sample's references
         * ({@link Sample#references()}); a missing prediction is scored as an empty answer. NaN for none.
         *
         * @param samples the samples predicted, in the same order
         */
        public double score(Metric metric, List<Sample> samples) {
            Objects.requireNonNull(metric, "metric");
            if (samples.size() != predictions.size()) {
                throw new IllegalArgumentException("samples: " + samples.size() + " given for " + predictions.size()
                        + " predictions; pass the samples that were predicted");
            }
            if (samples.isEmpty()) {
                return Double.NaN;
            }
            List<String> answers = new ArrayList<>(predictions.size());
            List<List<String>> references = new ArrayList<>(samples.size());
            for (int i = 0; i < samples.size(); i++) {
                answers.add(predictions.get(i) == null ? "" : predictions.get(i));
                references.add(samples.get(i).references());
            }
            return metric.score(answers, references);
        }
    }

    /** Answers {@code samples} of {@code task} (which carry their references for {@link Result#score}). */
    public Result predict(Task task, List<Sample> samples) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(samples, "samples");
        ResponseFormat format = structuredOutput ? AnswerTemplate.responseFormat(task) : ResponseFormat.TEXT;
        Map<String, String> context = Map.of("template", AnswerTemplate.ID,
                "templateVersion", Integer.toString(AnswerTemplate.VERSION));
        List<RequestFanOut.Call> calls = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            ChatRequest r = ChatRequest.builder().messages(AnswerTemplate.render(task, samples.get(i)))
                    .temperature(temperature).maxTokens(maxTokens).seed(Seeds.derive(seed, "llm-classify", i) >>> 33)
                    .responseFormat(format).build();
            calls.add(new RequestFanOut.Call(r, RequestCache.key(model.modelName(), r, context)));
        }
        RequestFanOut.Wave wave = fanOut.run(calls, "the answers to '" + task.name() + "'");
        if (wave.budgetHit() != null) {
            LOG.warn("answers to '{}': {}; the samples not sent count as unanswered", task.name(),
                    wave.budgetHit().getMessage());
        }
        List<String> predictions = new ArrayList<>(samples.size());
        int unparsed = 0;
        for (ChatResponse a : wave.responses()) {
            String output = a == null || a.finishReason().isFailure() ? null : AnswerTemplate.parse(a.text(), task);
            predictions.add(output);
            if (output == null) {
                unparsed++;
            }
        }
        Map<String, Integer> rejects = new TreeMap<>();
        if (unparsed > 0) {
            rejects.put(NO_OUTPUT, unparsed);
        }
        GenerationStats stats = new GenerationStats(wave.requests(), wave.cacheHits(), wave.promptTokens(),
                wave.completionTokens(), rejects);
        LOG.info("teacher-as-solver on {} samples of '{}': {} without an output; {} requests, {} cache hits",
                samples.size(), task.name(), unparsed, wave.requests(), wave.cacheHits());
        return new Result(predictions, unparsed, stats);
    }

    /** What this predictor has spent so far. */
    public Usage usage() {
        return meter.snapshot();
    }

    @Override
    public void close() {
        fanOut.close();
        if (ownsCache) {
            cache.close();
        }
    }

    /**
     * Builds an {@link LlmPredictor}; only the chat model is required. Defaults: 256 completion tokens (enough
     * for a label, a span, an equation or a formulation), temperature 0 (the most likely answer), seed 0.
     */
    public static final class Builder extends RequestFanOutBuilder<Builder> {
        private double temperature = 0.0;
        private long seed;

        private Builder() {
            super(256);
        }

        /** Sampling temperature in [0, 2]; default 0 (the most likely answer). */
        public Builder temperature(double t) {
            this.temperature = t;
            return this;
        }

        /** Seed of the request seeds; default 0. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Builds a predictor; the builder is left as it was, so a second build is independent of the first. */
        public LlmPredictor build() {
            int threads = checkSharedSettings();
            if (!(temperature >= 0.0 && temperature <= 2.0)) {
                throw new IllegalArgumentException("temperature must be in [0, 2], was " + temperature);
            }
            return new LlmPredictor(this, openCache(), ownsCache(), threads);
        }
    }
}
