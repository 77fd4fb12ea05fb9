package io.github.goldkd.llm.llamacpp;

import io.github.goldkd.core.GoldException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The key/value metadata at the head of a GGUF file, read without loading the model: scalars as Java values
 * (numbers, booleans, strings), arrays as their element count only.
 *
 * <p>Used before handing a file to llama.cpp, to fail with a precise message (llama.cpp only says "could not
 * load model") and to learn what the binding does not expose: whether the tokenizer adds a BOS token (for
 * exact prompt-token counts) and whether the file carries a chat template.
 *
 * @param version  the GGUF version (2 or 3)
 * @param values   scalar values by key, in file order
 * @param arrays   element counts of array values by key
 */
record GgufMetadata(int version, Map<String, Object> values, Map<String, Long> arrays) {

    // GGUF value types (the format's numbering; the test fixture TinyGguf writes with the same constants).
    static final int T_UINT8 = 0;
    static final int T_INT8 = 1;
    static final int T_UINT16 = 2;
    static final int T_INT16 = 3;
    static final int T_UINT32 = 4;
    static final int T_INT32 = 5;
    static final int T_FLOAT32 = 6;
    static final int T_BOOL = 7;
    static final int T_STRING = 8;
    static final int T_ARRAY = 9;
    static final int T_UINT64 = 10;
    static final int T_INT64 = 11;
    static final int T_FLOAT64 = 12;

    private static final int MAX_STRING_BYTES = 64 << 20; // chat templates are kilobytes; anything huge is corrupt

    GgufMetadata {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
    }

    /** Reads the metadata of {@code file}, or throws a {@link GoldException} saying what is wrong with it. */
    static GgufMetadata read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new GoldException("model file " + file + " does not exist or is not a regular file");
        }
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            byte[] magic = new byte[4];
            in.readFully(magic);
            if (!"GGUF".equals(new String(magic, StandardCharsets.US_ASCII))) {
                throw new GoldException("model file " + file + " is not a GGUF file (it does not start with 'GGUF')");
            }
            int version = Integer.reverseBytes(in.readInt());
            if (version < 2 || version > 3) {
                throw new GoldException("model file " + file + " has GGUF version " + version
                        + "; llama.cpp 4.2.0 reads versions 2 and 3");
            }
            Long.reverseBytes(in.readLong()); // tensor count: not needed
            long kvCount = Long.reverseBytes(in.readLong());
            if (kvCount < 0 || kvCount > 1_000_000) {
                throw new GoldException("model file " + file + " is corrupt: " + kvCount + " metadata entries");
            }
            Map<String, Object> values = new LinkedHashMap<>();
            Map<String, Long> arrays = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                String key = string(in);
                int type = Integer.reverseBytes(in.readInt());
                if (type == T_ARRAY) {
                    int elemType = Integer.reverseBytes(in.readInt());
                    long n = Long.reverseBytes(in.readLong());
                    if (n < 0) {
                        throw new GoldException("model file " + file + " is corrupt: array '" + key + "' of length " + n);
                    }
                    for (long j = 0; j < n; j++) {
                        scalar(in, elemType);
                    }
                    arrays.put(key, n);
                } else {
                    values.put(key, scalar(in, type));
                }
            }
            return new GgufMetadata(version, values, arrays);
        } catch (EOFException e) {
            throw new GoldException("model file " + file + " is truncated (it ends inside the GGUF metadata)", e);
        } catch (IOException e) {
            throw new GoldException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
    }

    /** A string value, or null when absent or not a string. */
    String string(String key) {
        Object v = values.get(key);
        return v instanceof String s ? s : null;
    }

    /** The model architecture ({@code general.architecture}), or null. */
    String architecture() {
        return string("general.architecture");
    }

    /** Whether the file carries a chat template ({@code tokenizer.chat_template}). */
    boolean hasChatTemplate() {
        String t = string("tokenizer.chat_template");
        return t != null && !t.isBlank();
    }

    /**
     * Whether llama.cpp puts a BOS token in front of a prompt: the file's {@code tokenizer.ggml.add_bos_token}
     * when present, otherwise llama.cpp's default for the tokenizer type (SentencePiece adds one, BPE
     * vocabularies without the flag do not).
     */
    boolean addsBos() {
        Object v = values.get("tokenizer.ggml.add_bos_token");
        if (v instanceof Boolean b) {
            return b;
        }
        String model = string("tokenizer.ggml.model");
        return model == null || "llama".equals(model) || "gemma".equals(model);
    }

    /** Whether llama.cpp appends an EOS token to a prompt ({@code tokenizer.ggml.add_eos_token}, default false). */
    boolean addsEos() {
        return Boolean.TRUE.equals(values.get("tokenizer.ggml.add_eos_token"));
    }

    private static String string(DataInputStream in) throws IOException {
        long len = Long.reverseBytes(in.readLong());
        if (len < 0 || len > MAX_STRING_BYTES) {
            throw new GoldException("GGUF string of length " + len + " (file corrupt?)");
        }
        byte[] b = new byte[(int) len];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static Object scalar(DataInputStream in, int type) throws IOException {
        return switch (type) {
            case T_UINT8 -> in.readUnsignedByte();
            case T_INT8 -> (int) in.readByte();
            case T_UINT16 -> (int) Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
            case T_INT16 -> (int) Short.reverseBytes(in.readShort());
            case T_UINT32 -> Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
            case T_INT32 -> Integer.reverseBytes(in.readInt());
            case T_FLOAT32 -> Float.intBitsToFloat(Integer.reverseBytes(in.readInt()));
            case T_BOOL -> in.readByte() != 0;
            case T_STRING -> string(in);
            case T_UINT64, T_INT64 -> Long.reverseBytes(in.readLong());
            case T_FLOAT64 -> Double.longBitsToDouble(Long.reverseBytes(in.readLong()));
            default -> throw new GoldException("unknown GGUF value type " + type + " (file corrupt?)");
        };
    }
}
