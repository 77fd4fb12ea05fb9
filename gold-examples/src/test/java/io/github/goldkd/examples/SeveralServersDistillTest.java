package io.github.goldkd.examples;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.goldkd.core.RunStore;
import io.github.goldkd.core.io.TaskJson;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code gold distill} with a repeated {@code --base-url}: requests spread over the servers, per-server counts in
 * summary.json, and a run broken off mid-round that resumes with another server first in the list and finds the
 * answers it already had in the request cache.
 */
class SeveralServersDistillTest {

    /** Counts its requests; answers like {@link LlmTeacherRunTest#answer} unless refusing. */
    private static final class Teacher extends Dispatcher {
        final AtomicInteger requests = new AtomicInteger();
        private final AtomicInteger shared;
        private final int answerFirst;
        private final AtomicBoolean healed;

        Teacher(AtomicInteger shared, int answerFirst, AtomicBoolean healed) {
            this.shared = shared;
            this.answerFirst = answerFirst;
            this.healed = healed;
        }

        @Override
        public MockResponse dispatch(RecordedRequest r) {
            requests.incrementAndGet();
            if (shared.incrementAndGet() > answerFirst && !healed.get()) {
                return new MockResponse.Builder().code(401).addHeader("Content-Type", "application/json")
                        .body("{\"error\":{\"message\":\"key revoked\"}}").build();
            }
            return LlmTeacherRunTest.answer(r);
        }
    }

    private static int gold(List<String> args, StringWriter err) {
        return GoldCli.execute(args.toArray(String[]::new), new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true));
    }

    @Test
    void aRunSpreadsOverTheServersAndResumesFromTheCacheWithAnotherServerFirst(@TempDir Path tmp) throws Exception {
        Path task = tmp.resolve("task.json");
        TaskJson.write(task, ShippedData.sentimentTask());
        Path out = tmp.resolve("run");
        AtomicInteger all = new AtomicInteger();
        AtomicBoolean healed = new AtomicBoolean();
        // Round 0 asks 4 samples (2 to train on, 2 probes); the next 2 answers are round 1's training batch,
        // then the key is refused and the run stops before round 1 is committed.
        Teacher ta = new Teacher(all, 6, healed);
        Teacher tb = new Teacher(all, 6, healed);
        Teacher tc = new Teacher(all, 6, healed);
        try (MockWebServer a = new MockWebServer(); MockWebServer b = new MockWebServer();
             MockWebServer c = new MockWebServer()) {
            a.setDispatcher(ta);
            b.setDispatcher(tb);
            c.setDispatcher(tc);
            a.start();
            b.start();
            c.start();
            List<String> args = new ArrayList<>(List.of("distill", "--task", task.toString(), "--teacher", "openai",
                    "--model", "mock", "--rounds", "2", "--batch-size", "2", "--update-every", "1",
                    "--final-epochs", "1", "--seed", "5", "--out", out.toString()));
            List<String> first = new ArrayList<>(args);
            first.addAll(List.of("--base-url", a.url("/v1").toString(), "--base-url", b.url("/v1").toString()));
            StringWriter err = new StringWriter();
            assertThat(gold(first, err)).as(err.toString()).isEqualTo(1);
            assertThat(err.toString()).contains("HTTP 401");
            assertThat(RunStore.read(out).rounds()).hasSize(1);
            assertThat(ta.requests.get()).as("both servers served").isPositive();
            assertThat(tb.requests.get()).isPositive();
            int before = all.get();
            assertThat(before).as("6 answers, then round 1's two probes refused (sent in parallel)").isEqualTo(8);

            int bBefore = tb.requests.get();
            healed.set(true);
            List<String> resumed = new ArrayList<>(args);
            resumed.add("--resume");
            resumed.addAll(List.of("--base-url", c.url("/v1").toString(), "--base-url", a.url("/v1").toString()));
            StringWriter err2 = new StringWriter();
            assertThat(gold(resumed, err2)).as(err2.toString()).isZero();
            // Round 1's two training answers came from the cache; only its two probes were asked.
            assertThat(all.get() - before).isEqualTo(2);
            assertThat(tb.requests.get()).as("b is no longer in the list").isEqualTo(bBefore);
            assertThat(RunStore.read(out).rounds()).hasSize(2);

            JsonObject summary = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
            JsonArray servers = summary.getAsJsonArray("servers");
            assertThat(servers).hasSize(2);
            JsonObject first0 = servers.get(0).getAsJsonObject();
            assertThat(first0.get("url").getAsString()).isEqualTo(c.url("/v1/chat/completions").toString());
            long sent = 0;
            long tokens = 0;
            for (int i = 0; i < 2; i++) {
                JsonObject s = servers.get(i).getAsJsonObject();
                sent += s.get("requests").getAsLong();
                tokens += s.get("promptTokens").getAsLong();
                assertThat(s.get("failures").getAsLong()).isZero();
            }
            assertThat(sent).isEqualTo(2);
            assertThat(tokens).isEqualTo(2 * 10);
        }
    }
}
