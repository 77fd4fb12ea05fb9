package io.github.goldkd.llm;

import io.github.goldkd.core.GeneratedBatch;
import io.github.goldkd.core.GenerationMode;
import io.github.goldkd.core.GenerationRequest;
import io.github.goldkd.core.Sample;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Several servers behind one client: spreading, the per-server limit, taking a failing server out, the cache. */
class MultiServerTest {

    @TempDir
    Path dir;

    private static OpenAiChatModel.Builder over(MockWebServer... servers) {
        List<String> urls = new ArrayList<>();
        for (MockWebServer s : servers) {
            urls.add(s.url("/v1").toString());
        }
        return Fixtures.openAi(servers[0]).baseUrls(urls);
    }

    private static GenerationRequest batch(int count, long seed) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            labels.add(i % 2 == 0 ? "positive" : "negative");
        }
        return new GenerationRequest(Fixtures.SENTIMENT, GenerationMode.TRAIN, labels, List.of(), 0, seed);
    }

    @Test
    void spreadsRequestsOverTheServersWithinEachServersLimit() throws Exception {
        Fixtures.TeacherDispatcher[] teachers = new Fixtures.TeacherDispatcher[3];
        MockWebServer[] servers = new MockWebServer[3];
        try (MockWebServer a = new MockWebServer(); MockWebServer b = new MockWebServer();
             MockWebServer c = new MockWebServer()) {
            servers[0] = a;
            servers[1] = b;
            servers[2] = c;
            for (int i = 0; i < 3; i++) {
                teachers[i] = new Fixtures.TeacherDispatcher(100);
                servers[i].setDispatcher(teachers[i]);
                servers[i].start();
            }
            OpenAiChatModel model = over(a, b, c).maxConcurrency(2).build();
            assertThat(model.maxConcurrency()).isEqualTo(6);
            ExecutorService callers = Executors.newFixedThreadPool(24);
            try {
                List<Future<ChatResponse>> fs = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    int n = i;
                    fs.add(callers.submit(() -> model.chat(ChatRequest.builder()
                            .addMessage(ChatMessage.user("Write a review whose label is \"positive\"."))
                            .seed((long) n).build())));
                }
                for (Future<ChatResponse> f : fs) {
                    assertThat(f.get(30, TimeUnit.SECONDS).text()).contains("A review about");
                }
            } finally {
                callers.shutdownNow();
            }
            // Least-busy routing spreads the load but does not split it exactly: a server whose answers come
            // back sooner (a descheduled thread on a loaded machine) takes a request more. What must hold is
            // the limit per server, a real spread, and counts that agree with what each server saw.
            int total = 0;
            for (Fixtures.TeacherDispatcher t : teachers) {
                assertThat(t.maxInFlight.get()).as("in flight at one server").isEqualTo(2);
                assertThat(t.requests.get()).as("requests at one server").isBetween(4, 12);
                total += t.requests.get();
            }
            assertThat(total).isEqualTo(24);
            List<ServerStats> stats = model.serverStats();
            assertThat(stats).extracting(ServerStats::url).containsExactly(a.url("/v1/chat/completions").toString(),
                    b.url("/v1/chat/completions").toString(), c.url("/v1/chat/completions").toString());
            for (int i = 0; i < 3; i++) {
                ServerStats s = stats.get(i);
                int seen = teachers[i].requests.get();
                assertThat(s.requests()).isEqualTo(seen);
                assertThat(s.failures()).isZero();
                assertThat(s.promptTokens()).isEqualTo(10L * seen);
                assertThat(s.completionTokens()).isEqualTo(5L * seen);
            }
            assertThat(model.describe().get("endpoints")).asList().hasSize(3);
            assertThat(model.describe()).containsEntry("maxConcurrencyPerServer", 2).containsEntry("maxConcurrency", 6);
        }
    }

    @Test
    void aServerKilledMidBatchLosesNoSample() throws Exception {
        CountDownLatch killerReady = new CountDownLatch(2);
        Fixtures.TeacherDispatcher healthy1 = new Fixtures.TeacherDispatcher(100);
        Fixtures.TeacherDispatcher healthy2 = new Fixtures.TeacherDispatcher(100);
        Fixtures.TeacherDispatcher doomed = new Fixtures.TeacherDispatcher(400) {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                killerReady.countDown();
                return super.dispatch(request);
            }
        };
        MockWebServer victim = new MockWebServer();
        try (MockWebServer a = new MockWebServer(); MockWebServer c = new MockWebServer()) {
            a.setDispatcher(healthy1);
            victim.setDispatcher(doomed);
            c.setDispatcher(healthy2);
            a.start();
            victim.start();
            c.start();
            OpenAiChatModel model = over(a, victim, c).maxConcurrency(2).serverBackoff(Duration.ofMinutes(5)).build();
            Thread killer = new Thread(() -> {
                try {
                    killerReady.await();
                    victim.close(); // two requests are in flight there: both are cut off
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            killer.start();
            GeneratedBatch batch;
            try (LlmGenerator gen = LlmGenerator.builder().chatModel(model).build()) {
                batch = gen.generate(batch(30, 7));
            }
            killer.join();
            assertThat(batch.samples()).hasSize(30);
            assertThat(batch.stats().requests()).isEqualTo(30);
            List<ServerStats> stats = model.serverStats();
            ServerStats dead = stats.get(1);
            assertThat(dead.failures()).as("the cut-off requests and the refused reconnects").isGreaterThanOrEqualTo(2);
            assertThat(dead.timesTakenOut()).isEqualTo(1);
            assertThat(dead.completionTokens()).isZero();
            assertThat(stats.get(0).requests() + stats.get(2).requests()).isEqualTo(30);
            assertThat(stats.get(0).failures() + stats.get(2).failures()).isZero();
            model.close();
        } finally {
            victim.close();
        }
    }

    @Test
    void aFailingServerIsTakenOutAndProbedBeforeItReturns() throws Exception {
        AtomicBoolean broken = new AtomicBoolean(true);
        Fixtures.TeacherDispatcher fine = new Fixtures.TeacherDispatcher(0);
        Fixtures.TeacherDispatcher flaky = new Fixtures.TeacherDispatcher(0) {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                super.dispatch(request);
                return broken.get() ? Fixtures.json(503, "{\"error\":{\"message\":\"loading model\"}}")
                        : answer(request);
            }
        };
        try (MockWebServer a = new MockWebServer(); MockWebServer b = new MockWebServer()) {
            a.setDispatcher(flaky);
            b.setDispatcher(fine);
            a.start();
            b.start();
            OpenAiChatModel model = over(a, b).maxConcurrency(1).serverFailuresBeforeBackoff(2)
                    .serverBackoff(Duration.ofMillis(300)).build();
            ChatRequest req = ChatRequest.of(ChatMessage.user("Write a review whose label is \"positive\"."));
            for (int i = 0; i < 6; i++) {
                assertThat(model.chat(req).text()).contains("A review about");
            }
            // Round robin sent calls 1 and 2 to a, which failed twice (each retried at once on b) and was taken out.
            assertThat(flaky.requests.get()).isEqualTo(2);
            assertThat(model.serverStats().get(0).timesTakenOut()).isEqualTo(1);
            Thread.sleep(350);
            model.chat(req); // the probe: fails again, a stays out for twice as long
            assertThat(flaky.requests.get()).isEqualTo(3);
            assertThat(model.serverStats().get(0).timesTakenOut()).isEqualTo(2);
            broken.set(false);
            Thread.sleep(350);
            model.chat(req); // still out (600 ms)
            assertThat(flaky.requests.get()).isEqualTo(3);
            Thread.sleep(300);
            model.chat(req); // the probe succeeds: a is back
            assertThat(flaky.requests.get()).isEqualTo(4);
            for (int i = 0; i < 4; i++) {
                model.chat(req);
            }
            assertThat(flaky.requests.get()).as("a takes its share again").isEqualTo(6);
            ServerStats s = model.serverStats().get(0);
            assertThat(s.requests()).isEqualTo(6);
            assertThat(s.failures()).isEqualTo(3);
            assertThat(s.completionTokens()).isEqualTo(15);
            assertThat(model.serverStats().get(1).failures()).isZero();
        }
    }

    @Test
    void aResumedRunFindsItsAnswersInTheCacheWhicheverServerIsFirst() throws Exception {
        Path cache = dir.resolve("llm-cache.jsonl");
        Fixtures.TeacherDispatcher first = new Fixtures.TeacherDispatcher(0);
        Fixtures.TeacherDispatcher second = new Fixtures.TeacherDispatcher(0);
        Fixtures.TeacherDispatcher other = new Fixtures.TeacherDispatcher(0);
        try (MockWebServer a = new MockWebServer(); MockWebServer b = new MockWebServer();
             MockWebServer c = new MockWebServer()) {
            a.setDispatcher(first);
            b.setDispatcher(second);
            c.setDispatcher(other);
            a.start();
            b.start();
            c.start();
            List<Sample> before;
            try (LlmGenerator gen = LlmGenerator.builder().chatModel(over(a, b).build()).cacheFile(cache).build()) {
                before = gen.generate(batch(12, 3)).samples();
            }
            assertThat(first.requests.get() + second.requests.get()).isEqualTo(12);
            assertThat(first.requests.get()).isPositive();
            assertThat(second.requests.get()).isPositive();
            OpenAiChatModel reordered = over(c, b, a).build();
            GeneratedBatch again;
            try (LlmGenerator gen = LlmGenerator.builder().chatModel(reordered).cacheFile(cache).build()) {
                again = gen.generate(batch(12, 3));
            }
            assertThat(again.stats().cacheHits()).isEqualTo(12);
            assertThat(again.stats().requests()).isZero();
            assertThat(other.requests.get()).isZero();
            assertThat(first.requests.get() + second.requests.get()).isEqualTo(12);
            assertThat(again.samples()).extracting(Sample::inputs)
                    .containsExactlyElementsOf(before.stream().map(Sample::inputs).toList());
            assertThat(reordered.serverStats()).allMatch(s -> s.requests() == 0);
        }
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> OpenAiChatModel.builder().modelName("m").baseUrls(List.of()).build())
                .hasMessage("baseUrls must hold 1 to 64 URLs, held 0");
        assertThatThrownBy(() -> OpenAiChatModel.builder().modelName("m")
                .baseUrls(List.of("http://h:1/v1", "http://h:1/v1")).build())
                .hasMessage("baseUrls must be distinct, 'http://h:1/v1' is given twice");
        assertThatThrownBy(() -> OpenAiChatModel.builder().modelName("m").baseUrls(List.of("http://h:1", "nope"))
                .build()).hasMessage("baseUrl must be an http or https URL, was 'nope'");
        assertThatThrownBy(() -> OpenAiChatModel.builder().modelName("m").serverFailuresBeforeBackoff(0).build())
                .hasMessage("serverFailuresBeforeBackoff must be in [1, 100], was 0");
        assertThatThrownBy(() -> OpenAiChatModel.builder().modelName("m").serverBackoff(Duration.ZERO).build())
                .hasMessage("serverBackoff must be > 0, was PT0S");
    }
}
