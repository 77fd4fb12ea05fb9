package io.github.goldkd.student.seq;

import java.util.ArrayList;
import java.util.List;

/**
 * Conversions between the prefix token sequences a math decoder writes and the infix form of the data,
 * {@code ( a op b )} with every binary operation parenthesised and tokens separated by single spaces. Generic
 * over token strings: operands are copied as they are (rendering numbers is the caller's business).
 */
final class PrefixNotation {

    private PrefixNotation() {
    }

    /**
     * @param prefix a well-formed prefix expression over {@link PrefixExpressionConstraint#OPERATORS} and
     *               operands
     * @return its infix form, e.g. {@code [*, +, a, b, c]} → {@code ( ( a + b ) * c )}
     * @throws IllegalArgumentException if the tokens are not exactly one expression
     */
    static String toInfix(List<String> prefix) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("prefix must hold at least one token");
        }
        int[] next = {0};
        String infix = infixAt(prefix, next);
        if (next[0] != prefix.size()) {
            throw new IllegalArgumentException("prefix holds tokens after a complete expression: " + prefix);
        }
        return infix;
    }

    private static String infixAt(List<String> prefix, int[] next) {
        if (next[0] >= prefix.size()) {
            throw new IllegalArgumentException("prefix ends before its expression is complete: " + prefix);
        }
        String token = prefix.get(next[0]++);
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("prefix holds an empty token: " + prefix);
        }
        if (!PrefixExpressionConstraint.OPERATORS.contains(token)) {
            return token;
        }
        String left = infixAt(prefix, next);
        String right = infixAt(prefix, next);
        return "( " + left + " " + token + " " + right + " )";
    }

    /**
     * The prefix tokens of an infix expression with whitespace-separated tokens, as in the data
     * ({@code ( ( a + b ) * c )}). Parentheses may be omitted: then * and / bind tighter than + and -, ^
     * tighter still, and operators of one precedence group to the left (^ to the right).
     *
     * @throws IllegalArgumentException if the text is not one expression
     */
    static List<String> fromInfix(String infix) {
        if (infix == null || infix.isBlank()) {
            throw new IllegalArgumentException("infix must hold an expression, was " + infix);
        }
        List<String> tokens = tokenise(infix);
        int[] next = {0};
        List<String> out = new ArrayList<>();
        parse(tokens, next, 0, out);
        if (next[0] != tokens.size()) {
            throw new IllegalArgumentException("infix holds tokens after a complete expression: " + infix);
        }
        return out;
    }

    private static List<String> tokenise(String infix) {
        List<String> tokens = new ArrayList<>();
        for (String piece : infix.trim().split("\\s+")) {
            // "(76.0" or "25.0)": parentheses need not be spaced apart.
            int start = 0;
            while (start < piece.length() && piece.charAt(start) == '(') {
                tokens.add("(");
                start++;
            }
            int end = piece.length();
            int closing = 0;
            while (end > start && piece.charAt(end - 1) == ')') {
                closing++;
                end--;
            }
            if (end > start) {
                tokens.add(piece.substring(start, end));
            }
            for (int i = 0; i < closing; i++) {
                tokens.add(")");
            }
        }
        return tokens;
    }

    private static int precedence(String op) {
        return switch (op) {
            case "+", "-" -> 1;
            case "*", "/" -> 2;
            case "^" -> 3;
            default -> -1;
        };
    }

    /** Precedence climbing; appends the prefix form of the expression at next[0] to out. */
    private static void parse(List<String> tokens, int[] next, int minPrecedence, List<String> out) {
        List<String> left = operand(tokens, next);
        while (next[0] < tokens.size()) {
            String op = tokens.get(next[0]);
            int p = precedence(op);
            if (p < 0 || p < minPrecedence) {
                break;
            }
            next[0]++;
            List<String> right = new ArrayList<>();
            parse(tokens, next, op.equals("^") ? p : p + 1, right);
            List<String> combined = new ArrayList<>(1 + left.size() + right.size());
            combined.add(op);
            combined.addAll(left);
            combined.addAll(right);
            left = combined;
        }
        out.addAll(left);
    }

    private static List<String> operand(List<String> tokens, int[] next) {
        if (next[0] >= tokens.size()) {
            throw new IllegalArgumentException("infix ends where an operand was expected: " + tokens);
        }
        String token = tokens.get(next[0]++);
        if (token.equals("(")) {
            List<String> inner = new ArrayList<>();
            parse(tokens, next, 0, inner);
            if (next[0] >= tokens.size() || !tokens.get(next[0]).equals(")")) {
                throw new IllegalArgumentException("infix has an unclosed parenthesis: " + tokens);
            }
            next[0]++;
            return inner;
        }
        if (token.equals(")") || precedence(token) > 0) {
            throw new IllegalArgumentException("infix has '" + token + "' where an operand was expected: "
                    + tokens);
        }
        return new ArrayList<>(List.of(token));
    }
}
