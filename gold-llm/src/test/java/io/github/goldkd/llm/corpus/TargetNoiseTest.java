package io.github.goldkd.llm.corpus;

import io.github.goldkd.core.metric.ArithmeticExpression;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class TargetNoiseTest {

    private static Set<String> allSpans(String context, String target, List<String> golds) {
        Set<String> out = new HashSet<>();
        for (long seed = 0; seed < 400; seed++) {
            String s = TargetNoise.otherSpan(context, target, golds, new SplittableRandom(seed));
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    @Test
    void otherSpansAreWholeWordsOfOneSentenceOfSimilarLengthAndNoGoldAnswer() {
        String context = "The Normans lived in Normandy, a region in France. They came from Norway (\"Norse\") raiders.";
        Set<String> spans = allSpans(context, "France", List.of("France", "in France"));
        // one-word gold: spans of 1 and 2 words, punctuation trimmed at the ends, kept inside
        assertThat(spans).contains("Normans", "Normandy", "Normandy, a", "region in", "Norse", "Norway (\"Norse")
                .doesNotContain("France", "in France", "France.", "France. They", "Normandy,", "\"Norse\"");
        // "a" alone normalises to nothing: no one would answer with an article
        assertThat(spans).doesNotContain("a", "The");
        for (String s : spans) {
            assertThat(context).contains(s);
            assertThat(s.split(" ")).hasSizeBetween(1, 2);
        }
        assertThat(TargetNoise.otherSpan("France.", "France", List.of("France"), new SplittableRandom(1))).isNull();
        // the same seed, the same span
        assertThat(TargetNoise.otherSpan(context, "France", List.of("France"), new SplittableRandom(5)))
                .isEqualTo(TargetNoise.otherSpan(context, "France", List.of("France"), new SplittableRandom(5)));
    }

    @Test
    void longerGoldAnswersGetLongerSpans() {
        String context = "one two three four five six seven eight nine ten";
        Set<String> spans = allSpans(context, "four five six", List.of("four five six"));
        assertThat(spans).allMatch(s -> s.split(" ").length >= 2 && s.split(" ").length <= 4)
                .contains("one two", "seven eight nine ten", "three four five").doesNotContain("four five six");
        assertThat(spans).hasSize(9 + 8 + 7 - 1);
    }

    @Test
    void binaryOperatorsSkipUnarySignsAndExponents() {
        String e = "( -3.0 * ( 2.0 - -1.5E-4 ) ) / 4.";
        assertThat(TargetNoise.binaryOperators(e)).extracting(e::charAt).containsExactly('*', '-', '/');
        assertThat(TargetNoise.binaryOperators("( 56.0 * 9.0 )")).containsExactly(7);
    }

    @Test
    void swappedOperatorsChangeTheValueAndNothingElse() {
        Set<String> seen = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            seen.add(TargetNoise.swappedOperator("( ( 10.62 * 2.0 ) + 1.59 )", List.of("22.83"),
                    new SplittableRandom(seed)));
        }
        assertThat(seen).containsExactlyInAnyOrder("( ( 10.62 / 2.0 ) + 1.59 )", "( ( 10.62 * 2.0 ) - 1.59 )");
        // x * 1 = x / 1 and 2 + 0 = 2 - 0: no real mistake there
        assertThat(TargetNoise.swappedOperator("( 7.0 * 1.0 ) + ( 2.0 - 0.0 )", List.of(), new SplittableRandom(1)))
                .isEqualTo("( 7.0 * 1.0 ) - ( 2.0 - 0.0 )");
        assertThat(TargetNoise.swappedOperator("( 7.0 * 1.0 )", List.of("7"), new SplittableRandom(1))).isNull();
        // dividing by (3 - 3) does not evaluate
        assertThat(TargetNoise.swappedOperator("6.0 / ( 3.0 + 3.0 )", List.of(), new SplittableRandom(1)))
                .isEqualTo("6.0 * ( 3.0 + 3.0 )");
        // a wrong value that happens to equal a stated (gold) answer is no mistake either
        assertThat(TargetNoise.swappedOperator("( 4.0 + 2.0 )", List.of("2"), new SplittableRandom(1))).isNull();
        assertThat(TargetNoise.swappedOperator("not an expression", List.of(), new SplittableRandom(1))).isNull();
        assertThat(ArithmeticExpression.evaluate("( ( 10.62 / 2.0 ) + 1.59 )")).isPresent();
    }
}
