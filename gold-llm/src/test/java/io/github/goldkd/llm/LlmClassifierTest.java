package io.github.goldkd.llm;

import io.github.goldkd.core.Sample;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class LlmClassifierTest {

    /** A "model" that calls a review positive when the input to label says "great"; its answers vary in form. */
    private static final class KeywordModel extends Dispatcher {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public MockResponse dispatch(RecordedRequest r) {
            calls.incrementAndGet();
            String user = Fixtures.body(r).getAsJsonArray("messages").get(1).getAsJsonObject().get("content")
                    .getAsString();
            String input = user.substring(user.indexOf("Label this input"));
            if (input.contains("unsure")) {
                return Fixtures.ok("I cannot decide.");
            }
            if (input.contains("great")) {
                return Fixtures.ok("{\"label\": \"positive\"}");
            }
            return Fixtures.ok("negative");
        }
    }

    @Test
    void labelsTheTestSetFewShotAndReportsAccuracy() throws Exception {
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
            try (LlmClassifier c = LlmClassifier.builder().chatModel(model).cache(cache).build()) {
                LlmClassifier.Result r = c.classify(Fixtures.SENTIMENT, test);

                assertThat(r.predictions()).containsExactly("positive", "negative", "positive", null);
                assertThat(r.correct()).isEqualTo(2);
                assertThat(r.unparsed()).isEqualTo(1);
                assertThat(r.accuracy()).isEqualTo(0.5);
                assertThat(r.stats().requests()).isEqualTo(4);
                // Demonstrations are in the prompt; temperature 0.
                String body = server.takeRequest().getBody().utf8();
                assertThat(body).contains("A moving story with superb acting.").contains("\"temperature\":0.0");

                LlmClassifier.Result again = c.classify(Fixtures.SENTIMENT, test);
                assertThat(again.predictions()).isEqualTo(r.predictions());
                assertThat(again.stats().cacheHits()).isEqualTo(4);
            }
        }
        assertThat(m.calls.get()).isEqualTo(4);
    }
}
