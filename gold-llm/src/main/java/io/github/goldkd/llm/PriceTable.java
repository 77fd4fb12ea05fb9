package io.github.goldkd.llm;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Prices per million tokens, by model name, for the cost limit of a {@link Budget}. A model is looked up
 * by its exact name, then by the longest configured name it starts with (so {@code gpt-4o-mini} prices
 * {@code gpt-4o-mini-2024-07-18}). The currency is whatever the user writes the prices in.
 */
public final class PriceTable {

    /**
     * A model's prices.
     *
     * @param promptPerMillion     price of one million prompt tokens, >= 0
     * @param completionPerMillion price of one million completion tokens, >= 0
     */
    public record Price(double promptPerMillion, double completionPerMillion) {
        public Price {
            if (!(promptPerMillion >= 0) || !(completionPerMillion >= 0) || Double.isInfinite(promptPerMillion)
                    || Double.isInfinite(completionPerMillion)) {
                throw new IllegalArgumentException("prices must be finite and >= 0, were " + promptPerMillion
                        + " and " + completionPerMillion);
            }
        }

        /** The cost of {@code usage} at this price. */
        public double cost(TokenUsage usage) {
            return (usage.promptTokens() * promptPerMillion + usage.completionTokens() * completionPerMillion) / 1e6;
        }
    }

    private final Map<String, Price> prices;

    private PriceTable(Map<String, Price> prices) {
        this.prices = Collections.unmodifiableMap(new TreeMap<>(prices));
    }

    /** A table of the given prices. */
    public static PriceTable of(Map<String, Price> prices) {
        return new PriceTable(prices);
    }

    /** An empty table. */
    public static PriceTable empty() {
        return new PriceTable(Map.of());
    }

    /** This table with one more price. */
    public PriceTable with(String model, double promptPerMillion, double completionPerMillion) {
        Map<String, Price> m = new TreeMap<>(prices);
        m.put(model, new Price(promptPerMillion, completionPerMillion));
        return new PriceTable(m);
    }

    /** The price of {@code model}: exact name first, then the longest prefix. */
    public Optional<Price> price(String model) {
        Price p = prices.get(model);
        if (p != null) {
            return Optional.of(p);
        }
        String best = null;
        for (String k : prices.keySet()) {
            if (model.startsWith(k) && (best == null || k.length() > best.length())) {
                best = k;
            }
        }
        return Optional.ofNullable(best == null ? null : prices.get(best));
    }

    @Override
    public String toString() {
        return "PriceTable" + prices;
    }
}
