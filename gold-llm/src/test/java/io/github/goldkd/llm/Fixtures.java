package io.github.goldkd.llm;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.goldkd.core.GenerationMode;
import io.github.goldkd.core.GenerationRequest;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Shared test data: a sentiment task, OpenAI-style bodies, a fake teacher server. */
final class Fixtures {

    private Fixtures() {
    }

    static final Task SENTIMENT = Task.classification("sentiment", "Decide whether a movie review is positive or negative.",
            List.of(new Label("positive", "the reviewer liked the movie"),
                    new Label("negative", "the reviewer disliked the movie")),
            List.of(Sample.real("d1", "A moving story with superb acting.", "positive"),
                    Sample.real("d2", "Two hours of my life I will never get back.", "negative")));

    static GenerationRequest request(GenerationMode mode, int round, long seed, String... labels) {
        return new GenerationRequest(SENTIMENT, mode, List.of(labels), List.of(), round, seed);
    }

    /** A fast-failing OpenAI client for tests: millisecond backoff, short timeouts. */
    static OpenAiChatModel.Builder openAi(MockWebServer server) {
        return OpenAiChatModel.builder()
                .baseUrl(server.url("/v1").toString())
                .modelName("test-model")
                .initialBackoff(Duration.ofMillis(1))
                .maxBackoff(Duration.ofMillis(5))
                .readTimeout(Duration.ofSeconds(5))
                .callTimeout(Duration.ofSeconds(10));
    }

    static String completion(String content, String finishReason, long promptTokens, long completionTokens) {
        JsonObject msg = new JsonObject();
        msg.addProperty("role", "assistant");
        msg.addProperty("content", content);
        JsonObject choice = new JsonObject();
        choice.addProperty("index", 0);
        choice.add("message", msg);
        choice.addProperty("finish_reason", finishReason);
        JsonArray choices = new JsonArray();
        choices.add(choice);
        JsonObject usage = new JsonObject();
        usage.addProperty("prompt_tokens", promptTokens);
        usage.addProperty("completion_tokens", completionTokens);
        JsonObject o = new JsonObject();
        o.addProperty("id", "chatcmpl-1");
        o.addProperty("object", "chat.completion");
        o.add("choices", choices);
        o.add("usage", usage);
        return o.toString();
    }

    static MockResponse ok(String content) {
        return json(200, completion(content, "stop", 10, 5));
    }

    static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }

    static JsonObject body(RecordedRequest r) {
        return JsonParser.parseString(r.getBody().utf8()).getAsJsonObject();
    }

    private static final Pattern LABEL = Pattern.compile("whose label is \\\\?\"(\\w+)\\\\?\"");
    private static final String[] WORDS = {"acting", "plot", "score", "camera", "pacing", "dialogue", "ending",
            "cast", "script", "villain", "hero", "twist", "sequel", "director", "budget", "effects", "humour",
            "drama", "costume", "music", "editing", "setting", "premise", "climax", "romance", "battle"};

    /** The label the generation prompt of a recorded request asks for. */
    static String requestedLabel(RecordedRequest r) {
        return requestedLabel(body(r));
    }

    private static String requestedLabel(JsonObject requestBody) {
        JsonArray msgs = requestBody.getAsJsonArray("messages");
        String user = msgs.get(msgs.size() - 1).getAsJsonObject().get("content").getAsString();
        Matcher m = LABEL.matcher(user);
        return m.find() ? m.group(1) : "?";
    }

    /**
     * The fake teacher's answer to a generation request body: a completion whose content is a JSON sample
     * with a text that depends on the request's seed and the requested label.
     */
    static String teacherAnswer(String requestBody) {
        JsonObject b = JsonParser.parseString(requestBody).getAsJsonObject();
        long seed = b.has("seed") ? b.get("seed").getAsLong() : 0;
        JsonObject sample = new JsonObject();
        sample.addProperty("text", textFor(seed));
        sample.addProperty("label", requestedLabel(b));
        return completion(sample.toString(), "stop", 10, 5);
    }

    /** A text that depends only on the seed, distinct enough between seeds to pass the near-duplicate filter. */
    static String textFor(long seed) {
        StringBuilder sb = new StringBuilder("A review about");
        long s = seed;
        for (int i = 0; i < 6; i++) {
            sb.append(' ').append(WORDS[(int) Math.floorMod(s, (long) WORDS.length)]);
            s = s / WORDS.length + 7919L * (i + 1);
        }
        return sb.append(" number ").append(seed).append('.').toString();
    }

    /**
     * A fake OpenAI-compatible teacher: answers each generation request with a JSON sample whose text depends
     * on the request's seed and whose label is the requested one; counts requests and in-flight requests.
     */
    static class TeacherDispatcher extends Dispatcher {
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        private final long delayMillis;

        TeacherDispatcher(long delayMillis) {
            this.delayMillis = delayMillis;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            requests.incrementAndGet();
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                if (delayMillis > 0) {
                    Thread.sleep(delayMillis);
                }
                return answer(request);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        MockResponse answer(RecordedRequest request) {
            return json(200, teacherAnswer(request.getBody().utf8()));
        }
    }
}
