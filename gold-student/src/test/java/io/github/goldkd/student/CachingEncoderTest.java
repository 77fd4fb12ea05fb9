package io.github.goldkd.student;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CachingEncoderTest {

    @Test
    void encodesEachDistinctTextOnceAndReturnsCopies() {
        FakeEncoder fake = new FakeEncoder(16);
        CachingEncoder c = CachingEncoder.of(fake);
        assertThat(CachingEncoder.of(c)).isSameAs(c);
        List<float[]> first = c.encodeAll(List.of("a b", "c", "a b", "d"));
        assertThat(fake.encoded.get()).isEqualTo(3);
        assertThat(first.get(0)).isEqualTo(first.get(2)).isEqualTo(fake.encode("a b"));
        first.get(0)[0] = 42f; // callers cannot corrupt the cache
        assertThat(c.encode("a b")[0]).isNotEqualTo(42f);
        assertThat(c.misses()).isEqualTo(3);
        assertThat(c.hits()).isEqualTo(2);
        assertThat(c.size()).isEqualTo(3);
        assertThat(c.dimension()).isEqualTo(16);
        assertThat(c.name()).isEqualTo("fake-16");
    }

    @Test
    void isSafeUnderConcurrentUse() throws Exception {
        FakeEncoder fake = new FakeEncoder(8);
        CachingEncoder c = CachingEncoder.of(fake);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<float[]>>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    List<String> texts = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                        texts.add("text " + (i % 50));
                    }
                    List<float[]> out = new ArrayList<>(c.encodeAll(texts));
                    out.add(c.encode("text 3"));
                    return out;
                }));
            }
            for (Future<List<float[]>> f : results) {
                List<float[]> out = f.get();
                assertThat(out.get(3)).isEqualTo(fake.encode("text 3"));
                assertThat(out.get(200)).isEqualTo(out.get(3));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(c.size()).isEqualTo(50);
    }

    @Test
    void diskCacheIsReadBackByALaterInstanceAndRefusesAnotherEncoder(@TempDir Path dir) {
        Path file = dir.resolve("cache.bin");
        FakeEncoder first = new FakeEncoder(12);
        CachingEncoder c1 = CachingEncoder.withDiskCache(first, file);
        List<float[]> vectors = c1.encodeAll(List.of("one", "two", "three"));
        FakeEncoder second = new FakeEncoder(12);
        CachingEncoder c2 = CachingEncoder.withDiskCache(second, file);
        assertThat(c2.size()).isEqualTo(3);
        assertThat(c2.encodeAll(List.of("three", "one"))).containsExactly(vectors.get(2), vectors.get(0));
        assertThat(second.encoded.get()).isZero();
        assertThatThrownBy(() -> CachingEncoder.withDiskCache(new FakeEncoder(10), file))
                .isInstanceOf(StudentException.class).hasMessageContaining("fake-12");
    }

    @Test
    void rejectsVectorsOfTheWrongLength() {
        CachingEncoder c = CachingEncoder.of(new io.github.goldkd.core.Encoder() {
            @Override
            public int dimension() {
                return 4;
            }

            @Override
            public float[] encode(String text) {
                return new float[3];
            }

            @Override
            public String name() {
                return "broken";
            }
        });
        assertThatThrownBy(() -> c.encode("x")).isInstanceOf(StudentException.class).hasMessageContaining("length 3");
    }
}
