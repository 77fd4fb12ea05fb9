package io.github.goldkd.ood;

import io.github.goldkd.core.FeedbackSelector;
import io.github.goldkd.core.RankBandSelector;

import java.util.Arrays;
import java.util.Objects;
import java.util.Random;

/**
 * Soft selection: as many samples as the band keeps, drawn at random without replacement with a weight
 * that rises with the score's rank, {@code w = exp((q - 1) / temperature)} where {@code q = rank / (n - 1)}
 * is the rank quantile (0 the most familiar, 1 the least). A small temperature approaches the top of the
 * batch, a large one uniform random feedback; at 0.25 the least familiar sample is e^4 ≈ 55 times as likely
 * as the most familiar. Ranks rather than raw scores make the temperature mean the same whatever the
 * scores' scale, which differs between students by an order of magnitude.
 *
 * <p>The draw is Efraimidis-Spirakis weighted sampling (key {@code ln(u) / w}, the largest keys win), from
 * {@link Random} seeded with a SplitMix64 mix of the seed, one uniform per sample in batch order: the same
 * seed and scores give the same choice on every JVM. The chosen indices come back in rank order.
 */
record SoftRankSelector(RankBandSelector sizeOf, double temperature) implements FeedbackSelector {

    SoftRankSelector {
        Objects.requireNonNull(sizeOf, "sizeOf");
        if (!(temperature > 0 && Double.isFinite(temperature))) {
            throw new IllegalArgumentException("soft selection temperature must be a finite number > 0, was "
                    + temperature);
        }
    }

    @Override
    public int[] select(double[] scores, long seed) {
        int[] order = Ranking.ascending(scores, "probe sample");
        int n = order.length;
        int[] range = sizeOf.rankRange(n);
        int count = range[1] - range[0];
        double[] keys = new double[n];
        Random random = new Random(mix(seed));
        for (int i = 0; i < n; i++) {
            keys[i] = Math.log(1.0 - random.nextDouble()); // ln(u) with u in (0, 1]
        }
        Integer[] byKey = new Integer[n];
        for (int r = 0; r < n; r++) {
            int i = order[r];
            double q = n == 1 ? 1.0 : (double) r / (n - 1);
            keys[i] = keys[i] / Math.exp((q - 1.0) / temperature);
            byKey[r] = i;
        }
        Arrays.sort(byKey, (a, b) -> Double.compare(keys[b], keys[a]));
        boolean[] chosen = new boolean[n];
        for (int k = 0; k < count; k++) {
            chosen[byKey[k]] = true;
        }
        return Arrays.stream(order).filter(i -> chosen[i]).toArray();
    }

    /** SplitMix64's finaliser, as in the random control: consecutive seeds give unrelated draws. */
    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String name() {
        return "soft[temperature " + temperature + ", size of " + sizeOf.name() + "]";
    }
}
