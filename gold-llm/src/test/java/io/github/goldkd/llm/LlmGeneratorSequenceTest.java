package io.github.goldkd.llm;

import com.google.gson.JsonObject;
import io.github.goldkd.core.BudgetExhaustedException;
import io.github.goldkd.core.GeneratedBatch;
import io.github.goldkd.core.GenerationMode;
import io.github.goldkd.core.GenerationRequest;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.llm.filter.CandidateFilter;
import io.github.goldkd.llm.filter.SequenceFilter;
import io.github.goldkd.llm.prompt.AnswerParser;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.github.goldkd.llm.SequenceTasks.fields;
import static org.assertj.core.api.Assertions.assertThat;
import static io.github.goldkd.llm.SequenceTasks.fields;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link LlmGenerator} on the three sequence kinds, against a fake server that answers from a script. */
class LlmGeneratorSequenceTest {

    static final Task QA = SequenceTasks.qa(SequenceTasks.KOSCIUSZKO, SequenceTasks.PENICILLIN,
            Sample.withTarget("q3", fields("context", "The Danube flows through ten countries, more than any river.",
                    "question", "How many countries does the Danube cross?"), "ten", List.of(), Origin.REAL));
    static final Task MATH = SequenceTasks.MATH;
    static final Task NL4OPT = SequenceTasks.NL4OPT;

    private MockWebServer server;
    private Script script;

    @TempDir
    Path dir;

    /** Serves its answers in order, one per request; the last is repeated. Records the user prompts. */
    static final class Script extends Dispatcher {
        final List<String> answers = new CopyOnWriteArrayList<>();
        final List<String> prompts = new CopyOnWriteArrayList<>();
        final List<JsonObject> bodies = new CopyOnWriteArrayList<>();
        final AtomicInteger n = new AtomicInteger();

        @Override
        public MockResponse dispatch(RecordedRequest r) {
            JsonObject b = Fixtures.body(r);
            bodies.add(b);
            var msgs = b.getAsJsonArray("messages");
            prompts.add(msgs.get(msgs.size() - 1).getAsJsonObject().get("content").getAsString());
            int i = n.getAndIncrement();
            return Fixtures.ok(answers.get(Math.min(i, answers.size() - 1)));
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        script = new Script();
        server.setDispatcher(script);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** One request at a time, so the script's answers meet the samples in order. */
    private LlmGenerator.Builder generator() {
        return LlmGenerator.builder().chatModel(Fixtures.openAi(server).build()).parallelism(1);
    }

    private static GenerationRequest request(Task task, GenerationMode mode, int count, List<Sample> feedback,
                                             long seed) {
        return new GenerationRequest(task, mode, Collections.nCopies(count, null), feedback, 2, seed);
    }

    private static String json(String... kv) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < kv.length; i += 2) {
            o.addProperty(kv[i], kv[i + 1]);
        }
        return o.toString();
    }

    @Test
    void extractiveQaKeepsSpansCorrectsCaseAndCountsEachRejectByReason() {
        String loire = "The Loire is the longest river in France; it flows for 1,006 km to the Atlantic.";
        String nile = "The Nile flows north through eleven countries into the Mediterranean Sea.";
        script.answers.addAll(List.of(
                // wave 1: samples 0, 1, 2
                json("context", loire, "question", "Which river is the longest in France?", "answer", "the loire"),
                json("context", nile, "question", "Into which sea does the Nile flow?", "answer", "the Red Sea"),
                "Here it is:\n```json\n" + json("context", "Sydney Harbour Bridge opened in 1932 after eight years.",
                        "question", "When did the Sydney Harbour Bridge open?", "answer", "1932") + "\n```",
                // waves 2 to 6: sample 1 again
                json("context", nile, "question", "Where?", "answer", "Mediterranean Sea"),
                "Sorry, I cannot write that.",
                json("context", nile, "question", "Into which sea does the Nile flow?"),
                json("context", loire, "question", "Which river is the longest in France?", "answer", "The Loire"),
                json("context", nile, "question", "Into which sea does the Nile flow?", "answer", "Mediterranean Sea")));
        try (LlmGenerator gen = generator().maxAttemptsPerSample(6).build()) {
            GeneratedBatch b = gen.generate(request(QA, GenerationMode.TRAIN, 3, List.of(), 7L));

            assertThat(b.samples()).extracting(Sample::target)
                    .containsExactly("The Loire", "Mediterranean Sea", "1932");
            assertThat(b.samples()).allSatisfy(s -> {
                assertThat(s.label()).isNull();
                assertThat(s.origin()).isEqualTo(Origin.TRAIN);
                assertThat(s.round()).isEqualTo(2);
                assertThat(s.inputs().keySet()).containsExactly("context", "question");
                assertThat(s.input("context")).contains(s.target());
            });
            assertThat(b.stats().rejects()).isEqualTo(Map.of(
                    SequenceFilter.ANSWER_NOT_IN_SPAN, 1,
                    SequenceFilter.FIELD_TOO_SHORT, 1,
                    "parse-no-json", 1,
                    AnswerParser.MISSING_OUTPUT, 1,
                    CandidateFilter.DUPLICATE, 1));
            assertThat(b.stats().requests()).isEqualTo(8);
        }
        // Structured output: the schema of the QA answer, and a prompt with no label in it.
        JsonObject rf = script.bodies.get(0).getAsJsonObject("response_format");
        assertThat(rf.get("type").getAsString()).isEqualTo("json_schema");
        assertThat(rf.getAsJsonObject("json_schema").getAsJsonObject("schema").getAsJsonObject("properties").keySet())
                .containsExactly("context", "question", "answer");
        assertThat(script.prompts.get(0)).contains("Copy the \"answer\" exactly from the \"context\".")
                .doesNotContain("label");
    }

    @Test
    void mathKeepsExpressionsOverTheProblemsNumbersWithTheirValueAsReference() {
        String body = "Sara has 12 apples and buys 30 more.";
        String q = "How many apples does she have now?";
        script.answers.addAll(List.of(
                json("body", body, "question", q, "equation", "( 12.0 + 30.0 )"),
                json("body", "A shirt costs 40 dollars and is 25 percent off.", "question", "What does it cost now?",
                        "equation", "12 + x"),
                "{\"body\": \"Tom reads 15 pages a day for 6 days.\", \"question\": \"How many pages does he read?\", "
                        + "\"equation\": \"15 * 6\", \"answer\": 91}",
                json("body", "A shirt costs 40 dollars and is 25 percent off.", "question", "What does it cost now?",
                        "equation", "40 * 0.75"),
                json("body", "A shirt costs 40 dollars and is 25 percent off.", "question", "What does it cost now?",
                        "equation", "40 - 40 * 25 / 100"),
                "{\"body\": \"Tom reads 15 pages a day for 6 days.\", \"question\": \"How many pages does he read?\", "
                        + "\"equation\": \"( 15.0 * 6.0 )\", \"answer\": \"90 pages\"}"));
        try (LlmGenerator gen = generator().maxAttemptsPerSample(4).build()) {
            GeneratedBatch b = gen.generate(request(MATH, GenerationMode.TRAIN, 3, List.of(), 8L));

            assertThat(b.samples()).extracting(Sample::target)
                    .containsExactly("( 12.0 + 30.0 )", "( 15.0 * 6.0 )", "40 - 40 * 25 / 100");
            assertThat(b.samples()).extracting(Sample::references)
                    .containsExactly(List.of("42.0"), List.of("90.0"), List.of("30.0"));
            assertThat(b.samples()).allSatisfy(s -> assertThat(s.label()).isNull());
            assertThat(b.stats().rejects()).isEqualTo(Map.of(
                    SequenceFilter.EQUATION_INVALID, 1,
                    SequenceFilter.ANSWER_MISMATCH, 1,
                    SequenceFilter.EQUATION_UNKNOWN_NUMBER, 1));
        }
        assertThat(script.prompts.get(0)).contains("arithmetic expression over the numbers in the problem")
                .contains("\"equation\":\"( 4.0 - 3.0 )\"");
    }

    @Test
    void textGenerationUsesTheTasksOutputFieldAndItsLengthBounds() {
        String doc = "A bakery makes bread and cakes with at most 80 hours of oven time.";
        script.answers.addAll(List.of(
                json("document", doc, "formulation", "Variables: x: bread, y: cakes\nConstraints:\nx + 2 * y <= 80"),
                json("document", "A shop sells tea and coffee from 100 kg of stock.", "formulation", " "),
                json("document", "A shop sells tea and coffee from 100 kg of stock.", "formulation", "x".repeat(61)),
                json("document", "A shop sells tea and coffee from 100 kg of stock.", "output", "x + y <= 100"),
                json("document", "A shop sells tea and coffee from 100 kg of stock.", "formulation", "x + y <= 100")));
        SequenceFilter bounds = SequenceFilter.builder().outputChars(TaskKind.TEXT_GENERATION, 1, 60).build();
        try (LlmGenerator gen = generator().sequenceFilter(bounds).maxAttemptsPerSample(4).build()) {
            GeneratedBatch b = gen.generate(request(NL4OPT, GenerationMode.TRAIN, 2, List.of(), 9L));

            assertThat(b.samples()).extracting(Sample::target)
                    .containsExactly("Variables: x: bread, y: cakes\nConstraints:\nx + 2 * y <= 80", "x + y <= 100");
            assertThat(b.stats().rejects()).isEqualTo(Map.of(SequenceFilter.OUTPUT_EMPTY, 1,
                    SequenceFilter.OUTPUT_TOO_LONG, 1, AnswerParser.MISSING_OUTPUT, 1));
        }
    }

    @Test
    void theSequenceFiltersLengthBoundsAreTheOnlyOnesASequenceTaskMeets() {
        // a document longer than the candidate filter's own 2,000 characters, allowed by the sequence filter
        String doc = "A bakery makes bread and cakes with at most 80 hours of oven time. ".repeat(40);
        script.answers.add(json("document", doc, "formulation", "x + 2 * y <= 80"));
        SequenceFilter longDocuments = SequenceFilter.builder().inputChars(TaskKind.TEXT_GENERATION, 11, 5000).build();
        try (LlmGenerator gen = generator().sequenceFilter(longDocuments).build()) {
            GeneratedBatch b = gen.generate(request(NL4OPT, GenerationMode.TRAIN, 1, List.of(), 11L));
            assertThat(doc.length()).isGreaterThan(2000);
            assertThat(b.samples()).extracting(Sample::target).containsExactly("x + 2 * y <= 80");
            assertThat(b.stats().rejects()).isEmpty();
        }
    }

    @Test
    void aProbePromptHasTheProbeInstructionAndTheFeedbackExamplesWithTheirTargets() {
        Sample fb1 = new Sample("r00001-p-04", fields("context", "Lake Baikal holds a fifth of the world's fresh water.",
                "question", "How much fresh water does Lake Baikal hold?"), null, "a fifth", Origin.PROBE, 1);
        Sample fb2 = new Sample("r00001-p-05", fields("context", "The Atacama is the driest desert on Earth.",
                "question", "Which desert is the driest?"), null, "The Atacama", Origin.PROBE, 1);
        script.answers.add(json("context", "The kakapo is a flightless parrot of New Zealand.",
                "question", "Where does the kakapo live?", "answer", "New Zealand"));
        try (LlmGenerator gen = generator().build()) {
            GeneratedBatch b = gen.generate(request(QA, GenerationMode.PROBE, 1, List.of(fb1, fb2), 10L));
            assertThat(b.samples()).hasSize(1);
            assertThat(b.samples().get(0).origin()).isEqualTo(Origin.PROBE);
            assertThat(b.samples().get(0).target()).isEqualTo("New Zealand");
        }
        String p = script.prompts.get(0);
        assertThat(p).contains("significantly different from the ones above, from a new topic")
                .contains("3. {\"context\":\"The Danube")
                .contains("4. {\"context\":\"Lake Baikal holds a fifth of the world's fresh water.\","
                        + "\"question\":\"How much fresh water does Lake Baikal hold?\",\"answer\":\"a fifth\"}")
                .contains("5. {\"context\":\"The Atacama is the driest desert on Earth.\","
                        + "\"question\":\"Which desert is the driest?\",\"answer\":\"The Atacama\"}");
        assertThat(p.indexOf("4. {")).isGreaterThan(p.indexOf("3. {"));
    }

    @Test
    void feedbackExamplesCountAsSeenForTheDuplicateFilter() {
        Sample fb = new Sample("r00001-p-04", fields("context", "Lake Baikal holds a fifth of the world's fresh water.",
                "question", "How much fresh water does Lake Baikal hold?"), null, "a fifth", Origin.PROBE, 1);
        script.answers.add(json("context", "Lake Baikal holds a fifth of the world's fresh water.",
                "question", "How much fresh water does Lake Baikal hold?", "answer", "a fifth"));
        try (LlmGenerator gen = generator().maxAttemptsPerSample(1).build()) {
            GeneratedBatch b = gen.generate(request(QA, GenerationMode.TRAIN, 1, List.of(fb), 11L));
            assertThat(b.samples()).isEmpty();
            assertThat(b.stats().rejects()).isEqualTo(Map.of(CandidateFilter.DUPLICATE, 1));
        }
    }

    @Test
    void theCacheAnswersARepeatedSequenceRequestWithTheSameSamples() {
        Path cache = dir.resolve("cache.jsonl");
        script.answers.addAll(List.of(
                json("body", "Sara has 12 apples and buys 30 more.", "question", "How many apples now?",
                        "equation", "12 + 30"),
                json("body", "Tom reads 15 pages a day for 6 days.", "question", "How many pages in all?",
                        "equation", "15 * 6")));
        GenerationRequest req = request(MATH, GenerationMode.TRAIN, 2, List.of(), 12L);
        List<Sample> first;
        try (LlmGenerator gen = generator().cacheFile(cache).build()) {
            first = gen.generate(req).samples();
        }
        assertThat(first).hasSize(2);
        try (LlmGenerator again = generator().cacheFile(cache).build()) {
            GeneratedBatch b = again.generate(req);
            assertThat(b.samples()).isEqualTo(first);
            assertThat(b.stats().cacheHits()).isEqualTo(2);
            assertThat(b.stats().requests()).isZero();
        }
        assertThat(script.n.get()).isEqualTo(2);
    }

    @Test
    void theBudgetStopsASequenceRunCleanly() {
        script.answers.addAll(List.of(
                json("document", "A bakery makes bread and cakes with 80 hours of oven time.", "formulation", "x + y <= 80"),
                json("document", "A shop sells tea and coffee from 100 kg of stock.", "formulation", "x + y <= 100")));
        try (LlmGenerator gen = generator().budget(Budget.builder().maxRequests(1).build()).build()) {
            GeneratedBatch b = gen.generate(request(NL4OPT, GenerationMode.TRAIN, 2, List.of(), 13L));
            assertThat(b.samples()).extracting(Sample::target).containsExactly("x + y <= 80");
            assertThatThrownBy(() -> gen.generate(request(NL4OPT, GenerationMode.TRAIN, 2, List.of(), 14L)))
                    .isInstanceOf(BudgetExhaustedException.class).hasMessageContaining("maxRequests=1");
        }
        assertThat(script.n.get()).isEqualTo(1);
    }

    @Test
    void describeHasTheSequenceFilterSettings() {
        try (LlmGenerator gen = generator().build()) {
            assertThat(gen.describe().get("sequenceFilter")).isInstanceOf(Map.class);
            assertThat(gen.describe().get("sequenceFilter").toString()).contains("extractive_qa.spanChars");
        }
    }
}
