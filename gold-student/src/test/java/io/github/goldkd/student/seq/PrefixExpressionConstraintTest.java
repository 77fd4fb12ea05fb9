package io.github.goldkd.student.seq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PrefixExpressionConstraintTest {

    /** An output vocabulary as a math decoder would have it: specials, operators, slots, constants. */
    private static final List<String> VOCABULARY = List.of(
            "<eos>", "<pad>", "<bos>", "+", "-", "*", "/", "N0", "N1", "N2", "N3", "N4", "N5", "1", "100.0");
    private static final int EOS = 0;

    private static int id(String token) {
        return VOCABULARY.indexOf(token);
    }

    private static int[] ids(String... tokens) {
        return Arrays.stream(tokens).mapToInt(PrefixExpressionConstraintTest::id).toArray();
    }

    @Test
    void everyDecodedOutputIsAWellFormedExpressionWithinBudgetOverTheProblemsSlots() {
        int decoded = 0;
        for (long seed = 0; seed < 300; seed++) {
            Random random = new Random(seed);
            int slotCount = random.nextInt(5);
            int maxLength = 1 + random.nextInt(9);
            int width = 1 + random.nextInt(4);
            double alpha = random.nextDouble() * 1.5;
            PrefixExpressionConstraint constraint =
                    PrefixExpressionConstraint.forVocabulary(VOCABULARY, EOS, slotCount, maxLength);
            List<BeamSearch.Hypothesis> top = new BeamSearch(width, maxLength, EOS, alpha)
                    .decodeTop(BeamSearchTest.randomScorer(seed, VOCABULARY.size()), constraint, width);

            assertThat(top).as("seed " + seed).isNotEmpty();
            for (BeamSearch.Hypothesis h : top) {
                int[] tokens = h.tokens();
                List<String> text = new ArrayList<>();
                for (int t : tokens) {
                    text.add(VOCABULARY.get(t));
                }
                String context = "seed " + seed + " slots " + slotCount + " max " + maxLength + ": " + text;
                // The budget guarantees every hypothesis can complete, so none ends unfinished.
                assertThat(h.finished()).as(context).isTrue();
                assertThat(tokens.length).as(context).isBetween(1, maxLength);
                assertThat(independentlyWellFormed(text)).as(context).isTrue();
                for (String token : text) {
                    assertThat(token).as(context).isNotIn("<eos>", "<pad>", "<bos>");
                    if (token.matches("N\\d+")) {
                        assertThat(Integer.parseInt(token.substring(1))).as(context).isLessThan(slotCount);
                    }
                }
                assertThat(PrefixNotation.toInfix(text)).isNotBlank();
                decoded++;
            }
        }
        assertThat(decoded).isGreaterThan(300);
    }

    /** Well-formedness by a separate count: operands outnumber operators by one, never before the end. */
    private static boolean independentlyWellFormed(List<String> tokens) {
        int operators = 0;
        int operands = 0;
        for (int i = 0; i < tokens.size(); i++) {
            if (PrefixExpressionConstraint.OPERATORS.contains(tokens.get(i))) {
                operators++;
            } else {
                operands++;
            }
            if (operands == operators + 1 && i < tokens.size() - 1) {
                return false;
            }
        }
        return operands == operators + 1;
    }

    @Test
    void emptyIsNeverCompleteAndEosOnlyFollowsACompleteExpression() {
        PrefixExpressionConstraint c = PrefixExpressionConstraint.forVocabulary(VOCABULARY, EOS, 2, 7);

        assertThat(c.allows(new int[0], EOS)).isFalse();
        assertThat(c.isComplete(new int[0])).isFalse();
        assertThat(c.allows(ids("+", "N0"), EOS)).isFalse();
        assertThat(c.allows(ids("+", "N0", "N1"), EOS)).isTrue();
        assertThat(c.allows(ids("N1"), EOS)).isTrue();
        // After a complete expression only EOS may follow.
        assertThat(c.allows(ids("N1"), id("N0"))).isFalse();
        assertThat(c.allows(ids("N1"), id("+"))).isFalse();
    }

    @Test
    void slotsBeyondTheProblemAndSpecialTokensAreRefused() {
        PrefixExpressionConstraint c = PrefixExpressionConstraint.forVocabulary(VOCABULARY, EOS, 2, 7);

        assertThat(c.allows(ids("+"), id("N1"))).isTrue();
        assertThat(c.allows(ids("+"), id("N2"))).isFalse();
        assertThat(c.allows(ids("+"), id("100.0"))).isTrue();
        assertThat(c.allows(ids("+"), id("<pad>"))).isFalse();
        assertThat(c.allows(ids("+"), id("<bos>"))).isFalse();
        assertThat(c.allows(ids("+"), -1)).isFalse();
        assertThat(c.allows(ids("+"), VOCABULARY.size())).isFalse();
    }

    @Test
    void operatorsAreRefusedWhenTheBudgetCannotCompleteTheExpression() {
        PrefixExpressionConstraint c = PrefixExpressionConstraint.forVocabulary(VOCABULARY, EOS, 3, 3);

        // "+" then another "+" would need 3 more operands in 1 remaining token.
        assertThat(c.allows(ids("+"), id("+"))).isFalse();
        assertThat(c.allows(ids("+"), id("N0"))).isTrue();
        assertThat(c.allows(new int[0], id("*"))).isTrue();
        PrefixExpressionConstraint one = PrefixExpressionConstraint.forVocabulary(VOCABULARY, EOS, 3, 1);
        assertThat(one.allows(new int[0], id("*"))).isFalse();
        assertThat(one.allows(new int[0], id("N2"))).isTrue();
    }

    @Test
    void settingsAreValidatedWithTheirRange() {
        assertThatThrownBy(() -> PrefixExpressionConstraint.forVocabulary(VOCABULARY, EOS, -1, 5))
                .hasMessageContaining("slotCount must be >= 0, was -1");
        assertThatThrownBy(() -> PrefixExpressionConstraint.forVocabulary(VOCABULARY, EOS, 1, 0))
                .hasMessageContaining("maxLength must be >= 1, was 0");
        assertThatThrownBy(() -> PrefixExpressionConstraint.forVocabulary(VOCABULARY, 99, 1, 5))
                .hasMessageContaining("eosToken must be in [0, 15), was 99");
        assertThatThrownBy(() -> new PrefixExpressionConstraint(new int[] {0, 1}, 0, 5))
                .hasMessageContaining("arity of token 1 must be -1, 0 or 2, was 1");
    }

    @Test
    void prefixAndInfixConvertBothWays() {
        assertThat(PrefixNotation.toInfix(List.of("-", "76.0", "25.0"))).isEqualTo("( 76.0 - 25.0 )");
        assertThat(PrefixNotation.toInfix(List.of("*", "+", "N0", "N1", "N2"))).isEqualTo("( ( N0 + N1 ) * N2 )");
        assertThat(PrefixNotation.toInfix(List.of("N3"))).isEqualTo("N3");
        assertThat(PrefixNotation.fromInfix("( 76.0 - 25.0 )")).containsExactly("-", "76.0", "25.0");
        assertThat(PrefixNotation.fromInfix("( ( N0 + N1 ) * N2 )")).containsExactly("*", "+", "N0", "N1", "N2");
        assertThat(PrefixNotation.fromInfix("a - b - c")).containsExactly("-", "-", "a", "b", "c");
        assertThat(PrefixNotation.fromInfix("a + b * c")).containsExactly("+", "a", "*", "b", "c");
        assertThat(PrefixNotation.fromInfix("(a + b)")).containsExactly("+", "a", "b");
        for (String infix : List.of("( ( 2.0 * 3.0 ) / ( 4.0 - 1.0 ) )", "( 5.0 + ( 6.0 * 7.0 ) )", "8.0")) {
            assertThat(PrefixNotation.toInfix(PrefixNotation.fromInfix(infix))).isEqualTo(infix);
        }
        assertThatThrownBy(() -> PrefixNotation.toInfix(List.of("+", "a"))).hasMessageContaining("ends before");
        assertThatThrownBy(() -> PrefixNotation.toInfix(List.of("a", "b"))).hasMessageContaining("after a complete");
        assertThatThrownBy(() -> PrefixNotation.fromInfix("( a + b")).hasMessageContaining("unclosed");
        assertThatThrownBy(() -> PrefixNotation.fromInfix("a +")).hasMessageContaining("operand was expected");
    }
}
