package io.github.goldkd.llm.llamacpp;

import io.github.goldkd.core.GoldException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a tiny llama-architecture GGUF model with random weights: a file llama.cpp loads and runs, for
 * tests and benchmarks of the code around a model (prompting, grammar-constrained decoding, parsing,
 * accounting) where no real model can be downloaded. A test fixture: it ships in gold-llm's test jar
 * (classifier {@code tests}), not in the library.
 *
 * <p>The text such a model writes is gibberish, but under a GBNF grammar it has exactly the grammar's shape.
 * The vocabulary is SentencePiece-style: {@code <unk>}, {@code <s>}, {@code </s>}, the 256 byte tokens
 * {@code <0x00>..<0xFF>} (so any text can be tokenized and produced), the printable ASCII characters and a
 * few common English words. Weights are F32, drawn from a seeded generator: the same settings give the same
 * file, byte for byte.
 *
 * <pre>{@code
 * Path model = TinyGguf.builder().seed(7).build().write(dir.resolve("tiny.gguf"));
 * }</pre>
 *
 * <p>Format: GGUF version 3 (little endian): magic {@code GGUF}, version, tensor count, key/value count,
 * the key/value metadata, the tensor infos, padding to {@value #ALIGNMENT} bytes, the tensor data (each
 * tensor aligned).
 */
public final class TinyGguf {

    /** Tensor data alignment (GGUF's default, also written as {@code general.alignment}). */
    public static final int ALIGNMENT = 32;

    /** Token ids of the special tokens. */
    public static final int UNK_ID = 0;
    public static final int BOS_ID = 1;
    public static final int EOS_ID = 2;

    private static final int GGML_TYPE_F32 = 0;

    // SentencePiece token types.
    private static final int TT_NORMAL = 1;
    private static final int TT_UNKNOWN = 2;
    private static final int TT_CONTROL = 3;
    private static final int TT_BYTE = 6;

    private static final String[] WORDS = {"the", "a", "is", "was", "it", "this", "and", "of", "to", "in",
        "good", "bad", "great", "not", "very", "food", "movie", "service", "phone", "text", "label", "positive",
        "negative", "I", "we", "you", "they", "but", "with", "for"};

    private final long seed;
    private final int embeddingLength;
    private final int blockCount;
    private final int headCount;
    private final int headCountKv;
    private final int feedForwardLength;
    private final int contextLength;
    private final String chatTemplate;

    private TinyGguf(Builder b) {
        this.seed = b.seed;
        this.embeddingLength = b.embeddingLength;
        this.blockCount = b.blockCount;
        this.headCount = b.headCount;
        this.headCountKv = b.headCountKv;
        this.feedForwardLength = b.feedForwardLength;
        this.contextLength = b.contextLength;
        this.chatTemplate = b.chatTemplate;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The vocabulary this writer puts into every file, in token-id order. */
    public static List<String> vocabulary() {
        List<String> tokens = new ArrayList<>();
        tokens.add("<unk>");
        tokens.add("<s>");
        tokens.add("</s>");
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
        }
        tokens.add("\u2581"); // SentencePiece's word boundary (a space)
        for (char c = '!'; c <= '~'; c++) {
            tokens.add(String.valueOf(c));
        }
        for (String w : WORDS) {
            tokens.add("\u2581" + w);
        }
        return tokens;
    }

    /** Writes the model to {@code file} (replacing it) and returns {@code file}. */
    public Path write(Path file) {
        List<String> vocab = vocabulary();
        int nVocab = vocab.size();
        int headDim = embeddingLength / headCount;
        int kvDim = headDim * headCountKv;

        Map<String, Object[]> kv = new LinkedHashMap<>(); // key -> {type, value}
        kv.put("general.architecture", new Object[]{GgufMetadata.T_STRING, "llama"});
        kv.put("general.name", new Object[]{GgufMetadata.T_STRING, "gold-tiny-random"});
        kv.put("general.alignment", new Object[]{GgufMetadata.T_UINT32, ALIGNMENT});
        kv.put("llama.context_length", new Object[]{GgufMetadata.T_UINT32, contextLength});
        kv.put("llama.embedding_length", new Object[]{GgufMetadata.T_UINT32, embeddingLength});
        kv.put("llama.block_count", new Object[]{GgufMetadata.T_UINT32, blockCount});
        kv.put("llama.feed_forward_length", new Object[]{GgufMetadata.T_UINT32, feedForwardLength});
        kv.put("llama.attention.head_count", new Object[]{GgufMetadata.T_UINT32, headCount});
        kv.put("llama.attention.head_count_kv", new Object[]{GgufMetadata.T_UINT32, headCountKv});
        kv.put("llama.rope.dimension_count", new Object[]{GgufMetadata.T_UINT32, headDim});
        kv.put("llama.attention.layer_norm_rms_epsilon", new Object[]{GgufMetadata.T_FLOAT32, 1e-5f});
        kv.put("llama.vocab_size", new Object[]{GgufMetadata.T_UINT32, nVocab});
        kv.put("tokenizer.ggml.model", new Object[]{GgufMetadata.T_STRING, "llama"});
        kv.put("tokenizer.ggml.tokens", new Object[]{GgufMetadata.T_ARRAY, GgufMetadata.T_STRING, vocab});
        List<Float> scores = new ArrayList<>(nVocab);
        List<Integer> types = new ArrayList<>(nVocab);
        for (int i = 0; i < nVocab; i++) {
            String t = vocab.get(i);
            if (i == UNK_ID) {
                types.add(TT_UNKNOWN);
                scores.add(0f);
            } else if (i == BOS_ID || i == EOS_ID) {
                types.add(TT_CONTROL);
                scores.add(0f);
            } else if (i < 3 + 256) {
                types.add(TT_BYTE);
                scores.add(0f);
            } else {
                types.add(TT_NORMAL);
                // SentencePiece prefers merges with higher scores: longer pieces win over their letters.
                scores.add((float) t.length() - 100f);
            }
        }
        kv.put("tokenizer.ggml.scores", new Object[]{GgufMetadata.T_ARRAY, GgufMetadata.T_FLOAT32, scores});
        kv.put("tokenizer.ggml.token_type", new Object[]{GgufMetadata.T_ARRAY, GgufMetadata.T_INT32, types});
        kv.put("tokenizer.ggml.bos_token_id", new Object[]{GgufMetadata.T_UINT32, BOS_ID});
        kv.put("tokenizer.ggml.eos_token_id", new Object[]{GgufMetadata.T_UINT32, EOS_ID});
        kv.put("tokenizer.ggml.unknown_token_id", new Object[]{GgufMetadata.T_UINT32, UNK_ID});
        kv.put("tokenizer.ggml.add_bos_token", new Object[]{GgufMetadata.T_BOOL, true});
        kv.put("tokenizer.ggml.add_eos_token", new Object[]{GgufMetadata.T_BOOL, false});
        if (chatTemplate != null) {
            kv.put("tokenizer.chat_template", new Object[]{GgufMetadata.T_STRING, chatTemplate});
        }

        // Tensors: name -> ggml dims (innermost first).
        Map<String, long[]> tensors = new LinkedHashMap<>();
        tensors.put("token_embd.weight", new long[]{embeddingLength, nVocab});
        tensors.put("output_norm.weight", new long[]{embeddingLength});
        tensors.put("output.weight", new long[]{embeddingLength, nVocab});
        for (int i = 0; i < blockCount; i++) {
            String p = "blk." + i + ".";
            tensors.put(p + "attn_norm.weight", new long[]{embeddingLength});
            tensors.put(p + "attn_q.weight", new long[]{embeddingLength, embeddingLength});
            tensors.put(p + "attn_k.weight", new long[]{embeddingLength, kvDim});
            tensors.put(p + "attn_v.weight", new long[]{embeddingLength, kvDim});
            tensors.put(p + "attn_output.weight", new long[]{embeddingLength, embeddingLength});
            tensors.put(p + "ffn_norm.weight", new long[]{embeddingLength});
            tensors.put(p + "ffn_gate.weight", new long[]{embeddingLength, feedForwardLength});
            tensors.put(p + "ffn_up.weight", new long[]{embeddingLength, feedForwardLength});
            tensors.put(p + "ffn_down.weight", new long[]{feedForwardLength, embeddingLength});
        }

        Out out = new Out();
        out.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        out.u32(3);
        out.u64(tensors.size());
        out.u64(kv.size());
        for (Map.Entry<String, Object[]> e : kv.entrySet()) {
            out.string(e.getKey());
            writeValue(out, e.getValue());
        }
        long offset = 0;
        List<Long> offsets = new ArrayList<>();
        for (Map.Entry<String, long[]> e : tensors.entrySet()) {
            out.string(e.getKey());
            long[] dims = e.getValue();
            out.u32(dims.length);
            long n = 1;
            for (long d : dims) {
                out.u64(d);
                n *= d;
            }
            out.u32(GGML_TYPE_F32);
            out.u64(offset);
            offsets.add(offset);
            offset = align(offset + n * Float.BYTES);
        }
        out.padTo(ALIGNMENT);
        long dataStart = out.size();
        SplittableRandom rnd = new SplittableRandom(seed);
        int t = 0;
        for (Map.Entry<String, long[]> e : tensors.entrySet()) {
            long target = dataStart + offsets.get(t++);
            while (out.size() < target) {
                out.u8(0);
            }
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            boolean norm = e.getKey().endsWith("norm.weight");
            // Norm weights at 1 (an identity scale); matrices uniform in +-1/sqrt(fan-in) so activations
            // stay of order 1 through the blocks and the output distribution is far from uniform.
            double scale = norm ? 0 : 1.0 / Math.sqrt(e.getValue()[0]);
            for (long i = 0; i < n; i++) {
                out.f32(norm ? 1f : (float) ((rnd.nextDouble() * 2 - 1) * scale * 2));
            }
        }
        out.padTo(ALIGNMENT);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream os = Files.newOutputStream(file)) {
                out.writeTo(os);
            }
        } catch (IOException e) {
            throw new GoldException("cannot write GGUF file " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    private static long align(long x) {
        return (x + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    @SuppressWarnings("unchecked")
    private static void writeValue(Out out, Object[] tv) {
        int type = (Integer) tv[0];
        out.u32(type);
        if (type == GgufMetadata.T_ARRAY) {
            int elemType = (Integer) tv[1];
            List<Object> items = (List<Object>) tv[2];
            out.u32(elemType);
            out.u64(items.size());
            for (Object item : items) {
                writeScalar(out, elemType, item);
            }
        } else {
            writeScalar(out, type, tv[1]);
        }
    }

    private static void writeScalar(Out out, int type, Object v) {
        switch (type) {
            case GgufMetadata.T_UINT32, GgufMetadata.T_INT32 -> out.u32((Integer) v);
            case GgufMetadata.T_FLOAT32 -> out.f32((Float) v);
            case GgufMetadata.T_BOOL -> out.u8((Boolean) v ? 1 : 0);
            case GgufMetadata.T_STRING -> out.string((String) v);
            default -> throw new IllegalStateException("unsupported GGUF value type " + type);
        }
    }

    /** A growable little-endian buffer (the files are small: tens of kilobytes to a few megabytes). */
    private static final class Out {
        private ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private void ensure(int n) {
            if (buf.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n))
                        .order(ByteOrder.LITTLE_ENDIAN);
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        long size() {
            return buf.position();
        }

        void u8(int v) {
            ensure(1);
            buf.put((byte) v);
        }

        void u32(int v) {
            ensure(4);
            buf.putInt(v);
        }

        void u64(long v) {
            ensure(8);
            buf.putLong(v);
        }

        void f32(float v) {
            ensure(4);
            buf.putFloat(v);
        }

        void bytes(byte[] b) {
            ensure(b.length);
            buf.put(b);
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes(b);
        }

        void padTo(int alignment) {
            while (buf.position() % alignment != 0) {
                u8(0);
            }
        }

        void writeTo(OutputStream os) throws IOException {
            os.write(buf.array(), 0, buf.position());
        }
    }

    /** Settings of a tiny model; the defaults load in milliseconds and generate thousands of tokens a second. */
    public static final class Builder {
        private long seed = 42;
        private int embeddingLength = 32;
        private int blockCount = 2;
        private int headCount = 4;
        private int headCountKv = 2;
        private int feedForwardLength = 64;
        private int contextLength = 2048;
        private String chatTemplate;

        private Builder() {
        }

        /** Seed of the random weights; default 42. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Embedding width, a multiple of the head count in [8, 1024]; default 32. */
        public Builder embeddingLength(int n) {
            this.embeddingLength = n;
            return this;
        }

        /** Transformer blocks in [1, 16]; default 2. */
        public Builder blockCount(int n) {
            this.blockCount = n;
            return this;
        }

        /** Attention heads; default 4. */
        public Builder headCount(int n) {
            this.headCount = n;
            return this;
        }

        /** Key/value heads, a divisor of the head count; default 2 (grouped-query attention). */
        public Builder headCountKv(int n) {
            this.headCountKv = n;
            return this;
        }

        /** Feed-forward width in [8, 4096]; default 64. */
        public Builder feedForwardLength(int n) {
            this.feedForwardLength = n;
            return this;
        }

        /** The context length the model was "trained" for, in [64, 32768]; default 2048. */
        public Builder contextLength(int n) {
            this.contextLength = n;
            return this;
        }

        /** A chat template to store as {@code tokenizer.chat_template}; default none. */
        public Builder chatTemplate(String template) {
            this.chatTemplate = template;
            return this;
        }

        public TinyGguf build() {
            if (headCount < 1 || headCount > 64) {
                throw new IllegalArgumentException("headCount must be in [1, 64], was " + headCount);
            }
            if (embeddingLength < 8 || embeddingLength > 1024 || embeddingLength % headCount != 0
                    || (embeddingLength / headCount) % 2 != 0) {
                throw new IllegalArgumentException("embeddingLength must be in [8, 1024] and a multiple of "
                        + "2 * headCount (" + 2 * headCount + "), was " + embeddingLength);
            }
            if (blockCount < 1 || blockCount > 16) {
                throw new IllegalArgumentException("blockCount must be in [1, 16], was " + blockCount);
            }
            if (headCountKv < 1 || headCount % headCountKv != 0) {
                throw new IllegalArgumentException("headCountKv must divide headCount (" + headCount + "), was "
                        + headCountKv);
            }
            if (feedForwardLength < 8 || feedForwardLength > 4096) {
                throw new IllegalArgumentException("feedForwardLength must be in [8, 4096], was " + feedForwardLength);
            }
            if (contextLength < 64 || contextLength > 32768) {
                throw new IllegalArgumentException("contextLength must be in [64, 32768], was " + contextLength);
            }
            return new TinyGguf(this);
        }
    }
}
