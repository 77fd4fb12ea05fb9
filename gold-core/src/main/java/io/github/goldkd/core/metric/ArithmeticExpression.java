package io.github.goldkd.core.metric;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Evaluates the arithmetic expressions of math word problems, e.g. {@code ( ( 10.62 * 2.0 ) + 1.59 )}:
 * decimal numbers, {@code + - * /} with the usual precedence and left associativity, parentheses, unary
 * minus and plus, and any white space between tokens. Written here rather than borrowed from a script
 * engine so that a prediction can never run code, and so that every failure is a value, not an exception.
 *
 * <p>Numbers are {@code 12}, {@code 10.62}, {@code .5}, {@code 2.} and, because a reference written by
 * {@code Double.toString} may carry one, an optional exponent ({@code 1.5E-4}). Digits are ASCII only.
 *
 * <p>An expression <em>fails</em> — {@link #evaluate} is empty and {@link #numbers} is empty — when it is
 * null, longer than {@value #MAX_LENGTH} characters, nested deeper than {@value #MAX_DEPTH} parentheses
 * (so hostile input cannot overflow the stack), contains anything that is not arithmetic (letters,
 * {@code =}, {@code ^}, a dangling operator, unbalanced parentheses), divides by zero, or has a
 * non-finite intermediate or final value (a literal or product beyond the double range).
 */
public final class ArithmeticExpression {

    /** Longest expression evaluated; a generated equation is a few dozen characters. */
    public static final int MAX_LENGTH = 10_000;

    /** Deepest parenthesis nesting evaluated; the data nests at most a handful of levels. */
    public static final int MAX_DEPTH = 100;

    private ArithmeticExpression() {
    }

    /**
     * The value of the expression; empty when it fails (see the class comment). Never throws.
     */
    public static OptionalDouble evaluate(String expression) {
        Parser parser = Parser.parse(expression);
        return parser == null ? OptionalDouble.empty() : OptionalDouble.of(parser.value);
    }

    /**
     * The numeric literals of the expression in the order they occur, as written without their sign
     * (unary minus is an operator, so {@code -2.0 * 3} gives {@code [2.0, 3.0]}); empty when the expression
     * fails (see the class comment), and never empty otherwise. Never throws.
     */
    public static List<Double> numbers(String expression) {
        Parser parser = Parser.parse(expression);
        return parser == null ? List.of() : Collections.unmodifiableList(parser.numbers);
    }

    /** Thrown inside the parser only, to unwind on the first failure; it never leaves this class. */
    private static final class Failure extends RuntimeException {
        private static final Failure INSTANCE = new Failure();

        private Failure() {
            super(null, null, false, false); // no stack trace: failures are expected input, not bugs
        }
    }

    /**
     * Recursive descent over {@code expr := term (('+'|'-') term)*}, {@code term := factor (('*'|'/')
     * factor)*}, {@code factor := ('+'|'-')* primary}, {@code primary := number | '(' expr ')'}. Only a
     * parenthesis recurses (signs are counted in a loop), so {@link #MAX_DEPTH} bounds the stack.
     */
    private static final class Parser {
        private final String s;
        private int pos;
        private int depth;
        private final List<Double> numbers = new ArrayList<>();
        private double value;

        private Parser(String s) {
            this.s = s;
        }

        /** The parser after a successful parse, or null when the expression fails. */
        static Parser parse(String expression) {
            if (expression == null || expression.length() > MAX_LENGTH) {
                return null;
            }
            Parser p = new Parser(expression);
            try {
                p.value = p.expr();
                p.skipSpace();
                if (p.pos != p.s.length()) {
                    return null;
                }
                return p;
            } catch (Failure f) {
                return null;
            }
        }

        private double expr() {
            double v = term();
            while (true) {
                char op = peek();
                if (op == '+') {
                    pos++;
                    v = finite(v + term());
                } else if (op == '-') {
                    pos++;
                    v = finite(v - term());
                } else {
                    return v;
                }
            }
        }

        private double term() {
            double v = factor();
            while (true) {
                char op = peek();
                if (op == '*') {
                    pos++;
                    v = finite(v * factor());
                } else if (op == '/') {
                    pos++;
                    double d = factor();
                    if (d == 0.0) {
                        throw Failure.INSTANCE;
                    }
                    v = finite(v / d);
                } else {
                    return v;
                }
            }
        }

        private double factor() {
            boolean negative = false;
            while (true) {
                char c = peek();
                if (c == '-') {
                    negative = !negative;
                    pos++;
                } else if (c == '+') {
                    pos++;
                } else {
                    break;
                }
            }
            double v = primary();
            return negative ? -v : v;
        }

        private double primary() {
            char c = peek();
            if (c == '(') {
                pos++;
                if (++depth > MAX_DEPTH) {
                    throw Failure.INSTANCE;
                }
                double v = expr();
                if (peek() != ')') {
                    throw Failure.INSTANCE;
                }
                pos++;
                depth--;
                return v;
            }
            if (isDigit(c) || c == '.') {
                return number();
            }
            throw Failure.INSTANCE;
        }

        private double number() {
            int start = pos;
            int digits = skipDigits();
            if (pos < s.length() && s.charAt(pos) == '.') {
                pos++;
                digits += skipDigits();
            }
            if (digits == 0) {
                throw Failure.INSTANCE; // a lone "."
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                int mark = pos;
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                    pos++;
                }
                if (skipDigits() == 0) {
                    pos = mark; // not an exponent; the stray letter then fails the parse
                }
            }
            // The lexeme is ASCII digits, one dot and an exponent, which parseDouble always accepts.
            double v = finite(Double.parseDouble(s.substring(start, pos)));
            numbers.add(v);
            return v;
        }

        private int skipDigits() {
            int start = pos;
            while (pos < s.length() && isDigit(s.charAt(pos))) {
                pos++;
            }
            return pos - start;
        }

        /** The next non-space character without consuming it, or 0 at the end. */
        private char peek() {
            skipSpace();
            return pos < s.length() ? s.charAt(pos) : 0;
        }

        private void skipSpace() {
            while (pos < s.length() && isSpace(s.charAt(pos))) {
                pos++;
            }
        }

        private static double finite(double v) {
            if (!Double.isFinite(v)) {
                throw Failure.INSTANCE;
            }
            return v;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        /** Java's white space plus the Unicode space separators (no-break space) a model may emit. */
        private static boolean isSpace(char c) {
            return Character.isWhitespace(c) || Character.isSpaceChar(c);
        }
    }
}
