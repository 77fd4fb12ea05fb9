package io.github.goldkd.core;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Derives every random seed of a run from one master seed.
 *
 * <p>Seeds are derived from (master, purpose, indices) rather than drawn from one sequential generator,
 * so that a round's randomness does not depend on how many random numbers earlier rounds drew: a
 * resumed run sees exactly the seeds of an uninterrupted one.
 */
public final class Seeds {

    private Seeds() {
    }

    /** A seed for {@code purpose} (e.g. "train-request") and indices (e.g. the round). */
    public static long derive(long master, String purpose, long... indices) {
        long h = mix(master ^ 0x9E3779B97F4A7C15L);
        for (byte b : purpose.getBytes(StandardCharsets.UTF_8)) {
            h = mix(h ^ (b & 0xFF));
        }
        for (long i : indices) {
            h = mix(h ^ i);
        }
        return h;
    }

    /** SplitMix64's finaliser: a bijective, well-spread 64-bit mix. */
    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * 0, 1, ..., n - 1 in the order of a Fisher-Yates shuffle drawn from {@code seed} alone (no shared random
     * state), e.g. a student's batch order for {@code derive(seed, "shuffle", epoch)}.
     */
    public static int[] permutation(int n, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, was " + n);
        }
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
