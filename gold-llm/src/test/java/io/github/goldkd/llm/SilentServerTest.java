package io.github.goldkd.llm;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A server that accepts a request and never answers: the attempt ends at the call timeout with a
 * retriable timeout that says which limit ran out, and the wait is logged meanwhile (never with the key).
 */
class SilentServerTest {

    @Test
    void aServerThatNeverAnswersTimesOutWithinTheCallTimeoutAndTheWaitIsLogged() throws Exception {
        String key = "sk-silent-" + UUID.randomUUID();
        Path logFile = Path.of(System.getProperty("gold.llm.testLog"));
        // Initialise the SLF4J binding first: it opens (and truncates) the log file when the first logger is made.
        LoggerFactory.getLogger(SilentServerTest.class).debug("silent server test starts");
        long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
        try (MockWebServer server = new MockWebServer()) {
            for (int i = 0; i < 2; i++) {
                server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
            }
            server.start();
            List<Long> retryWaits = new ArrayList<>();
            OpenAiChatModel model = Fixtures.openAi(server).apiKey(key).maxRetries(1)
                    .callTimeout(Duration.ofMillis(1500)).waitLogInterval(Duration.ofSeconds(1))
                    .retryTiming(Clock.systemUTC(), retryWaits::add, max -> max).build();

            long t0 = System.nanoTime();
            LlmTimeoutException e = catchThrowableOfType(LlmTimeoutException.class,
                    () -> model.chat(ChatRequest.of(ChatMessage.user("hello"))));
            long ms = (System.nanoTime() - t0) / 1_000_000L;

            assertThat(e).isNotNull();
            assertThat(e.isRetriable()).isTrue();
            assertThat(e.getMessage()).contains("timed out after").contains("whole call 1500 ms")
                    .contains("gave up after 2 attempts");
            assertThat(server.getRequestCount()).as("retried once, as the policy says").isEqualTo(2);
            // The time is the two call timeouts': the one wait between them is the first backoff, 1 ms.
            assertThat(retryWaits).containsExactly(1_000_000L);
            assertThat(ms).as("two attempts of 1.5 s").isBetween(2900L, 6000L);
            String host = server.url("/").host() + ":" + server.getPort();
            String log = readFrom(logFile, logStart);
            assertThat(log).contains("still waiting for " + host + " after 1 s (request 1, attempt 1)")
                    .contains("still waiting for " + host + " after 1 s (request 1, attempt 2)")
                    .doesNotContain(key);
        }
    }

    @Test
    void theDefaultsSuitOneGenerationAndTheReadTimeoutFollowsTheCallTimeout() {
        HttpChatModel defaults = OpenAiChatModel.builder().modelName("m").build();
        HttpChatModel longer = OpenAiChatModel.builder().modelName("m").callTimeout(Duration.ofMinutes(5)).build();
        HttpChatModel both = OpenAiChatModel.builder().modelName("m").callTimeout(Duration.ofMinutes(5))
                .readTimeout(Duration.ofSeconds(90)).build();

        assertThat(defaults.describe()).containsEntry("callTimeoutMs", 120_000L).containsEntry("readTimeoutMs", 120_000L);
        assertThat(longer.describe()).containsEntry("callTimeoutMs", 300_000L).containsEntry("readTimeoutMs", 300_000L);
        assertThat(both.describe()).containsEntry("callTimeoutMs", 300_000L).containsEntry("readTimeoutMs", 90_000L);
    }

    private static String readFrom(Path logFile, long start) throws Exception {
        byte[] bytes = Files.readAllBytes(logFile);
        return new String(bytes, (int) start, bytes.length - (int) start, StandardCharsets.UTF_8);
    }
}
