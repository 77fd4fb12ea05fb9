package io.github.goldkd.llm;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limits on what a generator may spend: requests, tokens (prompt + completion) and, with a price table,
 * cost. Answers served from the request cache cost nothing and count against no limit.
 *
 * <p>Limits are checked before each request: {@code maxRequests} is exact; requests already in flight when
 * the token or cost limit is crossed still complete (their answers are kept in the cache), so those totals
 * can overshoot by at most one round of parallel requests.
 */
public final class Budget {

    private static final Budget UNLIMITED = new Budget(0, 0, 0, PriceTable.empty());

    private final long maxRequests;
    private final long maxTokens;
    private final double maxCost;
    private final PriceTable prices;

    private Budget(long maxRequests, long maxTokens, double maxCost, PriceTable prices) {
        this.maxRequests = maxRequests;
        this.maxTokens = maxTokens;
        this.maxCost = maxCost;
        this.prices = prices;
    }

    /** No limits. */
    public static Budget unlimited() {
        return UNLIMITED;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The request limit, 0 for none. */
    public long maxRequests() {
        return maxRequests;
    }

    /** The token limit, 0 for none. */
    public long maxTokens() {
        return maxTokens;
    }

    /** The cost limit, 0 for none. */
    public double maxCost() {
        return maxCost;
    }

    /** The prices for cost accounting (also used to report cost when there is no cost limit). */
    public PriceTable prices() {
        return prices;
    }

    /** The limits for provenance. */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("maxRequests", maxRequests);
        d.put("maxTokens", maxTokens);
        d.put("maxCost", maxCost);
        return d;
    }

    @Override
    public String toString() {
        return "Budget" + describe();
    }

    /** Builds a {@link Budget}; every limit defaults to none. */
    public static final class Builder {
        private long maxRequests;
        private long maxTokens;
        private double maxCost;
        private PriceTable prices = PriceTable.empty();

        private Builder() {
        }

        /** At most this many requests (cache hits excluded); 0 for no limit. */
        public Builder maxRequests(long n) {
            this.maxRequests = n;
            return this;
        }

        /** At most this many prompt + completion tokens; 0 for no limit. */
        public Builder maxTokens(long n) {
            this.maxTokens = n;
            return this;
        }

        /** At most this cost, priced with {@link #prices}; 0 for no limit. */
        public Builder maxCost(double cost) {
            this.maxCost = cost;
            return this;
        }

        /** Prices per model. */
        public Builder prices(PriceTable prices) {
            this.prices = prices;
            return this;
        }

        public Budget build() {
            if (maxRequests < 0) {
                throw new IllegalArgumentException("maxRequests must be >= 0 (0 = no limit), was " + maxRequests);
            }
            if (maxTokens < 0) {
                throw new IllegalArgumentException("maxTokens must be >= 0 (0 = no limit), was " + maxTokens);
            }
            if (!(maxCost >= 0) || Double.isInfinite(maxCost)) {
                throw new IllegalArgumentException("maxCost must be finite and >= 0 (0 = no limit), was " + maxCost);
            }
            if (prices == null) {
                throw new IllegalArgumentException("prices must not be null");
            }
            return new Budget(maxRequests, maxTokens, maxCost, prices);
        }
    }
}
