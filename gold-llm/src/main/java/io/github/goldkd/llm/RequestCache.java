package io.github.goldkd.llm;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.io.Jsonl;
import io.github.goldkd.core.io.TextFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers already paid for, by request: a repeated or resumed run gets them again without a request.
 *
 * <p>The key ({@link #key}) is the SHA-256 of the canonical request: model, messages, every sampling
 * parameter, seed, response format, and a context map (prompt-template id and version, parser version).
 * Entries are appended to a JSON Lines file, one line per answer,
 * {@code {"key":"...","texts":[...],"finishReasons":["STOP"],"promptTokens":120,"completionTokens":48}},
 * and flushed at once, so a crash loses at most the line being written; on opening, a cut-off last line
 * is dropped with a warning (and cut from the file, so that the next append starts on a fresh line). The
 * file holds no credentials: neither keys nor entries contain anything but the request's content.
 *
 * <p>Thread-safe. The first answer stored for a key wins.
 */
public final class RequestCache implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RequestCache.class);

    private final Path file;
    private final Map<String, ChatResponse> entries = new ConcurrentHashMap<>();
    private BufferedWriter writer;

    private RequestCache(Path file) {
        this.file = file;
    }

    /**
     * The cache a builder was given: {@code given} itself, else the file's cache, else one in memory. A
     * builder owns (and closes) the cache exactly when {@code given} was null.
     *
     * @throws IllegalArgumentException when both were set
     */
    static RequestCache resolve(RequestCache given, Path file) {
        if (given != null && file != null) {
            throw new IllegalArgumentException("set cache or cacheFile, not both (cacheFile was " + file + ")");
        }
        if (given != null) {
            return given;
        }
        return file != null ? open(file) : inMemory();
    }

    /** A cache that lives in memory only. */
    public static RequestCache inMemory() {
        return new RequestCache(null);
    }

    /** Opens (or creates) a cache file and loads its entries. */
    public static RequestCache open(Path file) {
        RequestCache c = new RequestCache(file);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (Files.exists(file)) {
                for (Map.Entry<String, ChatResponse> e : Jsonl.read(file, RequestCache::fromJson,
                        Jsonl.CutOffLastLine.DROP_WITH_WARNING)) {
                    c.entries.putIfAbsent(e.getKey(), e.getValue());
                }
                cutAfterLastNewline(file);
            }
            c.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new GoldException("cannot open request cache " + file + ": " + TextFiles.reason(e), e);
        }
        LOG.debug("request cache {}: {} entries", file, c.entries.size());
        return c;
    }

    /** Removes a last line without a line end (a write cut off by a crash), which {@code Jsonl.read} skipped. */
    private static void cutAfterLastNewline(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long len = raf.length();
            long pos = len;
            while (pos > 0) {
                raf.seek(pos - 1);
                if (raf.read() == '\n') {
                    break;
                }
                pos--;
            }
            if (pos < len) {
                raf.setLength(pos);
            }
        }
    }

    /**
     * The cache key of a request: SHA-256 (hex) of its canonical JSON.
     *
     * @param model   the model name
     * @param request the request as the caller built it (before any response-format fallback)
     * @param context what else decides how the answer is used, e.g. template id and version, parser version
     */
    public static String key(String model, ChatRequest request, Map<String, String> context) {
        JsonObject o = new JsonObject();
        o.addProperty("model", model);
        JsonArray msgs = new JsonArray();
        for (ChatMessage m : request.messages()) {
            JsonArray pair = new JsonArray();
            pair.add(m.role().wireName());
            pair.add(m.content());
            msgs.add(pair);
        }
        o.add("messages", msgs);
        // Numbers as strings: Double.toString is exact and stable across runs.
        o.addProperty("temperature", String.valueOf(request.temperature()));
        o.addProperty("topP", String.valueOf(request.topP()));
        o.addProperty("maxTokens", String.valueOf(request.maxTokens()));
        JsonArray stop = new JsonArray();
        request.stop().forEach(stop::add);
        o.add("stop", stop);
        o.addProperty("seed", String.valueOf(request.seed()));
        o.addProperty("n", request.n());
        JsonObject rf = new JsonObject();
        rf.addProperty("type", request.responseFormat().type().name());
        rf.addProperty("name", request.responseFormat().name());
        rf.addProperty("schema", request.responseFormat().schema());
        o.add("responseFormat", rf);
        JsonObject ctx = new JsonObject();
        new TreeMap<>(context).forEach(ctx::addProperty);
        o.add("context", ctx);
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(o.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** The stored answer for {@code key}. */
    public Optional<ChatResponse> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** Stores an answer (in memory and, for a file cache, as one appended and flushed line). */
    public void put(String key, ChatResponse response) {
        if (entries.putIfAbsent(key, response) != null || file == null) {
            return;
        }
        String line = Jsonl.GSON.toJson(toJson(key, response));
        synchronized (this) {
            if (writer == null) {
                throw new GoldException("request cache " + file + " is closed");
            }
            try {
                writer.write(line);
                writer.write('\n');
                writer.flush();
            } catch (IOException e) {
                throw new GoldException("cannot append to request cache " + file + ": " + TextFiles.reason(e), e);
            }
        }
    }

    /** The number of stored answers. */
    public int size() {
        return entries.size();
    }

    /** The cache file, or null for an in-memory cache. */
    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                throw new GoldException("cannot close request cache " + file + ": " + e.getMessage(), e);
            } finally {
                writer = null;
            }
        }
    }

    private static JsonObject toJson(String key, ChatResponse r) {
        JsonObject o = new JsonObject();
        o.addProperty("key", key);
        JsonArray texts = new JsonArray();
        r.texts().forEach(texts::add);
        o.add("texts", texts);
        JsonArray reasons = new JsonArray();
        r.finishReasons().forEach(f -> reasons.add(f.name()));
        o.add("finishReasons", reasons);
        o.addProperty("promptTokens", r.usage().promptTokens());
        o.addProperty("completionTokens", r.usage().completionTokens());
        return o;
    }

    private static Map.Entry<String, ChatResponse> fromJson(JsonObject o) {
        for (String f : List.of("key", "texts", "finishReasons", "promptTokens", "completionTokens")) {
            if (!o.has(f)) {
                throw new IllegalArgumentException("cache entry has no '" + f + "'");
            }
        }
        String key = o.get("key").getAsString();
        List<String> texts = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("texts")) {
            texts.add(e.getAsString());
        }
        List<FinishReason> reasons = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("finishReasons")) {
            reasons.add(FinishReason.valueOf(e.getAsString()));
        }
        TokenUsage usage = new TokenUsage(o.get("promptTokens").getAsLong(), o.get("completionTokens").getAsLong());
        return Map.entry(key, new ChatResponse(texts, reasons, usage));
    }
}
