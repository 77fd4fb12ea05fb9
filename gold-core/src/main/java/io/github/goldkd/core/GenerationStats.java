package io.github.goldkd.core;

import java.util.Map;
import java.util.TreeMap;

/**
 * What producing a batch cost and what was thrown away. Generators that make no requests (a simulation)
 * report zeros.
 *
 * @param requests         model calls made (cache hits excluded)
 * @param cacheHits        answers served from the request cache
 * @param promptTokens     prompt tokens billed
 * @param completionTokens completion tokens billed
 * @param rejects          rejected candidate samples by reason (parse error, duplicate, too long, ...)
 */
public record GenerationStats(int requests, int cacheHits, long promptTokens, long completionTokens,
                              Map<String, Integer> rejects) {

    public static final GenerationStats NONE = new GenerationStats(0, 0, 0, 0, Map.of());

    public GenerationStats {
        rejects = Map.copyOf(rejects == null ? Map.of() : rejects);
    }

    /** Total rejected candidates over all reasons. */
    public int rejected() {
        int n = 0;
        for (int v : rejects.values()) {
            n += v;
        }
        return n;
    }

    /** The sum of two stats (rejects are added per reason). */
    public GenerationStats plus(GenerationStats o) {
        Map<String, Integer> r = new TreeMap<>(rejects);
        o.rejects.forEach((k, v) -> r.merge(k, v, Integer::sum));
        return new GenerationStats(requests + o.requests, cacheHits + o.cacheHits, promptTokens + o.promptTokens,
                completionTokens + o.completionTokens, r);
    }
}
