package io.github.goldkd.student;

import io.github.goldkd.core.Encoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link Encoder} that remembers every vector it has computed, keyed by the text (its SHA-256), so that a
 * loop that retrains a student every few rounds never encodes the same text twice. Thread-safe.
 *
 * <p>With {@link #withDiskCache} the vectors also go to an append-only file (a header with the encoder's
 * name and dimension, then one record per text: 32 bytes of SHA-256 and the floats), which later runs read
 * back; texts themselves are never written. A file written by another encoder or dimension is refused.
 */
public final class CachingEncoder implements Encoder {

    private static final Logger log = LoggerFactory.getLogger(CachingEncoder.class);
    private static final String MAGIC = "gold-encoder-cache/1";

    private final Encoder delegate;
    private final Map<String, float[]> cache = new ConcurrentHashMap<>();
    private final Path file;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    private CachingEncoder(Encoder delegate, Path file) {
        this.delegate = Objects.requireNonNull(delegate, "encoder");
        this.file = file;
    }

    /** A memory cache in front of {@code encoder}; an encoder that already caches is returned as it is. */
    public static CachingEncoder of(Encoder encoder) {
        return encoder instanceof CachingEncoder c ? c : new CachingEncoder(encoder, null);
    }

    /** A memory cache backed by {@code file}, which is read now (if it exists) and appended to on every miss. */
    public static CachingEncoder withDiskCache(Encoder encoder, Path file) {
        CachingEncoder c = new CachingEncoder(encoder, Objects.requireNonNull(file, "file"));
        c.load();
        return c;
    }

    @Override
    public int dimension() {
        return delegate.dimension();
    }

    @Override
    public String name() {
        return delegate.name();
    }

    /** The encoder behind the cache. */
    public Encoder delegate() {
        return delegate;
    }

    @Override
    public float[] encode(String text) {
        String key = key(text);
        float[] v = cache.get(key);
        if (v != null) {
            hits.incrementAndGet();
            return v.clone();
        }
        misses.incrementAndGet();
        v = checked(delegate.encode(text));
        store(key, v);
        return v.clone();
    }

    @Override
    public List<float[]> encodeAll(List<String> texts) {
        List<String> keys = new ArrayList<>(texts.size());
        Map<String, String> missing = new LinkedHashMap<>(); // key -> text, each text once
        for (String t : texts) {
            String k = key(t);
            keys.add(k);
            if (!cache.containsKey(k)) {
                missing.putIfAbsent(k, t);
            }
        }
        if (!missing.isEmpty()) {
            List<float[]> vectors = delegate.encodeAll(new ArrayList<>(missing.values()));
            if (vectors.size() != missing.size()) {
                throw new StudentException("encoder " + delegate.name() + " returned " + vectors.size()
                        + " vectors for " + missing.size() + " texts");
            }
            int i = 0;
            for (String k : missing.keySet()) {
                store(k, checked(vectors.get(i++)));
            }
        }
        misses.addAndGet(missing.size());
        hits.addAndGet(texts.size() - missing.size());
        List<float[]> out = new ArrayList<>(texts.size());
        for (String k : keys) {
            out.add(cache.get(k).clone());
        }
        return out;
    }

    /** Texts answered from the cache so far. */
    public long hits() {
        return hits.get();
    }

    /** Texts the delegate had to encode so far (each distinct text once). */
    public long misses() {
        return misses.get();
    }

    /** Number of cached vectors. */
    public int size() {
        return cache.size();
    }

    private float[] checked(float[] v) {
        if (v == null || v.length != delegate.dimension()) {
            throw new StudentException("encoder " + delegate.name() + " returned a vector of length "
                    + (v == null ? "null" : v.length) + ", its dimension is " + delegate.dimension());
        }
        return v;
    }

    private void store(String key, float[] v) {
        if (cache.putIfAbsent(key, v.clone()) == null && file != null) {
            append(key, v);
        }
    }

    private static String key(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private void load() {
        if (!Files.exists(file)) {
            try {
                Path dir = file.toAbsolutePath().getParent();
                if (dir != null) {
                    Files.createDirectories(dir);
                }
                try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
                    out.writeUTF(MAGIC);
                    out.writeUTF(delegate.name());
                    out.writeInt(delegate.dimension());
                }
            } catch (IOException e) {
                throw new StudentException("cannot create encoder cache " + file + ": " + e.getMessage(), e);
            }
            return;
        }
        int dim = delegate.dimension();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            String magic = in.readUTF();
            String name = in.readUTF();
            int d = in.readInt();
            if (!MAGIC.equals(magic) || !name.equals(delegate.name()) || d != dim) {
                throw new StudentException("encoder cache " + file + " was written by '" + name + "' (dimension " + d
                        + "), not by '" + delegate.name() + "' (dimension " + dim + ")");
            }
            byte[] hash = new byte[32];
            while (true) {
                try {
                    in.readFully(hash);
                } catch (EOFException end) {
                    break;
                }
                float[] v = new float[dim];
                try {
                    for (int i = 0; i < dim; i++) {
                        v[i] = in.readFloat();
                    }
                } catch (EOFException torn) {
                    log.warn("encoder cache {} ends with a partial record; it is ignored", file);
                    break;
                }
                cache.put(HexFormat.of().formatHex(hash), v);
            }
        } catch (IOException e) {
            throw new StudentException("cannot read encoder cache " + file + ": " + e.getMessage(), e);
        }
        log.debug("encoder cache {}: {} vectors", file, cache.size());
    }

    private synchronized void append(String key, float[] v) {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                Files.newOutputStream(file, StandardOpenOption.APPEND)))) {
            out.write(HexFormat.of().parseHex(key));
            for (float f : v) {
                out.writeFloat(f);
            }
        } catch (IOException e) {
            // the memory cache still has the vector; only later runs lose it
            log.warn("cannot append to encoder cache {}: {}", file, e.getMessage());
        }
    }
}
