package io.github.goldkd.core.metric;

import io.github.goldkd.core.Metric;
import io.github.goldkd.core.TaskKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Every metric against values computed by hand. The SQuAD expectations were also checked against the
 * official v1.1 script's {@code normalize_answer} and {@code f1_score}.
 */
class MetricsTest {

    private static final Metric EM = Metrics.exactMatch();
    private static final Metric F1 = Metrics.f1();
    private static final Metric STRICT = Metrics.strictExactMatch();
    private static final Metric EXEC = Metrics.executionAccuracy();
    private static final Metric ROUGE = Metrics.rougeL();

    // ---- accuracy ----

    @Test
    void accuracyIsExactStringEquality() {
        Metric acc = Metrics.accuracy();
        assertThat(acc.score("positive", List.of("positive"))).isEqualTo(1.0);
        assertThat(acc.score("Positive", List.of("positive"))).isEqualTo(0.0);
        assertThat(acc.score("positive ", List.of("positive"))).isEqualTo(0.0);
        assertThat(acc.score("negative", List.of("positive", "negative"))).isEqualTo(1.0);
        assertThat(acc.score("positive", List.of())).isEqualTo(0.0);
    }

    // ---- SQuAD normalisation ----

    @Test
    void normalizeAnswerFollowsSquad() {
        // case, punctuation, articles as whole words only, white-space runs (tab included)
        assertThat(Metrics.normalizeAnswer("The Theatre of  Another\tan  Era!")).isEqualTo("theatre of another era");
        assertThat(Metrics.normalizeAnswer("an apple a day")).isEqualTo("apple day");
        assertThat(Metrics.normalizeAnswer("  Hello,   WORLD  ")).isEqualTo("hello world");
        assertThat(Metrics.normalizeAnswer("The")).isEmpty();
        assertThat(Metrics.normalizeAnswer("")).isEmpty();
        // punctuation goes before articles, so letters it separated join: no article left to remove
        assertThat(Metrics.normalizeAnswer("A.B.C.")).isEqualTo("abc");
        assertThat(Metrics.normalizeAnswer("a-team")).isEqualTo("ateam");
        assertThat(Metrics.normalizeAnswer("_the_")).isEmpty(); // '_' is ASCII punctuation
        assertThat(Metrics.normalizeAnswer("l'année")).isEqualTo("lannée");
        // non-ASCII punctuation stays but still bounds a word, as Python's \b does
        assertThat(Metrics.normalizeAnswer("1990\u20131995")).isEqualTo("1990\u20131995");
        assertThat(Metrics.normalizeAnswer("war\u2014the end")).isEqualTo("war\u2014 end");
        // Unicode letters and numbers are word characters, so no article is found inside these
        assertThat(Metrics.normalizeAnswer("\u03A9the \u00BDan x\u00B2a")).isEqualTo("\u03C9the \u00BDan x\u00B2a");
        // Python's str.split() treats no-break space as white space
        assertThat(Metrics.normalizeAnswer("Super\u00A0Bowl 50")).isEqualTo("super bowl 50");
    }

    @Test
    void normalizeAnswerRejectsNull() {
        assertThatThrownBy(() -> Metrics.normalizeAnswer(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("answer");
    }

    // ---- exact match, strict exact match ----

    @Test
    void exactMatchNormalisesAndStrictDoesNot() {
        assertThat(EM.score("the Denver Broncos", List.of("Denver Broncos"))).isEqualTo(1.0);
        assertThat(STRICT.score("the Denver Broncos", List.of("Denver Broncos"))).isEqualTo(0.0);
        assertThat(EM.score("denver broncos.", List.of("Denver Broncos"))).isEqualTo(1.0);
        assertThat(STRICT.score("denver broncos.", List.of("Denver Broncos"))).isEqualTo(0.0);
        assertThat(STRICT.score("Denver Broncos", List.of("Denver Broncos"))).isEqualTo(1.0);
        assertThat(STRICT.score("Denver Broncos ", List.of("Denver Broncos"))).isEqualTo(0.0);
        assertThat(EM.score("Broncos", List.of("Denver Broncos"))).isEqualTo(0.0);
    }

    @Test
    void severalGoldAnswersTheBestWins() {
        List<String> gold = List.of("Panthers", "Carolina Panthers", "the Carolina Panthers");
        assertThat(EM.score("Carolina Panthers!", gold)).isEqualTo(1.0);
        assertThat(STRICT.score("the Carolina Panthers", gold)).isEqualTo(1.0);
        assertThat(STRICT.score("The Carolina Panthers", gold)).isEqualTo(0.0);
        // against "panthers": P = 1/3, R = 1, F1 = 0.5; against "carolina panthers": P = 2/3, R = 1, F1 = 0.8
        assertThat(F1.score("Carolina Panthers team", gold)).isCloseTo(0.8, within(1e-12));
        assertThat(F1.score("Carolina Panthers team", List.of("Panthers"))).isCloseTo(0.5, within(1e-12));
        assertThat(EM.score("Carolina Panthers team", gold)).isEqualTo(0.0);
    }

    @Test
    void emptyPrediction() {
        assertThat(EM.score("", List.of("Denver"))).isEqualTo(0.0);
        assertThat(F1.score("", List.of("Denver"))).isEqualTo(0.0);
        // as in SQuAD's script: both sides normalise to "", which is equal, yet share no token
        assertThat(EM.score("", List.of("The"))).isEqualTo(1.0);
        assertThat(F1.score("", List.of("The"))).isEqualTo(0.0);
        assertThat(F1.score("the", List.of(""))).isEqualTo(0.0);
    }

    // ---- F1 ----

    @Test
    void f1ByHand() {
        assertThat(F1.score("Denver Broncos", List.of("denver broncos"))).isEqualTo(1.0);
        // 2 shared tokens: P = 2/2, R = 2/5, F1 = 2 * 0.4 / 1.4 = 4/7
        assertThat(F1.score("Denver Broncos", List.of("Broncos of Denver and more"))).isCloseTo(4.0 / 7, within(1e-12));
        // token order does not matter
        assertThat(F1.score("Broncos Denver", List.of("Denver Broncos"))).isEqualTo(1.0);
        // articles and punctuation are not tokens: "the", "," drop out; P = 1/1, R = 1/2, F1 = 2/3
        assertThat(F1.score("the Denver,", List.of("Denver Broncos"))).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(F1.score("Seattle Seahawks", List.of("Denver Broncos"))).isEqualTo(0.0);
    }

    @Test
    void f1CountsRepeatedTokensAsAMultiset() {
        // [cat, cat, cat] against [cat, dog, cat]: the overlap is min(3, 2) = 2 cats; P = R = 2/3
        assertThat(F1.score("the cat the cat cat", List.of("cat dog cat"))).isCloseTo(2.0 / 3, within(1e-12));
        // "cat cat" against "cat": overlap 1; P = 1/2, R = 1, F1 = 2/3
        assertThat(F1.score("cat cat", List.of("cat"))).isCloseTo(2.0 / 3, within(1e-12));
    }

    // ---- execution accuracy ----

    @Test
    void executionAccuracyComparesValues() {
        assertThat(EXEC.score("( ( 10.62 * 2.0 ) + 1.59 )", List.of("22.83"))).isEqualTo(1.0);
        // a different expression with the same value, against an expression reference
        assertThat(EXEC.score("( 20.0 + 2.83 )", List.of("( ( 10.62 * 2.0 ) + 1.59 )"))).isEqualTo(1.0);
        assertThat(EXEC.score("( 76.0 + 25.0 )", List.of("( 76.0 - 25.0 )"))).isEqualTo(0.0);
        assertThat(EXEC.score("( 3.0 - 8.0 )", List.of("-5"))).isEqualTo(1.0);
        assertThat(EXEC.score("-(2 - 7)", List.of("-5"))).isEqualTo(0.0);
        assertThat(EXEC.score("((((2)) * ((3 + 4))))", List.of("14.0"))).isEqualTo(1.0);
        // the best reference wins; one that does not parse just never matches
        assertThat(EXEC.score("6", List.of("seven", "5", "( 12 / 2 )"))).isEqualTo(1.0);
    }

    @Test
    void executionToleranceIsRelativeAboveOneAndAbsoluteBelow() {
        // |r| >= 1: |p - r| <= 1e-4 * |r|; for r = 22.83 that is 0.002283
        assertThat(EXEC.score("22.832", List.of("22.83"))).isEqualTo(1.0);
        assertThat(EXEC.score("22.8324", List.of("22.83"))).isEqualTo(0.0);
        // the boundary is inclusive: r = 10000 allows exactly 1
        assertThat(EXEC.score("10001", List.of("10000"))).isEqualTo(1.0);
        assertThat(EXEC.score("9999", List.of("10000"))).isEqualTo(1.0);
        assertThat(EXEC.score("10001.01", List.of("10000"))).isEqualTo(0.0);
        // |r| < 1: 1e-4 absolute, so 0 can be met and 1/12 written to 4 places counts
        assertThat(EXEC.score("0.0001", List.of("0"))).isEqualTo(1.0);
        assertThat(EXEC.score("0.00011", List.of("0"))).isEqualTo(0.0);
        assertThat(EXEC.score("( 2.0 - 2.0 )", List.of("0.0"))).isEqualTo(1.0);
        assertThat(EXEC.score("0.0833", List.of("( 1.0 / 12.0 )"))).isEqualTo(1.0);
        assertThat(EXEC.score("0.0831", List.of("( 1.0 / 12.0 )"))).isEqualTo(0.0);
    }

    @Test
    void executionAccuracyScoresBadExpressionsZeroWithoutThrowing() {
        List<String> ref = List.of("5");
        assertThat(EXEC.score("( 5.0 / ( 2.0 - 2.0 ) )", ref)).isEqualTo(0.0);
        assertThat(EXEC.score("The answer is 5", ref)).isEqualTo(0.0);
        assertThat(EXEC.score("x = 5", ref)).isEqualTo(0.0);
        assertThat(EXEC.score("", ref)).isEqualTo(0.0);
        assertThat(EXEC.score("(".repeat(10_000) + "5" + ")".repeat(10_000), ref)).isEqualTo(0.0);
        assertThat(EXEC.score("(".repeat(5_000) + "5" + ")".repeat(4_999), ref)).isEqualTo(0.0);
        // a reference that does not evaluate can be met by nothing, not even itself
        assertThat(EXEC.score("1 / 0", List.of("1 / 0"))).isEqualTo(0.0);
    }

    // ---- ROUGE-L ----

    @Test
    void rougeTokensFollowRougeScore() {
        assertThat(Metrics.rougeTokens("Café, x+y <= 10; 2x_1")).containsExactly("caf", "x", "y", "10", "2x", "1");
        assertThat(Metrics.rougeTokens("The  CAT\tsat.")).containsExactly("the", "cat", "sat");
        assertThat(Metrics.rougeTokens(" ...! ")).isEmpty();
    }

    @Test
    void rougeLByHand() {
        // LCS of "police killed the gunman" and "police kill the gunman" is "police the gunman": 3 of 4 and 4
        assertThat(ROUGE.score("police kill the gunman", List.of("police killed the gunman"))).isCloseTo(0.75, within(1e-12));
        // "the gunman kill police": LCS "the gunman" = 2; P = R = 1/2
        assertThat(ROUGE.score("the gunman kill police", List.of("police killed the gunman"))).isCloseTo(0.5, within(1e-12));
        // lengths differ: LCS of [a, c, f] and [a, b, c, d, e] is [a, c]; P = 2/3, R = 2/5, F = 2PR/(P+R) = 1/2
        assertThat(ROUGE.score("A C F", List.of("a b c d e"))).isCloseTo(0.5, within(1e-12));
        // LCS [the, cat, on, mat] = 4 of 6 and 6 tokens: P = R = 2/3
        assertThat(ROUGE.score("the cat lay on a mat", List.of("the cat sat on the mat"))).isCloseTo(2.0 / 3, within(1e-12));
        // a subsequence, not a substring: [x, z] of 4 and 2 tokens: P = 1, R = 1/2, F = 2/3
        assertThat(ROUGE.score("x z", List.of("x y y z"))).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(ROUGE.score("Maximize: 3x + 2y.", List.of("maximize 3x 2y"))).isEqualTo(1.0);
        assertThat(ROUGE.score("a b", List.of("c d"))).isEqualTo(0.0);
        assertThat(ROUGE.score("", List.of("c d"))).isEqualTo(0.0);
        assertThat(ROUGE.score("!!", List.of("!!"))).isEqualTo(0.0);
        // the best reference wins
        assertThat(ROUGE.score("A C F", List.of("q", "a b c d e", "a c"))).isCloseTo(0.8, within(1e-12));
    }

    @Test
    void lcsLength() {
        assertThat(Metrics.lcsLength(List.of("a", "b", "c", "b", "d", "a", "b"), List.of("b", "d", "c", "a", "b", "a")))
                .isEqualTo(4);
        assertThat(Metrics.lcsLength(List.of(), List.of("a"))).isEqualTo(0);
    }

    // ---- the mean over samples ----

    @Test
    void meanOverSamplesWithNaNForNone() {
        List<String> predictions = Arrays.asList("Denver Broncos", "the gunman", null, "Seattle");
        List<List<String>> references = List.of(List.of("denver broncos"), List.of("the gunman", "gunman"),
                List.of("x"), List.of("Denver"));
        // per sample: 1, 1, 0 (a missing prediction), 0
        assertThat(EM.score(predictions, references)).isCloseTo(0.5, within(1e-12));
        // per sample: 1, 1, 0, 0
        assertThat(F1.score(predictions, references)).isCloseTo(0.5, within(1e-12));
        assertThat(STRICT.score(predictions, references)).isCloseTo(0.25, within(1e-12));
        assertThat(EXEC.score(List.of("1 + 1", "3", "x"), List.of(List.of("2"), List.of("4"), List.of("1"))))
                .isCloseTo(1.0 / 3, within(1e-12));
        for (Metric m : allMetrics()) {
            assertThat(m.score(List.of(), List.of())).as(m.name()).isNaN();
        }
        assertThatThrownBy(() -> EM.score(List.of("a"), List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exact_match");
    }

    @Test
    void noReferencesOrANullPredictionScoreZero() {
        for (Metric m : allMetrics()) {
            assertThat(m.score("1", List.of())).as(m.name()).isEqualTo(0.0);
            assertThat(m.score(null, List.of("1"))).as(m.name()).isEqualTo(0.0);
            assertThat(m.score("1", List.of("1"))).as(m.name()).isEqualTo(1.0);
            assertThat(m.higherIsBetter()).isTrue();
        }
    }

    // ---- names and kinds ----

    @Test
    void namesAndLookup() {
        List<String> names = new ArrayList<>();
        for (Metric m : allMetrics()) {
            names.add(m.name());
            assertThat(Metrics.byName(m.name())).isSameAs(m);
        }
        assertThat(names).containsExactly("accuracy", "exact_match", "f1", "strict_exact_match",
                "execution_accuracy", "rouge_l");
        assertThatThrownBy(() -> Metrics.byName("bleu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bleu").hasMessageContaining("exact_match, f1, strict_exact_match");
        assertThatThrownBy(() -> Metrics.byName(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void metricsPerTaskKind() {
        assertThat(Metrics.allFor(TaskKind.CLASSIFICATION)).containsExactly(Metrics.accuracy());
        assertThat(Metrics.allFor(TaskKind.EXTRACTIVE_QA)).containsExactly(EM, F1, STRICT);
        assertThat(Metrics.allFor(TaskKind.MATH_WORD_PROBLEM)).containsExactly(EXEC);
        assertThat(Metrics.defaultFor(TaskKind.CLASSIFICATION)).isSameAs(Metrics.accuracy());
        assertThat(Metrics.defaultFor(TaskKind.EXTRACTIVE_QA)).isSameAs(EM);
        assertThat(Metrics.defaultFor(TaskKind.MATH_WORD_PROBLEM)).isSameAs(EXEC);
        assertThat(Metrics.allFor(TaskKind.TEXT_GENERATION)).containsExactly(ROUGE);
        assertThat(Metrics.defaultFor(TaskKind.TEXT_GENERATION)).isSameAs(ROUGE);
        for (TaskKind kind : TaskKind.values()) {
            assertThat(Metrics.allFor(kind)).as(kind.name()).isNotEmpty();
        }
        assertThatThrownBy(() -> Metrics.allFor(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("task kind");
    }

    private static List<Metric> allMetrics() {
        return List.of(Metrics.accuracy(), EM, F1, STRICT, EXEC, ROUGE);
    }
}
