package io.github.goldkd.ood;

import io.github.goldkd.core.FeedbackSelector;

import java.util.Arrays;
import java.util.Objects;
import java.util.Random;

/**
 * The control of every feedback ablation: as many samples as {@code sizeOf} would choose, drawn uniformly
 * at random without looking at the scores. A partial Fisher-Yates shuffle with {@link java.util.Random}
 * (whose sequence the Java specification fixes), seeded with a SplitMix64 mix of the seed, makes the
 * draw a uniform subset and the same for the same seed on every JVM. Indices are returned ascending,
 * so their order carries no information either.
 */
record RandomSelector(FeedbackSelector sizeOf) implements FeedbackSelector {

    RandomSelector {
        Objects.requireNonNull(sizeOf, "sizeOf");
    }

    @Override
    public int[] select(double[] scores, long seed) {
        int n = scores.length;
        int count = sizeOf.select(scores, seed).length;
        int[] pool = new int[n];
        for (int i = 0; i < n; i++) {
            pool[i] = i;
        }
        // Scrambled first: java.util.Random's first draws are correlated across consecutive seeds.
        Random random = new Random(mix(seed));
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(n - i);
            int tmp = pool[i];
            pool[i] = pool[j];
            pool[j] = tmp;
        }
        int[] out = Arrays.copyOf(pool, count);
        Arrays.sort(out);
        return out;
    }

    /** SplitMix64's finaliser: a bijective, well-spread 64-bit mix. */
    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String name() {
        return "random[size of " + sizeOf.name() + "]";
    }

    @Override
    public String toString() {
        return name();
    }
}
