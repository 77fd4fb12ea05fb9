package io.github.goldkd.llm.corpus;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TfIdfTest {

    @Test
    void tokensAreLowerCasedLetterAndDigitRunsInAnyScript() {
        assertThat(TfIdf.tokens("Crème BRÛLÉE, 42 naïve—test... don't"))
                .containsExactly("crème", "brûlée", "42", "naïve", "test", "don", "t");
        assertThat(TfIdf.tokens("とても良い。Ελληνικά!")).containsExactly("とても良い", "ελληνικά");
        // Devanagari vowel signs are combining marks: the word stays whole
        assertThat(TfIdf.tokens("हिन्दी भाषा")).containsExactly("हिन्दी", "भाषा");
        assertThat(TfIdf.tokens(" ,;!  ")).isEmpty();
    }

    @Test
    void smoothIdfAndUnitVectors() {
        TfIdf m = TfIdf.fit(List.of("a b", "a c", "a b b"));
        // idf = ln((1 + N) / (1 + df)) + 1 with N = 3
        assertThat(m.idf("a")).isCloseTo(Math.log(4.0 / 4.0) + 1, within(1e-12));
        assertThat(m.idf("b")).isCloseTo(Math.log(4.0 / 3.0) + 1, within(1e-12));
        assertThat(m.idf("c")).isCloseTo(Math.log(4.0 / 2.0) + 1, within(1e-12));
        assertThat(m.idf("zzz")).isNaN();
        assertThat(m.vocabularySize()).isEqualTo(3);

        TfIdf.Sparse v = m.vector("A b B");
        assertThat(v.dot(v)).isCloseTo(1.0, within(1e-12));
        // raw counts: b appears twice
        double wa = 1.0 * m.idf("a");
        double wb = 2.0 * m.idf("b");
        double n = Math.hypot(wa, wb);
        assertThat(v.values()).containsExactly(new double[] {wa / n, wb / n}, within(1e-12));
    }

    @Test
    void cosineIsDotOfUnitVectors() {
        TfIdf m = TfIdf.fit(List.of("red apple", "green apple", "blue sky"));
        TfIdf.Sparse a = m.vector("red apple");
        assertThat(a.dot(m.vector("apple red"))).isCloseTo(1.0, within(1e-12));
        assertThat(a.dot(m.vector("blue sky"))).isEqualTo(0.0);
        double partial = a.dot(m.vector("green apple"));
        assertThat(partial).isStrictlyBetween(0.0, 1.0);
        // unknown words are ignored; a text with none known is the zero vector
        assertThat(m.vector("purple banana").indices()).isEmpty();
        assertThat(a.dot(m.vector("red apple purple"))).isCloseTo(1.0, within(1e-12));
        double[] dense = new double[m.vocabularySize()];
        m.vector("green apple").addTo(dense, 1.0);
        assertThat(a.dot(dense)).isCloseTo(partial, within(1e-12));
    }
}
