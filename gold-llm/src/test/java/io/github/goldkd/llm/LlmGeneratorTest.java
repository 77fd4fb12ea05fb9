package io.github.goldkd.llm;

import io.github.goldkd.core.BudgetExhaustedException;
import io.github.goldkd.core.GeneratedBatch;
import io.github.goldkd.core.GenerationMode;
import io.github.goldkd.core.GenerationRequest;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.io.Jsonl;
import io.github.goldkd.core.io.SampleJson;
import io.github.goldkd.llm.filter.CandidateFilter;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.github.goldkd.llm.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LlmGeneratorTest {

    private MockWebServer server;
    private Fixtures.TeacherDispatcher teacher;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        teacher = new Fixtures.TeacherDispatcher(0);
        server.setDispatcher(teacher);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private LlmGenerator.Builder generator() {
        return LlmGenerator.builder().chatModel(Fixtures.openAi(server).build());
    }

    private static List<String> texts(GeneratedBatch b) {
        List<String> out = new ArrayList<>();
        b.samples().forEach(s -> out.add(s.text()));
        return out;
    }

    @Test
    void deliversTheRequestedLabelsInOrderWithStats() throws Exception {
        try (LlmGenerator gen = generator().build()) {
            GeneratedBatch b = gen.generate(request(GenerationMode.TRAIN, 3, 42L, "positive", "negative", "positive"));

            assertThat(b.samples()).extracting(Sample::label).containsExactly("positive", "negative", "positive");
            assertThat(b.samples()).allSatisfy(s -> {
                assertThat(s.origin()).isEqualTo(Origin.TRAIN);
                assertThat(s.round()).isEqualTo(3);
                assertThat(s.inputs()).containsOnlyKeys("text");
            });
            assertThat(b.stats().requests()).isEqualTo(3);
            assertThat(b.stats().cacheHits()).isZero();
            assertThat(b.stats().promptTokens()).isEqualTo(30);
            assertThat(b.stats().completionTokens()).isEqualTo(15);
            assertThat(b.stats().rejects()).isEmpty();
            assertThat(gen.usage().requests()).isEqualTo(3);
            // Structured output was asked for, and the prompt asks for the requested label.
            RecordedRequest r = server.takeRequest();
            assertThat(Fixtures.body(r).getAsJsonObject("response_format").get("type").getAsString())
                    .isEqualTo("json_schema");
        }
    }

    @Test
    void aBuilderUsedTwiceBuildsGeneratorsThatShareNothing() {
        LlmGenerator.Builder b = generator();
        LlmGenerator first = b.build();
        LlmGenerator second = b.build();
        assertThat(second.cache()).isNotSameAs(first.cache());
        first.generate(request(GenerationMode.TRAIN, 0, 5L, "positive"));
        first.close();
        // closing the first closed neither the second's cache nor its pool; it pays for its own answer
        GeneratedBatch again = second.generate(request(GenerationMode.TRAIN, 0, 5L, "positive"));
        assertThat(again.samples()).hasSize(1);
        assertThat(again.stats().requests()).isEqualTo(1);
        assertThat(teacher.requests.get()).isEqualTo(2);
        second.close();
    }

    @Test
    void probeModeAddsTheProbeInstructionAndOrigin() throws Exception {
        try (LlmGenerator gen = generator().build()) {
            GeneratedBatch b = gen.generate(request(GenerationMode.PROBE, 0, 1L, "negative"));
            assertThat(b.samples().get(0).origin()).isEqualTo(Origin.PROBE);
            String body = server.takeRequest().getBody().utf8();
            assertThat(body).contains("significantly different");
        }
    }

    @Test
    void sameRequestSameAnswersAcrossGeneratorsAndOtherSeedOtherAnswers() {
        List<String> a;
        List<String> b;
        List<String> c;
        try (LlmGenerator g1 = generator().build(); LlmGenerator g2 = generator().build()) {
            a = texts(g1.generate(request(GenerationMode.TRAIN, 0, 7L, "positive", "negative")));
            b = texts(g2.generate(request(GenerationMode.TRAIN, 0, 7L, "positive", "negative")));
            c = texts(g2.generate(request(GenerationMode.TRAIN, 0, 8L, "positive", "negative")));
        }
        assertThat(a).hasSize(2).isEqualTo(b);
        assertThat(c).hasSize(2).doesNotContainAnyElementsOf(a);
    }

    @Test
    void aCacheHitMakesNoRequest() {
        Path cache = dir.resolve("cache.jsonl");
        GenerationRequest req = request(GenerationMode.TRAIN, 0, 11L, "positive", "negative", "negative", "positive");
        GeneratedBatch first;
        try (LlmGenerator gen = generator().cacheFile(cache).build()) {
            first = gen.generate(req);
        }
        assertThat(teacher.requests.get()).isEqualTo(4);

        try (LlmGenerator again = generator().cacheFile(cache).build()) {
            GeneratedBatch second = again.generate(req);

            assertThat(teacher.requests.get()).as("no request for cached answers").isEqualTo(4);
            assertThat(second.samples()).isEqualTo(first.samples());
            assertThat(second.stats().cacheHits()).isEqualTo(4);
            assertThat(second.stats().requests()).isZero();
            assertThat(second.stats().promptTokens()).isZero();
            assertThat(again.usage().cacheHits()).isEqualTo(4);
        }
    }

    @Test
    void aCutOffLastCacheLineIsToleratedAndLaterAppendsStayReadable() throws Exception {
        Path cache = dir.resolve("cache.jsonl");
        try (LlmGenerator gen = generator().cacheFile(cache).build()) {
            gen.generate(request(GenerationMode.TRAIN, 0, 1L, "positive", "negative"));
        }
        Files.writeString(cache, "{\"key\":\"abc\",\"texts\":[\"half a li", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        try (LlmGenerator gen = generator().cacheFile(cache).build()) {
            GeneratedBatch b = gen.generate(request(GenerationMode.TRAIN, 1, 2L, "positive", "negative"));
            assertThat(b.samples()).hasSize(2);
            assertThat(gen.cache().size()).isEqualTo(4);
        }
        try (RequestCache reopened = RequestCache.open(cache)) {
            assertThat(reopened.size()).isEqualTo(4);
        }
        assertThat(Files.readString(cache)).doesNotContain("half a li").endsWith("\n");
    }

    @Test
    void finishReasonLengthIsARejectedSampleAndIsAskedAgain() {
        AtomicInteger n = new AtomicInteger();
        server.setDispatcher(new mockwebserver3.Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                if (n.incrementAndGet() == 1) {
                    return Fixtures.json(200, Fixtures.completion("{\"text\": \"An unfinished", "length", 10, 512));
                }
                return teacher.answer(r);
            }
        });
        try (LlmGenerator gen = generator().parallelism(1).build()) {
            GeneratedBatch b = gen.generate(request(GenerationMode.TRAIN, 0, 5L, "positive", "negative"));

            assertThat(b.samples()).hasSize(2);
            assertThat(b.stats().rejects()).isEqualTo(Map.of(LlmGenerator.FINISH_LENGTH, 1));
            assertThat(b.stats().requests()).isEqualTo(3);
            assertThat(b.samples()).noneMatch(s -> s.text().contains("unfinished"));
        }
    }

    @Test
    void reportsTheShortfallAfterABoundedNumberOfAttempts() {
        server.setDispatcher(new mockwebserver3.Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                return Fixtures.ok("I'm sorry, I can't write reviews.");
            }
        });
        try (LlmGenerator gen = generator().maxAttemptsPerSample(3).build()) {
            GeneratedBatch b = gen.generate(request(GenerationMode.TRAIN, 0, 5L, "positive", "negative"));

            assertThat(b.samples()).isEmpty();
            assertThat(b.stats().requests()).isEqualTo(6);
            assertThat(b.stats().rejects()).isEqualTo(Map.of("parse-no-json", 6));
        }
    }

    @Test
    void duplicatesAndLabelMismatchesAreCountedByReason() {
        server.setDispatcher(new mockwebserver3.Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                String label = Fixtures.requestedLabel(r);
                if (label.equals("negative")) {
                    return Fixtures.ok("{\"text\": \"Whatever the label, this one says positive.\", \"label\": \"positive\"}");
                }
                return Fixtures.ok("```json\n{\"text\": \"Always the same review.\", \"label\": \"positive\"}\n```");
            }
        });
        try (LlmGenerator gen = generator().maxAttemptsPerSample(2).build()) {
            GeneratedBatch b = gen.generate(request(GenerationMode.TRAIN, 0, 5L, "positive", "positive", "negative"));

            assertThat(texts(b)).containsExactly("Always the same review.");
            assertThat(b.stats().rejects()).isEqualTo(Map.of(CandidateFilter.DUPLICATE, 2,
                    CandidateFilter.LABEL_MISMATCH, 2));
            assertThat(b.stats().requests()).isEqualTo(5);
        }
    }

    @Test
    void demonstrationsCountAsSeenForTheDuplicateFilter() {
        server.setDispatcher(new mockwebserver3.Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                return Fixtures.ok("{\"text\": \"A moving story with superb acting!\", \"label\": \"positive\"}");
            }
        });
        try (LlmGenerator gen = generator().maxAttemptsPerSample(1).build()) {
            GeneratedBatch b = gen.generate(request(GenerationMode.TRAIN, 0, 5L, "positive"));
            assertThat(b.samples()).isEmpty();
            assertThat(b.stats().rejects()).containsEntry(CandidateFilter.DUPLICATE, 1);
        }
    }

    @Test
    void aMalformedBodyIsARejectedSampleNotAFailedRun() {
        AtomicInteger n = new AtomicInteger();
        server.setDispatcher(new mockwebserver3.Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                return n.incrementAndGet() == 1 ? Fixtures.json(200, "{\"unexpected\": true}") : teacher.answer(r);
            }
        });
        try (LlmGenerator gen = generator().parallelism(1).build()) {
            GeneratedBatch b = gen.generate(request(GenerationMode.TRAIN, 0, 5L, "positive"));
            assertThat(b.samples()).hasSize(1);
            assertThat(b.stats().rejects()).isEqualTo(Map.of(LlmGenerator.MALFORMED_RESPONSE, 1));
        }
    }

    @Test
    void authenticationFailureStopsTheRun() {
        server.setDispatcher(new mockwebserver3.Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                return Fixtures.json(401, "{\"error\":{\"message\":\"invalid key\"}}");
            }
        });
        try (LlmGenerator gen = generator().build()) {
            assertThatThrownBy(() -> gen.generate(request(GenerationMode.TRAIN, 0, 5L, "positive", "negative")))
                    .isInstanceOf(AuthenticationException.class).hasMessageContaining("invalid key");
        }
    }

    @Test
    void concurrencyLimitOfTheModelHoldsWhateverTheGeneratorsParallelism() {
        Fixtures.TeacherDispatcher slow = new Fixtures.TeacherDispatcher(100);
        server.setDispatcher(slow);
        try (LlmGenerator gen = LlmGenerator.builder().chatModel(Fixtures.openAi(server).maxConcurrency(3).build())
                .parallelism(8).build()) {
            GeneratedBatch b = gen.generate(request(GenerationMode.TRAIN, 0, 5L,
                    "positive", "negative", "positive", "negative", "positive", "negative", "positive", "negative"));
            assertThat(b.samples()).hasSize(8);
        }
        assertThat(slow.maxInFlight.get()).isEqualTo(3);
    }

    @Test
    void theBudgetStopsARunCleanlyAndAResumePaysOnlyForWhatIsMissing() {
        Path cache = dir.resolve("cache.jsonl");
        Path data = dir.resolve("generated.jsonl");
        List<Sample> persisted = new ArrayList<>();
        String stopMessage = null;
        try (LlmGenerator gen = generator().cacheFile(cache).budget(Budget.builder().maxRequests(5).build()).build()) {
            for (int round = 0; round < 10; round++) {
                try {
                    GeneratedBatch b = gen.generate(request(GenerationMode.TRAIN, round, 100L + round,
                            "positive", "negative"));
                    persisted.addAll(b.samples()); // what the loop does with each batch
                    Jsonl.write(data, persisted, SampleJson::toJson);
                } catch (BudgetExhaustedException e) {
                    stopMessage = e.getMessage();
                    break;
                }
            }
            assertThat(gen.usage().requests()).isEqualTo(5);
        }
        assertThat(stopMessage).isEqualTo("budget: maxRequests=5 reached (5 requests made)");
        assertThat(teacher.requests.get()).isEqualTo(5);
        // Rounds 0 and 1 complete, round 2 delivered the one sample the budget paid for.
        assertThat(Jsonl.read(data, SampleJson::fromJson, Jsonl.CutOffLastLine.FAIL)).hasSize(5);
        try (RequestCache c = RequestCache.open(cache)) {
            assertThat(c.size()).isEqualTo(5);
        }

        try (LlmGenerator resumed = generator().cacheFile(cache).budget(Budget.builder().maxRequests(100).build())
                .build()) {
            int hits = 0;
            for (int round = 0; round < 3; round++) {
                hits += resumed.generate(request(GenerationMode.TRAIN, round, 100L + round, "positive", "negative"))
                        .stats().cacheHits();
            }
            assertThat(hits).isEqualTo(5);
            assertThat(resumed.usage().requests()).isEqualTo(1);
        }
    }

    @Test
    void tokenBudgetNamesItsLimit() {
        try (LlmGenerator gen = generator().budget(Budget.builder().maxTokens(30).build()).build()) {
            gen.generate(request(GenerationMode.TRAIN, 0, 1L, "positive"));
            gen.generate(request(GenerationMode.TRAIN, 1, 2L, "positive"));
            assertThatThrownBy(() -> gen.generate(request(GenerationMode.TRAIN, 2, 3L, "positive")))
                    .isInstanceOf(BudgetExhaustedException.class)
                    .hasMessage("budget: maxTokens=30 reached (30 tokens used in 2 requests)");
        }
    }

    @Test
    void costBudgetNamesItsLimit() {
        PriceTable prices = PriceTable.empty().with("test-model", 1_000_000, 2_000_000); // 1 and 2 per token
        try (LlmGenerator gen = generator().budget(Budget.builder().maxCost(25).prices(prices).build()).build()) {
            gen.generate(request(GenerationMode.TRAIN, 0, 1L, "positive")); // 10 + 2*5 = 20
            gen.generate(request(GenerationMode.TRAIN, 1, 2L, "positive")); // 40
            assertThatThrownBy(() -> gen.generate(request(GenerationMode.TRAIN, 2, 3L, "positive")))
                    .isInstanceOf(BudgetExhaustedException.class)
                    .hasMessage("budget: maxCost=25.0 reached (40.0000 spent in 2 requests)");
            assertThat(gen.usage().cost()).isEqualTo(40.0);
        }
    }

    @Test
    void costBudgetWithoutAPriceIsRejectedAtBuild() {
        assertThatThrownBy(() -> generator().budget(Budget.builder().maxCost(5).build()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("test-model");
    }

    @Test
    void aSequenceRequestWithALabelIsRejectedBeforeAnyRequest() {
        Task qa = new Task("squad", TaskKind.EXTRACTIVE_QA, "", List.of("context", "question"), List.of(), List.of());
        try (LlmGenerator gen = generator().build()) {
            assertThatThrownBy(() -> gen.generate(new GenerationRequest(qa, GenerationMode.TRAIN, List.of("positive"),
                    List.of(), 0, 1L)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EXTRACTIVE_QA")
                    .hasMessageContaining("labels must all be null").hasMessageContaining("'positive'");
        }
        assertThat(teacher.requests.get()).isZero();
    }

    @Test
    void feedbackGoesIntoThePromptAsJson() throws Exception {
        Sample fb = Sample.of("r0-p-1", Map.of("text", "An \"odd\" probe sample."), "negative", Origin.PROBE);
        try (LlmGenerator gen = generator().build()) {
            gen.generate(new GenerationRequest(Fixtures.SENTIMENT, GenerationMode.TRAIN, List.of("positive"),
                    List.of(fb), 2, 9L));
        }
        String user = Fixtures.body(server.takeRequest()).getAsJsonArray("messages").get(1).getAsJsonObject()
                .get("content").getAsString();
        assertThat(user).contains("3. {\"text\":\"An \\\"odd\\\" probe sample.\",\"label\":\"negative\"}");
    }

    @Test
    void describeHasTheSettingsButNoSecret() {
        try (LlmGenerator gen = LlmGenerator.builder()
                .chatModel(Fixtures.openAi(server).apiKey("sk-do-not-show").build()).build()) {
            Map<String, Object> d = gen.describe();
            assertThat(d).containsKeys("chatModel", "budget", "temperature", "maxAttemptsPerSample");
            assertThat(d.toString()).doesNotContain("sk-do-not-show").contains("test-model");
        }
    }

    @Test
    void builderValidation() {
        assertThatThrownBy(() -> LlmGenerator.builder().build()).hasMessage("chatModel must be set");
        assertThatThrownBy(() -> generator().temperature(3.0).build()).hasMessage("temperature must be in [0, 2], was 3.0");
        assertThatThrownBy(() -> generator().maxAttemptsPerSample(0).build())
                .hasMessage("maxAttemptsPerSample must be in [1, 20], was 0");
        assertThatThrownBy(() -> Budget.builder().maxRequests(-1).build())
                .hasMessage("maxRequests must be >= 0 (0 = no limit), was -1");
    }

    @Test
    void theLabelOfAClassificationTaskMustBeKnown() {
        Task t = Task.classification("t", "", List.of(new Label("a", ""), new Label("b", "")), List.of());
        try (LlmGenerator gen = generator().build()) {
            assertThatThrownBy(() -> gen.generate(new GenerationRequest(t, GenerationMode.TRAIN, List.of("c"),
                    List.of(), 0, 1L))).hasMessageContaining("unknown label 'c'");
        }
    }
}
