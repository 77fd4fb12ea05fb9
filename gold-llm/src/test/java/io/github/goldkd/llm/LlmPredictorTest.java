package io.github.goldkd.llm;

import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.metric.Metrics;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LlmPredictorTest {

    /** A "model" that calls a review positive when the input to label says "great"; its answers vary in form. */
    private static final class KeywordModel extends Dispatcher {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public MockResponse dispatch(RecordedRequest r) {
            calls.incrementAndGet();
            String input = userPrompt(r).substring(userPrompt(r).indexOf("Label this input"));
            if (input.contains("unsure")) {
                return Fixtures.ok("I cannot decide.");
            }
            if (input.contains("great")) {
                return Fixtures.ok("{\"label\": \"positive\"}");
            }
            return Fixtures.ok("negative");
        }
    }

    private static String userPrompt(RecordedRequest r) {
        return Fixtures.body(r).getAsJsonArray("messages").get(1).getAsJsonObject().get("content").getAsString();
    }

    @Test
    void labelsTheTestSetFewShotAndScoresItsAccuracy() throws Exception {
        KeywordModel m = new KeywordModel();
        List<Sample> test = List.of(
                Sample.real("t1", "A great film.", "positive"),
                Sample.real("t2", "Boring.", "negative"),
                Sample.real("t3", "Not great at all.", "negative"),   // the keyword model gets this wrong
                Sample.real("t4", "unsure what to think", "positive"));
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(m);
            server.start();
            ChatModel model = Fixtures.openAi(server).build();
            RequestCache cache = RequestCache.inMemory();
            try (LlmPredictor c = LlmPredictor.builder().chatModel(model).cache(cache).build()) {
                LlmPredictor.Result r = c.predict(Fixtures.SENTIMENT, test);

                assertThat(r.predictions()).containsExactly("positive", "negative", "positive", null);
                assertThat(r.unparsed()).isEqualTo(1);
                assertThat(r.score(Metrics.accuracy(), test)).isEqualTo(0.5);
                assertThat(r.stats().requests()).isEqualTo(4);
                assertThat(r.stats().rejects()).containsEntry(LlmPredictor.NO_OUTPUT, 1);
                // Demonstrations are in the prompt; temperature 0.
                String body = server.takeRequest().getBody().utf8();
                assertThat(body).contains("A moving story with superb acting.").contains("\"temperature\":0.0");

                LlmPredictor.Result again = c.predict(Fixtures.SENTIMENT, test);
                assertThat(again.predictions()).isEqualTo(r.predictions());
                assertThat(again.stats().cacheHits()).isEqualTo(4);
            }
        }
        assertThat(m.calls.get()).isEqualTo(4);
    }

    /** Answers each sequence prompt from a table keyed by a word of the input; records the prompts. */
    private static final class TableModel extends Dispatcher {
        final Map<String, String> answers;
        final List<String> prompts = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> schemas = new java.util.concurrent.CopyOnWriteArrayList<>();

        TableModel(Map<String, String> answers) {
            this.answers = answers;
        }

        @Override
        public MockResponse dispatch(RecordedRequest r) {
            String user = userPrompt(r);
            prompts.add(user);
            var format = Fixtures.body(r).get("response_format");
            schemas.add(format == null ? "" : format.toString());
            String input = user.substring(user.indexOf("Solve this input"));
            for (Map.Entry<String, String> e : answers.entrySet()) {
                if (input.contains(e.getKey())) {
                    return Fixtures.ok(e.getValue());
                }
            }
            return Fixtures.ok("{}");
        }
    }

    private static Sample qa(String id, String context, String question, String... answers) {
        return Sample.withTarget(id, Map.of("context", context, "question", question), answers[0], List.of(answers),
                Origin.REAL);
    }

    @Test
    void answersAnExtractiveQaTestSetScoredByExactMatchAndF1() throws Exception {
        TableModel m = new TableModel(Map.of(
                "Everest", "{\"answer\": \"8,849 metres\"}",
                "Curie", "{\"answer\": \"in 1903 in Stockholm\"}",
                "Nile", "I do not know"));
        Task task = LlmGeneratorSequenceTest.QA;
        List<Sample> test = List.of(
                qa("a", "Mount Everest is 8,849 metres high.", "How high is Everest?", "8,849 metres"),
                qa("b", "Marie Curie won the Nobel Prize in 1903.", "When did Curie win?", "1903"),
                qa("c", "The Nile is long.", "Which river is long?", "The Nile", "Nile"));
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(m);
            server.start();
            try (LlmPredictor p = LlmPredictor.builder().chatModel(Fixtures.openAi(server).build()).build()) {
                LlmPredictor.Result r = p.predict(task, test);

                // a bare text answer is taken as the output; an answer without the field would be none
                assertThat(r.predictions()).containsExactly("8,849 metres", "in 1903 in Stockholm", "I do not know");
                assertThat(r.score(Metrics.exactMatch(), test)).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
                double f1b = 2 * (1.0 / 4) * 1.0 / (1.0 / 4 + 1.0); // "in 1903 in stockholm" vs "1903"
                assertThat(r.score(Metrics.f1(), test)).isCloseTo((1.0 + f1b + 0.0) / 3, org.assertj.core.data.Offset.offset(1e-9));
            }
        }
        // few-shot from the task's demonstrations, the kind's output rule, the answer's schema
        assertThat(m.prompts.get(0)).contains("Alexander Fleming").contains("copied exactly, character for character")
                .contains("{\"answer\": ...}");
        assertThat(m.schemas.get(0)).contains("gold_answer").contains("\"answer\"");
    }

    @Test
    void answersMathWithExpressionsScoredByTheirValue() throws Exception {
        TableModel m = new TableModel(Map.of(
                "apples", "{\"equation\": \"( 5.0 + 3.0 )\"}",
                "pears", "{\"equation\": \"( 9.0 * 2.0 )\"}",
                "plums", "{\"equation\": \"nonsense\"}"));
        Task task = LlmGeneratorSequenceTest.MATH;
        List<Sample> test = List.of(
                Sample.withTarget("x", Map.of("body", "Tom has 5 apples and gets 3 more.", "question", "How many?"),
                        "( 5.0 + 3.0 )", List.of("8.0"), Origin.REAL),
                Sample.withTarget("y", Map.of("body", "Ann has 9 pears and eats 2.", "question", "How many left?"),
                        "( 9.0 - 2.0 )", List.of("7.0"), Origin.REAL),
                Sample.withTarget("z", Map.of("body", "There are 4 plums.", "question", "How many?"),
                        "4.0", List.of("4.0"), Origin.REAL));
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(m);
            server.start();
            try (LlmPredictor p = LlmPredictor.builder().chatModel(Fixtures.openAi(server).build()).build()) {
                LlmPredictor.Result r = p.predict(task, test);

                assertThat(r.predictions()).containsExactly("( 5.0 + 3.0 )", "( 9.0 * 2.0 )", "nonsense");
                assertThat(r.score(Metrics.executionAccuracy(), test)).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
            }
        }
        assertThat(m.prompts.get(0)).contains("( 4.0 - 3.0 )").contains("arithmetic expression");
    }

    @Test
    void aSpentBudgetLeavesTheRestUnansweredInsteadOfFailing() throws Exception {
        KeywordModel m = new KeywordModel();
        List<Sample> test = List.of(Sample.real("t1", "A great film.", "positive"),
                Sample.real("t2", "Boring.", "negative"), Sample.real("t3", "great", "positive"));
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(m);
            server.start();
            try (LlmPredictor p = LlmPredictor.builder().chatModel(Fixtures.openAi(server).build())
                    .budget(Budget.builder().maxRequests(2).build()).parallelism(1).build()) {
                LlmPredictor.Result r = p.predict(Fixtures.SENTIMENT, test);
                assertThat(r.predictions()).containsExactly("positive", "negative", null);
                assertThat(r.stats().requests()).isEqualTo(2);
            }
        }
    }

    @Test
    void aBuilderBuildsIndependentPredictorsAndValidatesItsSettings() throws Exception {
        KeywordModel m = new KeywordModel();
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(m);
            server.start();
            LlmPredictor.Builder b = LlmPredictor.builder().chatModel(Fixtures.openAi(server).build());
            LlmPredictor first = b.build();
            LlmPredictor second = b.build();
            List<Sample> test = List.of(Sample.real("t1", "A great film.", "positive"));
            first.predict(Fixtures.SENTIMENT, test);
            first.close();
            // the second has its own cache (it pays for its own answer) and its own pool, open after the first closed
            LlmPredictor.Result r = second.predict(Fixtures.SENTIMENT, test);
            assertThat(r.stats().requests()).isEqualTo(1);
            assertThat(r.predictions()).containsExactly("positive");
            second.close();
            assertThat(m.calls.get()).isEqualTo(2);

            assertThatThrownBy(() -> b.temperature(3).build()).hasMessageContaining("temperature must be in [0, 2]");
            assertThatThrownBy(() -> LlmPredictor.builder().chatModel(Fixtures.openAi(server).build()).parallelism(0)
                    .build()).hasMessageContaining("parallelism must be in [1, 256], was 0");
            assertThatThrownBy(() -> LlmPredictor.builder().build()).hasMessageContaining("chatModel must be set");
        }
    }
}
