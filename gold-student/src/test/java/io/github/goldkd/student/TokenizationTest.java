package io.github.goldkd.student;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenizationTest {

    @Test
    void tokenizerIsUnicodeAwareAndLowercasingIsOptional() {
        Tokenizer lower = new Tokenizer(true);
        assertThat(lower.tokenize("Don't PANIC: Café déjà-vu, naïve 東京 ＡＢＣ 42!"))
                .containsExactly("don't", "panic", ":", "café", "déjà", "-", "vu", ",", "naïve", "東京", "abc", "42", "!");
        assertThat(new Tokenizer(false).tokenize("Straße ÉTÉ")).containsExactly("Straße", "ÉTÉ");
        // combining marks stay inside their word; NFKC composes them
        assertThat(lower.tokenize("cafe\u0301 ok")).containsExactly("café", "ok");
        assertThat(lower.tokenize("  \t\n ")).isEmpty();
        assertThat(lower.tokenize("I ❤ it")).containsExactly("i", "❤", "it");
    }

    @Test
    void vocabularyHasPaddingUnknownAndFrequentTokensInAStableOrder() {
        Vocabulary v = Vocabulary.build(List.of(List.of("b", "a", "c", "a"), List.of("b", "d", "a")), 2);
        assertThat(v.tokens()).containsExactly(Vocabulary.PAD, Vocabulary.UNK, "a", "b");
        assertThat(v.id("a")).isEqualTo(2);
        assertThat(v.id("c")).isEqualTo(Vocabulary.UNK_ID);
        assertThat(v.contains("c")).isFalse();
        assertThat(Vocabulary.of(v.tokens())).isEqualTo(v);
        assertThatThrownBy(() -> Vocabulary.build(List.of(), 0)).hasMessage("minCount must be >= 1, was 0");
        assertThatThrownBy(() -> Vocabulary.of(List.of("x", "y"))).isInstanceOf(StudentException.class);
    }

    @Test
    void featurizerCapsLengthAddsBigramBucketsAndNeverReturnsNothing() {
        Vocabulary v = Vocabulary.build(List.of(List.of("a", "b", "c")), 1);
        TextFeaturizer f = new TextFeaturizer(new Tokenizer(true), v, 3, 10);
        assertThat(f.featureCount()).isEqualTo(v.size() + 10);
        assertThat(f.tokenIds("A b zzz c d")).containsExactly(v.id("a"), v.id("b"), Vocabulary.UNK_ID);
        int[] features = f.features("a b c d");
        assertThat(features).hasSize(3 + 2);
        for (int i = 3; i < features.length; i++) {
            assertThat(features[i]).isBetween(v.size(), v.size() + 9);
        }
        assertThat(f.features("a b")[2]).isEqualTo(features[3]); // the bigram (a, b) has one bucket
        assertThat(f.features("!")).hasSize(1);
        assertThat(f.features("")).containsExactly(Vocabulary.UNK_ID);
        assertThat(new TextFeaturizer(new Tokenizer(true), v, 5, 0).features("a b c")).hasSize(3);
    }
}
