package io.github.goldkd.core.metric;

import org.junit.jupiter.api.Test;

import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ArithmeticExpressionTest {

    private static double value(String expression) {
        OptionalDouble v = ArithmeticExpression.evaluate(expression);
        assertThat(v).as("value of %s", expression).isPresent();
        return v.getAsDouble();
    }

    private static void fails(String expression) {
        assertThat(ArithmeticExpression.evaluate(expression)).as("value of %s", expression).isEmpty();
        assertThat(ArithmeticExpression.numbers(expression)).as("numbers of %s", expression).isEmpty();
    }

    @Test
    void evaluatesTheDataFormat() {
        assertThat(value("( ( 10.62 * 2.0 ) + 1.59 )")).isCloseTo(22.83, within(1e-12));
        assertThat(value("( 25000.0 - ( 1500.0 * 8.0 ) )")).isEqualTo(13000.0);
        assertThat(value("( ( 0.16666666666666666 + 0.16666666666666666 ) + 0.5 )")).isCloseTo(5.0 / 6, within(1e-15));
    }

    @Test
    void precedenceAndLeftAssociativity() {
        assertThat(value("2 + 3 * 4")).isEqualTo(14.0);
        assertThat(value("2 * (3 + 4)")).isEqualTo(14.0);
        assertThat(value("10 - 4 - 3")).isEqualTo(3.0);
        assertThat(value("8 / 4 / 2")).isEqualTo(1.0);
        assertThat(value("7 - 6 / 3 * 2")).isEqualTo(3.0);
        assertThat(value("((((1+2))*((3))))")).isEqualTo(9.0);
    }

    @Test
    void unarySigns() {
        assertThat(value("-3")).isEqualTo(-3.0);
        assertThat(value("-(-3)")).isEqualTo(3.0);
        assertThat(value("- - 2")).isEqualTo(2.0);
        assertThat(value("2 * -3")).isEqualTo(-6.0);
        assertThat(value("2 - -3")).isEqualTo(5.0);
        assertThat(value("+4")).isEqualTo(4.0);
        assertThat(value("( -2.0 + 15.0 )")).isEqualTo(13.0);
        // signs are counted in a loop, not by recursion: a long run is fine and its parity decides
        assertThat(value("-".repeat(9_999) + "1")).isEqualTo(-1.0);
    }

    @Test
    void numberFormsAndWhiteSpace() {
        assertThat(value(".5")).isEqualTo(0.5);
        assertThat(value("2.")).isEqualTo(2.0);
        assertThat(value("007")).isEqualTo(7.0);
        assertThat(value("1.5E-4")).isEqualTo(1.5e-4);
        assertThat(value("2e3 + 1")).isEqualTo(2001.0);
        assertThat(value("\t( 1 +\n2 )\u00A0")).isEqualTo(3.0);
        fails(".");
        fails("1.2.3");
        fails("1e");
        fails("1e+");
        fails("1 2");
        fails("1,5");
        fails("\u0661"); // an Arabic-Indic digit: digits are ASCII only
    }

    @Test
    void anythingNonArithmeticFails() {
        fails(null);
        fails("");
        fails("   ");
        fails("x + 1");
        fails("The answer is 5");
        fails("5 =");
        fails("x = 3 + 4");
        fails("2 ^ 3");
        fails("1 +");
        fails("* 2");
        fails("(1 + 2");
        fails("1 + 2)");
        fails("()");
        fails("Math.exp(1)");
        fails("3 \u00d7 4");
    }

    @Test
    void divisionByZeroAndOverflowFail() {
        fails("1 / 0");
        fails("( 5.0 / ( 2.0 - 2.0 ) )");
        fails("0 / 0");
        fails("1 / -0.0");
        fails("1e308 * 10");
        fails("1e400");
        // an infinite intermediate fails even where the final value would be finite
        fails("1 / ( 1e308 * 10 )");
        assertThat(value("0 / 5")).isEqualTo(0.0);
    }

    @Test
    void nestingIsCappedSoHostileInputCannotOverflowTheStack() {
        int max = ArithmeticExpression.MAX_DEPTH;
        assertThat(value("(".repeat(max) + "1" + ")".repeat(max))).isEqualTo(1.0);
        fails("(".repeat(max + 1) + "1" + ")".repeat(max + 1));
        fails("(".repeat(4_000) + "1" + ")".repeat(4_000));
        fails("(".repeat(10_000) + "1" + ")".repeat(10_000));
        fails("(".repeat(100_000));
        // depth counts open parentheses, not parentheses seen: many shallow groups are fine
        assertThat(value("(1) + ".repeat(1_000) + "0")).isEqualTo(1000.0);
    }

    @Test
    void lengthIsCapped() {
        String longest = "1" + " ".repeat(ArithmeticExpression.MAX_LENGTH - 1);
        assertThat(value(longest)).isEqualTo(1.0);
        fails(longest + " ");
    }

    @Test
    void numbersAreTheLiteralsInOrderWithoutTheirSign() {
        assertThat(ArithmeticExpression.numbers("( ( 10.62 * 2.0 ) + 1.59 )")).containsExactly(10.62, 2.0, 1.59);
        assertThat(ArithmeticExpression.numbers("-2.0 * 3")).containsExactly(2.0, 3.0);
        assertThat(ArithmeticExpression.numbers("( 5.0 * ( 5.0 - 3.0 ) )")).containsExactly(5.0, 5.0, 3.0);
        assertThat(ArithmeticExpression.numbers("1 +")).isEmpty();
        assertThat(ArithmeticExpression.numbers("4 / 0")).isEmpty();
    }
}
