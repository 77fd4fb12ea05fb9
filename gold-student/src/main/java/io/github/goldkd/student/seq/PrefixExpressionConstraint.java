package io.github.goldkd.student.seq;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decoding restricted to well-formed prefix (Polish) arithmetic expressions: every token has an arity (2 for
 * a binary operator, 0 for an operand, refused otherwise), and a prefix is complete when it is non-empty and
 * every operator has its operands. The end-of-sequence token is allowed only after a complete expression, and
 * only it is allowed there. A token is refused when, after it, the operands still missing could not fit in the
 * remaining length budget (each needs at least one token), so no hypothesis runs out of length mid-expression.
 *
 * <p>Built per problem: number slots ({@code N0}, {@code N1}, ...) beyond the slots that problem has are
 * refused. Stateless between calls (the open-operand count is recomputed from the prefix, which is short).
 */
final class PrefixExpressionConstraint implements DecodingConstraint {

    /** The binary operators {@link #forVocabulary} recognises. */
    static final List<String> OPERATORS = List.of("+", "-", "*", "/", "^");

    private static final Pattern SLOT = Pattern.compile("N(\\d+)");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private final int[] arity;
    private final int eosToken;
    private final int maxLength;

    /**
     * @param arity     per token id: 2 (binary operator), 0 (operand) or -1 (never allowed); the entry of the
     *                  end-of-sequence token is ignored
     * @param eosToken  the end-of-sequence token id, in [0, arity.length)
     * @param maxLength most expression tokens (end-of-sequence not counted), at least 1; the same as the beam
     *                  search's maxLength
     */
    PrefixExpressionConstraint(int[] arity, int eosToken, int maxLength) {
        if (arity == null || arity.length == 0) {
            throw new IllegalArgumentException("arity must give at least one token's arity");
        }
        if (eosToken < 0 || eosToken >= arity.length) {
            throw new IllegalArgumentException("eosToken must be in [0, " + arity.length + "), was " + eosToken);
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be >= 1, was " + maxLength);
        }
        for (int t = 0; t < arity.length; t++) {
            if (t != eosToken && arity[t] != -1 && arity[t] != 0 && arity[t] != 2) {
                throw new IllegalArgumentException("arity of token " + t + " must be -1, 0 or 2, was " + arity[t]);
            }
        }
        this.arity = arity.clone();
        this.eosToken = eosToken;
        this.maxLength = maxLength;
    }

    /**
     * The constraint for one problem over an output vocabulary: the {@link #OPERATORS} are binary; a slot
     * {@code N<i>} is an operand when i &lt; slotCount and refused otherwise; a numeric literal ({@code 1},
     * {@code 0.5}, {@code 100.0}) is a constant operand; every other token (padding, start, unknown, ...) is
     * refused.
     *
     * @param vocabulary the output vocabulary, indexed by token id
     * @param eosToken   the end-of-sequence token id, in [0, vocabulary size)
     * @param slotCount  the number slots this problem has, at least 0
     * @param maxLength  most expression tokens, at least 1
     */
    static PrefixExpressionConstraint forVocabulary(List<String> vocabulary, int eosToken, int slotCount,
                                                    int maxLength) {
        if (vocabulary == null || vocabulary.isEmpty()) {
            throw new IllegalArgumentException("vocabulary must hold at least one token");
        }
        if (slotCount < 0) {
            throw new IllegalArgumentException("slotCount must be >= 0, was " + slotCount);
        }
        int[] arity = new int[vocabulary.size()];
        for (int t = 0; t < arity.length; t++) {
            arity[t] = arityOf(vocabulary.get(t), slotCount);
        }
        return new PrefixExpressionConstraint(arity, eosToken, maxLength);
    }

    /** 2 for an operator, 0 for an allowed slot or a numeric constant, -1 otherwise. */
    static int arityOf(String token, int slotCount) {
        if (token == null) {
            return -1;
        }
        if (OPERATORS.contains(token)) {
            return 2;
        }
        Matcher slot = SLOT.matcher(token);
        if (slot.matches()) {
            // A slot index too long for an int is certainly beyond the problem's slots.
            return slot.group(1).length() <= 9 && Integer.parseInt(slot.group(1)) < slotCount ? 0 : -1;
        }
        return NUMBER.matcher(token).matches() ? 0 : -1;
    }

    @Override
    public boolean allows(int[] prefix, int token) {
        if (token < 0 || token >= arity.length) {
            return false;
        }
        int missing = missingOperands(prefix);
        if (missing < 0) {
            return false; // the prefix itself is not a prefix of any expression
        }
        if (token == eosToken) {
            return prefix.length > 0 && missing == 0;
        }
        if (missing == 0 && prefix.length > 0) {
            return false; // complete: only the end-of-sequence token may follow
        }
        if (arity[token] < 0) {
            return false;
        }
        int missingAfter = missing - 1 + arity[token];
        int budgetAfter = maxLength - prefix.length - 1;
        return missingAfter <= budgetAfter;
    }

    /**
     * Operands still needed after the prefix (1 for the empty prefix), or -1 if the prefix holds a refused
     * token or continues past a complete expression.
     */
    int missingOperands(int[] prefix) {
        int missing = 1;
        for (int token : prefix) {
            if (missing == 0 || token < 0 || token >= arity.length || token == eosToken || arity[token] < 0) {
                return -1;
            }
            missing += arity[token] - 1;
        }
        return missing;
    }

    /** Whether the tokens (end-of-sequence excluded) form one complete expression within the length budget. */
    boolean isComplete(int[] tokens) {
        return tokens.length > 0 && tokens.length <= maxLength && missingOperands(tokens) == 0;
    }

    @Override
    public String toString() {
        return "PrefixExpressionConstraint(arity=" + Arrays.toString(arity) + ", eos=" + eosToken + ", maxLength="
                + maxLength + ")";
    }
}
