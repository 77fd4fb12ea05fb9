package io.github.goldkd.student;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The one test that loads the real bge-small model (from the optional dependency's jar; no network). */
class OnnxBgeEncoderTest {

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void encodesSentencesIntoNormalisedVectorsWhereMeaningIsClose() {
        assertThat(OnnxBgeEncoder.isAvailable()).isTrue();
        OnnxBgeEncoder bge = OnnxBgeEncoder.create();
        assertThat(bge.dimension()).isEqualTo(384);
        List<String> texts = List.of("The food was delicious and the staff were friendly.",
                "Great meal, very kind waiters.", "The battery died after two days.", "   ");
        List<float[]> v = bge.encodeAll(texts);
        assertThat(v).hasSize(4).allSatisfy(x -> assertThat(x).hasSize(384));
        assertThat(dot(v.get(0), v.get(0))).isCloseTo(1.0, within(1e-3));
        assertThat(dot(v.get(0), v.get(1))).isGreaterThan(dot(v.get(0), v.get(2)) + 0.1);
        assertThat(v.get(3)).containsOnly(0f);
        float[] single = bge.encode(texts.get(2));
        for (int i = 0; i < 384; i++) {
            assertThat(single[i]).isCloseTo(v.get(2)[i], within(1e-4f));
        }
    }
}
