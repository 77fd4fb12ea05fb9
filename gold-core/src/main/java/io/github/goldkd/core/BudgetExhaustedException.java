package io.github.goldkd.core;

/**
 * Thrown by a generator when a budget (requests, tokens, cost) is spent. The loop stops cleanly: all
 * data generated so far stays in the run store and the message says which limit was hit.
 */
public class BudgetExhaustedException extends GoldException {

    public BudgetExhaustedException(String message) {
        super(message);
    }
}
