package io.github.goldkd.llm;

import io.github.goldkd.core.DistillationListener;
import io.github.goldkd.core.DistillationResult;
import io.github.goldkd.core.GenerationMode;
import io.github.goldkd.core.GenerationStats;
import io.github.goldkd.core.GoldDistiller;
import io.github.goldkd.core.RoundReport;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.testing.ControlledStudent;
import io.github.goldkd.core.testing.Faults;
import io.github.goldkd.core.testing.TestScorer;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Servers that close connections the client still holds in its pool: one that closes after every answer
 * without a {@code Connection: close} header (Python's HTTP/1.0 {@code http.server}), and one that closes
 * connections idle longer than its keep-alive time (uvicorn, which vLLM runs on). A request caught by
 * such a closed connection before any answer is sent again on a new connection without costing an
 * attempt; any other failure still counts.
 */
class ClosedConnectionsTest {

    private static final int ROUNDS = 10;
    private static final int BATCH = 4;

    private static ChatRequest hello() {
        return ChatRequest.of(ChatMessage.user("hello"));
    }

    /** Answers and then closes the connection, as an HTTP/1.0 server does, without saying so. */
    private static MockResponse closingAfter(MockResponse r) {
        return r.newBuilder().onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE).build();
    }

    @Test
    void aPooledConnectionClosedAfterTheLastAnswerIsReplacedWithoutCostingAnAttempt() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.enqueue(closingAfter(Fixtures.ok("one")));
            server.enqueue(closingAfter(Fixtures.ok("two")));
            server.start();
            // No retries at all: a failure that counted as an attempt would fail the second call.
            OpenAiChatModel model = Fixtures.openAi(server).maxRetries(0).build();

            assertThat(model.chat(hello()).text()).isEqualTo("one");
            Thread.sleep(100); // the server's close has reached the client's socket
            assertThat(model.chat(hello()).text()).isEqualTo("two");

            assertThat(model.staleConnectionRepeats()).isEqualTo(1);
            assertThat(model.retriesAfterFailure()).isZero();
            assertThat(server.getRequestCount()).as("the request on the closed connection never arrived").isEqualTo(2);
            server.takeRequest();
            assertThat(server.takeRequest().getConnectionIndex()).as("second answer on a new connection").isEqualTo(1);
        }
    }

    @Test
    void aFailureAfterTheAnswerBeganCountsEvenOnAPooledConnection() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.enqueue(Fixtures.ok("one"));
            server.enqueue(Fixtures.ok("y".repeat(4000)).newBuilder()
                    .onResponseBody(new SocketEffect.CloseSocket()).build());
            server.start();
            OpenAiChatModel model = Fixtures.openAi(server).maxRetries(0).build();

            model.chat(hello());
            RetriableException e = catchThrowableOfType(RetriableException.class, () -> model.chat(hello()));

            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("I/O error").contains("gave up after 1 attempt");
            assertThat(model.staleConnectionRepeats()).as("the server had the request: not repeated").isZero();
            server.takeRequest();
            assertThat(server.takeRequest().getConnectionIndex()).as("it was a pooled connection").isZero();
        }
    }

    @Test
    void aFailureOnANewConnectionCounts() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());
            server.enqueue(Fixtures.ok("after one retry"));
            server.start();
            OpenAiChatModel model = Fixtures.openAi(server).maxRetries(1).build();

            assertThat(model.chat(hello()).text()).isEqualTo("after one retry");

            assertThat(model.retriesAfterFailure()).isEqualTo(1);
            assertThat(model.staleConnectionRepeats()).isZero();
        }
    }

    @Test
    void anIdleConnectionIsNotKeptPastThePoolIdleTime() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.enqueue(Fixtures.ok("one"));
            server.enqueue(Fixtures.ok("two"));
            server.enqueue(Fixtures.ok("three"));
            server.start();
            OpenAiChatModel model = Fixtures.openAi(server).build();

            model.chat(hello());
            model.chat(hello());
            Thread.sleep(HttpChatModel.POOL_IDLE.toMillis() + 700);
            model.chat(hello());

            assertThat(server.takeRequest().getConnectionIndex()).isZero();
            assertThat(server.takeRequest().getConnectionIndex()).as("back-to-back requests share a connection")
                    .isZero();
            assertThat(server.takeRequest().getConnectionIndex()).as("after an idle pause, a new connection")
                    .isEqualTo(1);
            assertThat(model.staleConnectionRepeats()).isZero();
        }
    }

    @Test
    void aGoldRunAgainstAServerThatClosesAfterEveryAnswerLosesNoAttempt(@TempDir Path dir) throws Exception {
        Fixtures.TeacherDispatcher teacher = new Fixtures.TeacherDispatcher(0);
        try (MockWebServer server = new MockWebServer()) {
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest r) throws InterruptedException {
                    return closingAfter(teacher.dispatch(r));
                }
            });
            server.start();
            OpenAiChatModel model = Fixtures.openAi(server).build();

            DistillationResult result = run(model, dir, 0);

            assertEveryRoundComplete(result);
            assertThat(model.retriesAfterFailure()).as("counted retries").isZero();
            assertThat(model.staleConnectionRepeats()).as("closed pooled connections were met").isPositive();
            assertThat(teacher.requests.get()).isEqualTo(ROUNDS * 2 * BATCH);
        }
    }

    @Test
    void aGoldRunAgainstAServerThatClosesIdleConnectionsLosesNoAttempt(@TempDir Path dir) throws Exception {
        // The server's keep-alive (80 ms) is shorter than the pause between batches (200 ms), which is
        // shorter than the client's pool idle time: each batch starts on connections the server has closed.
        try (IdleClosingServer server = new IdleClosingServer(80, Fixtures::teacherAnswer)) {
            OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).modelName("test-model")
                    .initialBackoff(java.time.Duration.ofMillis(1)).maxBackoff(java.time.Duration.ofMillis(5))
                    .build();

            DistillationResult result = run(model, dir, 200);

            assertEveryRoundComplete(result);
            assertThat(model.retriesAfterFailure()).as("counted retries").isZero();
            assertThat(server.idleCloses.get()).as("the server closed idle connections").isPositive();
            assertThat(model.staleConnectionRepeats()).as("closed pooled connections were met").isPositive();
            assertThat(server.requests.get()).isEqualTo(ROUNDS * 2 * BATCH);
        }
    }

    /** A GOLD run of {@link #ROUNDS} rounds that pauses {@code pauseMillis} after each batch, as training does. */
    private static DistillationResult run(OpenAiChatModel model, Path dir, long pauseMillis) {
        DistillationListener pauses = new DistillationListener() {
            @Override
            public void onGenerated(int round, GenerationMode mode, List<Sample> samples, GenerationStats stats) {
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (LlmGenerator generator = LlmGenerator.builder().chatModel(model).build()) {
            return GoldDistiller.builder().task(Fixtures.SENTIMENT).generator(generator)
                    .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer())
                    .batchSize(BATCH).probeSize(BATCH).rounds(ROUNDS).updateStudentEvery(2).finalEpochs(1)
                    .seed(7).runDirectory(dir).listener(pauses).build().run();
        }
    }

    private static void assertEveryRoundComplete(DistillationResult result) {
        assertThat(result.completed()).isTrue();
        assertThat(result.rounds()).hasSize(ROUNDS);
        assertThat(result.dataset().size()).isEqualTo(ROUNDS * 2 * BATCH);
        assertThat(result.rounds().stream().mapToLong(RoundReport::requests).sum()).isEqualTo(ROUNDS * 2 * BATCH);
    }
}
