package io.github.goldkd.student;

import io.github.goldkd.core.Encoder;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** A cheap deterministic encoder: hashed bag of words, L2-normalised; counts the texts it encodes. */
final class FakeEncoder implements Encoder {

    final AtomicInteger encoded = new AtomicInteger();
    private final int dimension;

    FakeEncoder(int dimension) {
        this.dimension = dimension;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public float[] encode(String text) {
        encoded.incrementAndGet();
        float[] v = new float[dimension];
        for (String w : text.toLowerCase(Locale.ROOT).split("\\s+")) {
            if (!w.isEmpty()) {
                v[Math.floorMod(TextFeaturizer.bucket(w, "", dimension), dimension)] += 1f; // well-mixed hash
            }
        }
        double norm = 0;
        for (float f : v) {
            norm += f * f;
        }
        if (norm > 0) {
            for (int i = 0; i < dimension; i++) {
                v[i] /= (float) Math.sqrt(norm);
            }
        }
        return v;
    }

    @Override
    public List<float[]> encodeAll(List<String> texts) {
        return texts.stream().map(this::encode).toList();
    }

    @Override
    public String name() {
        return "fake-" + dimension;
    }
}
