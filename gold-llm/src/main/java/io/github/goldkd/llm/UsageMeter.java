package io.github.goldkd.llm;

import io.github.goldkd.core.BudgetExhaustedException;

import java.util.Locale;

/** Counts what a generator spends and enforces its {@link Budget}. Thread-safe. */
final class UsageMeter {

    private final Budget budget;
    private final PriceTable.Price price;
    private long requests;
    private long cacheHits;
    private long promptTokens;
    private long completionTokens;
    private double cost;

    UsageMeter(Budget budget, String model) {
        this.budget = budget;
        this.price = budget.prices().price(model).orElse(null);
        if (budget.maxCost() > 0 && price == null) {
            throw new IllegalArgumentException("budget maxCost=" + budget.maxCost()
                    + " needs a price for model '" + model + "', the price table has " + budget.prices());
        }
    }

    /**
     * Counts one request about to be sent, or throws when a limit is reached.
     *
     * @throws BudgetExhaustedException naming the limit that was hit
     */
    synchronized void reserveRequest() {
        if (budget.maxRequests() > 0 && requests >= budget.maxRequests()) {
            throw new BudgetExhaustedException("budget: maxRequests=" + budget.maxRequests() + " reached ("
                    + requests + " requests made)");
        }
        long tokens = promptTokens + completionTokens;
        if (budget.maxTokens() > 0 && tokens >= budget.maxTokens()) {
            throw new BudgetExhaustedException("budget: maxTokens=" + budget.maxTokens() + " reached ("
                    + tokens + " tokens used in " + requests + " requests)");
        }
        if (budget.maxCost() > 0 && cost >= budget.maxCost()) {
            throw new BudgetExhaustedException(String.format(Locale.ROOT,
                    "budget: maxCost=%s reached (%.4f spent in %d requests)", budget.maxCost(), cost, requests));
        }
        requests++;
    }

    synchronized void record(TokenUsage usage) {
        promptTokens += usage.promptTokens();
        completionTokens += usage.completionTokens();
        if (price != null) {
            cost += price.cost(usage);
        }
    }

    synchronized void cacheHit() {
        cacheHits++;
    }

    synchronized Usage snapshot() {
        return new Usage(requests, cacheHits, promptTokens, completionTokens, cost);
    }
}
