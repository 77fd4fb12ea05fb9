package io.github.goldkd.llm.llamacpp;

import io.github.goldkd.core.GeneratedBatch;
import io.github.goldkd.core.GenerationMode;
import io.github.goldkd.core.GenerationRequest;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.llm.LlmGenerator;
import io.github.goldkd.llm.RequestCache;
import io.github.goldkd.llm.Usage;
import io.github.goldkd.llm.filter.SequenceFilter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full {@link LlmGenerator} round through llama.cpp on a tiny GGUF with random weights, written at test time:
 * the real prompt template, the real schema, grammar-constrained decoding, parsing, filtering, cache and
 * accounting. The text is gibberish; its shape is not.
 */
class LlamaCppGeneratorTest {

    static final Task SENTIMENT = Task.classification("sentiment", "Sentiment of a product review.",
            List.of(new Label("negative", "the writer dislikes the product"),
                    new Label("positive", "the writer likes the product")),
            List.of(Sample.real("d1", "Broke after two days. Avoid.", "negative"),
                    Sample.real("d2", "Works perfectly, great battery.", "positive")));
    static final List<String> LABELS = List.of("negative", "positive", "positive", "negative", "positive", "negative");

    @TempDir
    static Path dir;
    static LlamaCppChatModel model;

    @BeforeAll
    static void load() {
        Path file = TinyGguf.builder().seed(11).build().write(dir.resolve("tiny.gguf"));
        model = LlamaCppChatModel.builder().modelPath(file).contextSize(2048).threads(1).maxStringLength(80).build();
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    static LlmGenerator generator(RequestCache cache) {
        // The template's schema names only the requested label, so the grammar forces it; random weights may
        // still write a duplicate text, which the filter rejects and asks again.
        return LlmGenerator.builder().chatModel(model).cache(cache).maxTokens(400).maxAttemptsPerSample(5).build();
    }

    static GenerationRequest request(long seed, GenerationMode mode) {
        return new GenerationRequest(SENTIMENT, mode, LABELS, List.of(), 0, seed);
    }

    @Test
    void fullRoundEverySampleParsesAndHasTheRequestedLabel() {
        RequestCache cache = RequestCache.inMemory();
        GeneratedBatch batch;
        Usage usage;
        try (LlmGenerator gen = generator(cache)) {
            batch = gen.generate(request(5, GenerationMode.TRAIN));
            usage = gen.usage();
        }
        assertThat(batch.samples()).hasSize(LABELS.size());
        for (int i = 0; i < LABELS.size(); i++) {
            Sample s = batch.samples().get(i);
            assertThat(s.label()).isEqualTo(LABELS.get(i));
            assertThat(s.origin()).isEqualTo(Origin.TRAIN);
            assertThat(s.input("text").strip()).hasSizeGreaterThanOrEqualTo(3);
            assertThat(LlamaCppChatModelTest.visibleCodePoints(s.input("text"))).isLessThanOrEqualTo(80);
        }
        // Grammar-constrained: no answer failed to parse or was cut off; only the filter's judgements remain.
        assertThat(batch.stats().rejects().keySet()).allSatisfy(reason -> assertThat(reason)
                .isIn("empty-field", "duplicate", "near-duplicate"));
        // Accounting: tokens counted by the model reach the generator's stats and usage.
        assertThat(batch.stats().requests()).isEqualTo(LABELS.size() + batch.stats().rejected());
        assertThat(batch.stats().promptTokens()).isGreaterThan(100L * batch.stats().requests());
        assertThat(batch.stats().completionTokens()).isGreaterThan(15L * batch.stats().requests());
        assertThat(usage.requests()).isEqualTo(batch.stats().requests());
        assertThat(usage.promptTokens()).isEqualTo(batch.stats().promptTokens());
        assertThat(usage.completionTokens()).isEqualTo(batch.stats().completionTokens());
    }

    @Test
    void sameSeedGivesTheSameSamplesAndTheCacheAnswersARepeat() {
        RequestCache cache = RequestCache.inMemory();
        List<Sample> first;
        List<Sample> fresh;
        List<Sample> other;
        GeneratedBatch repeat;
        try (LlmGenerator gen = generator(cache)) {
            first = gen.generate(request(9, GenerationMode.PROBE)).samples();
        }
        // A new generator with a new cache: the model itself reproduces the samples from the seed.
        try (LlmGenerator gen = generator(RequestCache.inMemory())) {
            fresh = gen.generate(request(9, GenerationMode.PROBE)).samples();
            other = gen.generate(request(10, GenerationMode.PROBE)).samples();
        }
        // A new generator on the shared cache: every answer is a cache hit, no request is made.
        try (LlmGenerator gen = generator(cache)) {
            repeat = gen.generate(request(9, GenerationMode.PROBE));
        }
        assertThat(first).hasSize(LABELS.size());
        assertThat(fresh).isEqualTo(first);
        assertThat(repeat.samples()).isEqualTo(first);
        assertThat(repeat.stats().requests()).isZero();
        assertThat(repeat.stats().cacheHits()).isGreaterThanOrEqualTo(LABELS.size());
        assertThat(other).isNotEqualTo(first);
    }

    static final Task QA = new Task("squad", TaskKind.EXTRACTIVE_QA, "Questions about a paragraph.",
            List.of("context", "question"), List.of(), List.of(
            Sample.withTarget("q1", Map.of("context", "Penicillin was discovered by Alexander Fleming in 1928.",
                    "question", "Who discovered penicillin?"), "Alexander Fleming", List.of(), Origin.REAL)),
            null, null);
    static final Task NL4OPT = Task.sequence("nl4opt", TaskKind.TEXT_GENERATION, "Formulate a linear program.",
            List.of("document"), "formulation", List.of(
            Sample.withTarget("n1", Map.of("document", "A farmer grows wheat and corn on at most 50 acres."),
                    "x + y <= 50", List.of(), Origin.REAL)));

    @Test
    void sequenceTasksEveryAnswerParsesIntoInputsAndATarget() {
        // Random weights write gibberish of any length: only the kind's content rules are relaxed here, so that
        // what is left to show is the shape: the schema's grammar makes every answer parse.
        SequenceFilter loose = SequenceFilter.builder().inputChars(TaskKind.TEXT_GENERATION, 1, 1000)
                .outputChars(TaskKind.TEXT_GENERATION, 1, 1000).build();
        GeneratedBatch gen;
        GeneratedBatch qa;
        try (LlmGenerator g = LlmGenerator.builder().chatModel(model).sequenceFilter(loose).maxTokens(400)
                .maxAttemptsPerSample(5).build()) {
            gen = g.generate(new GenerationRequest(NL4OPT, GenerationMode.TRAIN, Collections.nCopies(4, null),
                    List.of(), 0, 21L));
        }
        // A QA answer of random weights is almost never a span of its context: one attempt each, and what
        // matters is that no answer failed to parse or was cut off.
        try (LlmGenerator g = LlmGenerator.builder().chatModel(model).maxTokens(400).maxAttemptsPerSample(1).build()) {
            qa = g.generate(new GenerationRequest(QA, GenerationMode.PROBE, Collections.nCopies(3, null), List.of(),
                    0, 22L));
        }
        assertThat(gen.samples()).hasSize(4);
        for (Sample s : gen.samples()) {
            assertThat(s.label()).isNull();
            assertThat(s.target()).isNotBlank();
            assertThat(LlamaCppChatModelTest.visibleCodePoints(s.target())).isLessThanOrEqualTo(80);
            assertThat(s.inputs().keySet()).containsExactly("document");
        }
        assertThat(gen.stats().rejects().keySet()).allSatisfy(reason -> assertThat(reason)
                .isIn("empty-field", "duplicate", "near-duplicate"));
        assertThat(qa.stats().requests()).isEqualTo(3);
        assertThat(qa.samples().size() + qa.stats().rejected()).isEqualTo(qa.stats().requests());
        assertThat(qa.stats().rejects().keySet()).allSatisfy(reason -> assertThat(reason)
                .doesNotStartWith("parse-").doesNotStartWith("finish-").isNotEqualTo("malformed-response"));
        assertThat(qa.samples()).allSatisfy(s -> assertThat(s.input("context")).contains(s.target()));
    }
}
