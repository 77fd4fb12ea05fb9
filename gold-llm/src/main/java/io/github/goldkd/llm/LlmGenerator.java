package io.github.goldkd.llm;

import io.github.goldkd.core.BudgetExhaustedException;
import io.github.goldkd.core.GeneratedBatch;
import io.github.goldkd.core.GenerationMode;
import io.github.goldkd.core.GenerationRequest;
import io.github.goldkd.core.GenerationStats;
import io.github.goldkd.core.Generator;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Seeds;
import io.github.goldkd.core.Task;
import io.github.goldkd.llm.filter.CandidateFilter;
import io.github.goldkd.llm.filter.SequenceFilter;
import io.github.goldkd.llm.prompt.AnswerParser;
import io.github.goldkd.llm.prompt.GenerationPrompt;
import io.github.goldkd.llm.prompt.PromptTemplate;
import io.github.goldkd.llm.prompt.PromptTemplates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The GOLD teacher on top of any {@link ChatModel}: renders the prompt of the task's kind for each requested
 * sample, asks the model (in parallel, through the {@link RequestCache}), parses the JSON answer, filters
 * it and returns the samples that pass.
 *
 * <pre>{@code
 * LlmGenerator teacher = LlmGenerator.builder()
 *         .chatModel(OpenAiChatModel.builder().baseUrl("http://localhost:8080/v1").modelName("qwen2.5").build())
 *         .cacheFile(runDir.resolve("llm-cache.jsonl"))
 *         .budget(Budget.builder().maxRequests(5_000).build())
 *         .build();
 * }</pre>
 *
 * <p><b>One request per sample.</b> Sample {@code i} of a request asks for label {@code labels().get(i)}
 * (labels are requested, as in the method). For a sequence task (extractive QA, math word problems, text
 * generation) the labels are all null and the model writes the target: the answer's output field
 * ({@link Task#outputField()}) becomes the sample's {@code target}, after the {@link SequenceFilter}'s rules
 * of the task's kind (which may correct it, e.g. a QA answer to the context's own case). Every answer then
 * passes the {@link CandidateFilter} (lengths, duplicates). A rejected answer is asked again with a new seed, up to
 * {@code maxAttemptsPerSample} times; what is still missing then is reported as a shortfall in the log
 * and by the batch being shorter than asked.
 *
 * <p><b>Determinism and resume.</b> The seed of attempt {@code a} of sample {@code i} is derived from
 * {@link GenerationRequest#seed()}, {@code i} and {@code a}, so the same request builds the same chat
 * requests and finds its answers in the cache: a repeated or resumed run pays nothing for them. Answers
 * are judged in sample order after each wave of parallel requests, so the kept samples do not depend on
 * which request finished first. Duplicate detection remembers every sample this generator accepted and
 * the task's demonstrations; a resumed run should pass the data of earlier rounds to {@link #remember}.
 *
 * <p><b>Failures.</b> An answer cut off by the token limit or removed by a content filter, an answer that
 * does not parse, and a malformed response body are rejected samples (counted by reason in
 * {@link GenerationStats#rejects()}). Any other {@link LlmException} (authentication, a rejected request,
 * a server still failing after the client's retries) propagates after the requests in flight finish.
 *
 * <p><b>Budget.</b> When the {@link Budget} is spent, no new request is sent. The samples accepted so far in
 * the batch are returned; if there are none, {@link BudgetExhaustedException} is thrown with a message
 * naming the limit, and the loop stops cleanly. Every answer received is already in the cache.
 */
public final class LlmGenerator implements Generator, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LlmGenerator.class);

    /** Reject reason: the answer hit the token limit. */
    public static final String FINISH_LENGTH = "finish-length";
    /** Reject reason: the provider's content filter. */
    public static final String FINISH_CONTENT_FILTER = "finish-content-filter";
    /** Reject reason: the server's success response could not be read. */
    public static final String MALFORMED_RESPONSE = "malformed-response";

    private final ChatModel model;
    private final RequestCache cache;
    private final boolean ownsCache;
    private final Budget budget;
    private final UsageMeter meter;
    private final PromptTemplates templates;
    private final Double temperature;
    private final Double topP;
    private final int maxTokens;
    private final int maxAttempts;
    private final int parallelism;
    private final boolean structuredOutput;
    private final CandidateFilter filter;
    private final SequenceFilter sequenceFilter;
    private final RequestFanOut fanOut;
    private final Set<Task> primedTasks = Collections.newSetFromMap(new IdentityHashMap<>());

    private LlmGenerator(Builder b, RequestCache cache, boolean ownsCache, int parallelism, CandidateFilter filter,
                         SequenceFilter sequenceFilter) {
        this.model = b.model;
        this.cache = cache;
        this.ownsCache = ownsCache;
        this.budget = b.budget;
        this.meter = new UsageMeter(b.budget, b.model.modelName());
        this.templates = b.templates;
        this.temperature = b.temperature;
        this.topP = b.topP;
        this.maxTokens = b.maxTokens;
        this.maxAttempts = b.maxAttempts;
        this.parallelism = parallelism;
        this.structuredOutput = b.structuredOutput;
        this.filter = filter;
        this.sequenceFilter = sequenceFilter;
        this.fanOut = new RequestFanOut(model, cache, meter, parallelism, "gold-llm");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What this generator has spent so far. */
    public Usage usage() {
        return meter.snapshot();
    }

    /** The request cache in use. */
    public RequestCache cache() {
        return cache;
    }

    /** On resume, the committed rounds' samples count as seen by the duplicate filter (see {@link #remember}). */
    @Override
    public void restore(List<Sample> generatedSoFar) {
        remember(generatedSoFar);
    }

    /** Adds samples to the duplicate filter's memory, e.g. the data of earlier rounds when resuming. */
    public void remember(Iterable<Sample> samples) {
        for (Sample s : samples) {
            filter.remember(s.inputs());
        }
    }

    @Override
    public GeneratedBatch generate(GenerationRequest request) {
        Task task = request.task();
        PromptTemplate template = templates.forKind(task.kind());
        if (task.kind().isSequence()) {
            for (int i = 0; i < request.count(); i++) {
                if (request.labels().get(i) != null) {
                    throw new IllegalArgumentException("a " + task.kind() + " task takes no requested labels (the "
                            + "teacher writes the target): labels must all be null, label " + i + " was '"
                            + request.labels().get(i) + "'");
                }
            }
        }
        primeWith(task);
        remember(request.feedback());
        Map<String, String> context = new TreeMap<>();
        context.put("template", template.id());
        context.put("templateVersion", Integer.toString(template.version()));
        context.put("parserVersion", Integer.toString(AnswerParser.VERSION));
        Origin origin = request.mode() == GenerationMode.PROBE ? Origin.PROBE : Origin.TRAIN;

        int count = request.count();
        Sample[] kept = new Sample[count];
        Map<String, Integer> rejects = new TreeMap<>();
        int requests = 0;
        int hits = 0;
        long promptTokens = 0;
        long completionTokens = 0;
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pending.add(i);
        }
        BudgetExhaustedException budgetHit = null;
        int attempt = 0;
        for (; attempt < maxAttempts && !pending.isEmpty() && budgetHit == null; attempt++) {
            List<Slot> slots = new ArrayList<>(pending.size());
            List<RequestFanOut.Call> calls = new ArrayList<>(pending.size());
            for (int i : pending) {
                String label = request.labels().get(i);
                ChatRequest cr = ChatRequest.builder()
                        .messages(template.render(new GenerationPrompt(task, request.mode(), label, request.feedback())))
                        .temperature(temperature)
                        .topP(topP)
                        .maxTokens(maxTokens)
                        // 31 bits: every backend takes them (some read the seed as a 32-bit int).
                        .seed(Seeds.derive(request.seed(), "llm-sample", i, attempt) >>> 33)
                        .responseFormat(structuredOutput ? template.responseFormat(task, label) : ResponseFormat.TEXT)
                        .build();
                slots.add(new Slot(i, label));
                calls.add(new RequestFanOut.Call(cr, RequestCache.key(model.modelName(), cr, context)));
            }
            RequestFanOut.Wave wave = fanOut.run(calls, "round " + request.round());
            requests += wave.requests();
            hits += wave.cacheHits();
            promptTokens += wave.promptTokens();
            completionTokens += wave.completionTokens();
            if (wave.malformed() > 0) {
                rejects.merge(MALFORMED_RESPONSE, wave.malformed(), Integer::sum);
            }
            budgetHit = wave.budgetHit();
            for (int k = 0; k < slots.size(); k++) {
                slots.get(k).response = wave.responses()[k];
                slots.get(k).sent = wave.sent()[k];
            }
            List<Integer> next = new ArrayList<>();
            for (Slot s : slots) {
                if (s.response == null) {
                    if (!s.sent) {
                        continue; // not sent: budget spent
                    }
                    next.add(s.index); // malformed response: ask again
                    continue;
                }
                String reason = judge(task, s, origin, request.round(), kept);
                if (reason != null) {
                    rejects.merge(reason, 1, Integer::sum);
                    next.add(s.index);
                }
            }
            pending = next;
        }
        List<Sample> samples = new ArrayList<>(count);
        for (Sample s : kept) {
            if (s != null) {
                samples.add(s);
            }
        }
        GenerationStats stats = new GenerationStats(requests, hits, promptTokens, completionTokens, rejects);
        String what = "round " + request.round() + " " + request.mode().name().toLowerCase(java.util.Locale.ROOT);
        LOG.info("{}: kept {} of {} samples; {} requests, {} cache hits, {} prompt + {} completion tokens; rejects {}",
                what, samples.size(), count, requests, hits, promptTokens, completionTokens, rejects);
        if (budgetHit != null) {
            if (samples.isEmpty()) {
                LOG.warn("{}: {}; stopping", what, budgetHit.getMessage());
                throw budgetHit;
            }
            LOG.warn("{}: {}; returning the {} samples accepted so far", what, budgetHit.getMessage(), samples.size());
        } else if (samples.size() < count) {
            LOG.warn("{}: shortfall of {} samples after {} attempts per sample; rejects {}", what,
                    count - samples.size(), attempt, rejects);
        }
        return new GeneratedBatch(samples, stats);
    }

    private void primeWith(Task task) {
        synchronized (primedTasks) {
            if (primedTasks.add(task)) {
                remember(task.demonstrations());
            }
        }
    }

    /** Turns an answer into a kept sample or returns the reject reason. */
    private String judge(Task task, Slot s, Origin origin, int round, Sample[] kept) {
        FinishReason fr = s.response.finishReason();
        if (fr == FinishReason.LENGTH) {
            return FINISH_LENGTH;
        }
        if (fr == FinishReason.CONTENT_FILTER) {
            return FINISH_CONTENT_FILTER;
        }
        AnswerParser.Result parsed = AnswerParser.parse(s.response.text(), task);
        if (!parsed.ok()) {
            LOG.debug("sample {}: {} ({})", s.index, parsed.reject(), parsed.detail());
            return parsed.reject();
        }
        AnswerParser.Candidate c = parsed.candidates().get(0);
        String target = null;
        List<String> references = List.of();
        String reason;
        if (task.kind().isSequence()) {
            SequenceFilter.Verdict v = sequenceFilter.check(task, c.inputs(), c.target(), c.extras());
            if (!v.ok()) {
                LOG.debug("sample {}: {} ({})", s.index, v.reject(), v.detail());
                return v.reject();
            }
            target = v.target();
            references = v.references();
            // The sequence filter owns a sequence task's length bounds; the candidate filter judges novelty only.
            reason = filter.admitNovel(c.inputs());
        } else {
            reason = filter.admit(c.inputs(), c.statedLabel(), s.label);
        }
        if (reason != null) {
            return reason;
        }
        kept[s.index] = new Sample("cand-" + s.index, c.inputs(), s.label, target, origin, round, references);
        return null;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("class", getClass().getName());
        d.put("chatModel", model.describe());
        d.put("temperature", temperature);
        d.put("topP", topP);
        d.put("maxTokens", maxTokens);
        d.put("maxAttemptsPerSample", maxAttempts);
        d.put("parallelism", parallelism);
        d.put("structuredOutput", structuredOutput);
        d.put("parserVersion", AnswerParser.VERSION);
        d.put("sequenceFilter", sequenceFilter.describe());
        d.put("budget", budget.describe());
        d.put("cache", cache.file() == null ? "(memory)" : cache.file().toString());
        return d;
    }

    @Override
    public String toString() {
        return "LlmGenerator[model=" + model + "]";
    }

    /** Stops the worker threads and closes a cache this generator opened; the chat model stays open. */
    @Override
    public void close() {
        fanOut.close();
        if (ownsCache) {
            cache.close();
        }
    }

    /** One requested sample of a wave and its answer. */
    private static final class Slot {
        final int index;
        final String label;
        boolean sent;
        ChatResponse response;

        Slot(int index, String label) {
            this.index = index;
            this.label = label;
        }
    }

    /**
     * Builds an {@link LlmGenerator}; only the chat model is required. Defaults: 512 completion tokens,
     * temperature 1.0 (diverse data), 3 requests per sample.
     */
    public static final class Builder extends RequestFanOutBuilder<Builder> {
        private PromptTemplates templates = PromptTemplates.defaults();
        private Double temperature = 1.0;
        private Double topP;
        private int maxAttempts = 3;
        private CandidateFilter filter;
        private SequenceFilter sequenceFilter;

        private Builder() {
            super(512);
        }

        /** Prompt templates per task kind; default {@link PromptTemplates#defaults()}. */
        public Builder templates(PromptTemplates templates) {
            this.templates = templates;
            return this;
        }

        /** Sampling temperature in [0, 2]; default 1.0 (diverse data), null for the server's default. */
        public Builder temperature(Double t) {
            this.temperature = t;
            return this;
        }

        /** Nucleus sampling in (0, 1]; default null (the server's default). */
        public Builder topP(Double p) {
            this.topP = p;
            return this;
        }

        /** Requests per sample before giving up on it; default 3. */
        public Builder maxAttemptsPerSample(int n) {
            this.maxAttempts = n;
            return this;
        }

        /** The candidate filter; default {@link CandidateFilter#defaults()}. */
        public Builder filter(CandidateFilter filter) {
            this.filter = filter;
            return this;
        }

        /**
         * The rules of each sequence kind (QA span and length bounds, math expression checks, generation
         * length bounds); default {@link SequenceFilter#defaults()}. Configure it with
         * {@link SequenceFilter#builder()}, whose settings are validated.
         */
        public Builder sequenceFilter(SequenceFilter filter) {
            this.sequenceFilter = filter;
            return this;
        }

        public LlmGenerator build() {
            int threads = checkSharedSettings();
            if (templates == null) {
                throw new IllegalArgumentException("templates must not be null");
            }
            if (temperature != null && !(temperature >= 0.0 && temperature <= 2.0)) {
                throw new IllegalArgumentException("temperature must be in [0, 2], was " + temperature);
            }
            if (topP != null && !(topP > 0.0 && topP <= 1.0)) {
                throw new IllegalArgumentException("topP must be in (0, 1], was " + topP);
            }
            if (maxAttempts < 1 || maxAttempts > 20) {
                throw new IllegalArgumentException("maxAttemptsPerSample must be in [1, 20], was " + maxAttempts);
            }
            // build() leaves the builder as it was: a second build gets its own cache, filters and pool.
            return new LlmGenerator(this, openCache(), ownsCache(), threads,
                    filter == null ? CandidateFilter.defaults() : filter,
                    sequenceFilter == null ? SequenceFilter.defaults() : sequenceFilter);
        }
    }
}
