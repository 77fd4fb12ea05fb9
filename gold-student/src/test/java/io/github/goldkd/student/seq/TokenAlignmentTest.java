package io.github.goldkd.student.seq;

import io.github.goldkd.student.LexicalOverlap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The soft word alignment of a pair over bge-small's token states (the real model, one thread). */
class TokenAlignmentTest {

    private static TokenAlignment alignment;

    @BeforeAll
    static void load() {
        alignment = TokenAlignment.create();
    }

    @AfterAll
    static void close() {
        alignment.close();
    }

    @Test
    void aTextAlignsFullyWithItself() {
        String s = "The Normans conquered England in 1066.";
        float[] f = alignment.features(s, s);
        assertThat(f).hasSize(TokenAlignment.COUNT);
        assertThat(TokenAlignment.NAMES).hasSize(TokenAlignment.COUNT);
        for (int direction : new int[] {0, 4}) {
            assertThat(f[direction]).as("mean").isCloseTo(1f, within(1e-3f));
            assertThat(f[direction + 1]).as("min").isCloseTo(1f, within(1e-3f));
            assertThat(f[direction + 3]).as("share close").isEqualTo(1f);
        }
    }

    @Test
    void aParaphraseAlignsCloserThanAnUnrelatedSentenceWhereTheWordsDoNot() {
        String question = "When was the company founded?";
        String paraphrase = "The firm was established in 1998 by two students.";
        String unrelated = "Rainfall in the region peaks in late autumn.";
        // the words say nothing: no content word of the question occurs in either sentence
        assertThat(LexicalOverlap.features(question, paraphrase)[3]).isZero();
        assertThat(LexicalOverlap.features(question, unrelated)[3]).isZero();
        float[] near = alignment.features(question, paraphrase);
        float[] far = alignment.features(question, unrelated);
        assertThat(near[0]).as("question in sentence: mean").isGreaterThan(far[0] + 0.02f);
        assertThat(near[2]).as("question in sentence: lower quartile").isGreaterThan(far[2]);
    }

    @Test
    void anEmptyFieldGivesZerosAndTheDirectionsAreEachOthersMirror() {
        assertThat(alignment.features("", "Some text.")).containsOnly(0f);
        assertThat(alignment.features(null, null)).containsOnly(0f);
        float[] ab = alignment.features("a short question?", "A longer sentence that answers nothing at all.");
        float[] ba = alignment.features("A longer sentence that answers nothing at all.", "a short question?");
        for (int j = 0; j < 4; j++) {
            assertThat(ab[j]).isEqualTo(ba[j + 4]);
            assertThat(ab[j + 4]).isEqualTo(ba[j]);
        }
    }

    @Test
    void summariesAreMeanMinimumLowerQuartileAndShareClose() {
        float[] f = new float[4];
        TokenAlignment.summarise(new double[] {0.9, 0.5, 0.7, 0.85, 0.6}, f, 0);
        assertThat(f[0]).isCloseTo(0.71f, within(1e-6f));
        assertThat(f[1]).isCloseTo(0.5f, within(1e-6f));
        assertThat(f[2]).isCloseTo(0.6f, within(1e-6f)); // sorted 0.5 0.6 0.7 0.85 0.9, index 5 / 4 = 1
        assertThat(f[3]).isCloseTo(0.4f, within(1e-6f));
        assertThat(TokenAlignment.bestMatches(new float[][] {{1, 0}, {0, 1}}, new float[][] {{0.6f, 0.8f}}))
                .containsExactly(0.6000000238418579, 0.800000011920929);
    }
}
