package io.github.goldkd.llm;

/**
 * What a generator has spent so far.
 *
 * @param requests         model calls made (cache hits excluded), failed ones included
 * @param cacheHits        answers served from the request cache
 * @param promptTokens     prompt tokens billed
 * @param completionTokens completion tokens billed
 * @param cost             cost by the budget's price table; 0 when the model has no price
 */
public record Usage(long requests, long cacheHits, long promptTokens, long completionTokens, double cost) {

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
