package io.github.goldkd.ood;

import java.util.Arrays;

/**
 * A fixed-bin histogram of scores over {@code [lo, hi]}: {@code bins} bins of equal width, bin {@code i}
 * covering {@code [edges[i], edges[i + 1])} and the last bin also its upper edge. Scores outside the range
 * are counted in {@code below} and {@code above}, never dropped silently. Built by
 * {@link ScoreStatistics#histogram}.
 *
 * @param edges  the {@code bins + 1} bin edges, ascending, from lo to hi
 * @param counts the number of scores in each bin
 * @param below  scores smaller than lo
 * @param above  scores greater than hi
 */
public record Histogram(double[] edges, long[] counts, long below, long above) {

    public Histogram {
        if (edges == null || counts == null || edges.length != counts.length + 1 || counts.length == 0) {
            throw new IllegalArgumentException("a histogram needs at least one bin and one more edge than bins");
        }
        if (below < 0 || above < 0) {
            throw new IllegalArgumentException("outside counts must be >= 0, were " + below + " and " + above);
        }
        edges = edges.clone();
        counts = counts.clone();
    }

    /** The bin edges (a copy). */
    @Override
    public double[] edges() {
        return edges.clone();
    }

    /** The count of each bin (a copy). */
    @Override
    public long[] counts() {
        return counts.clone();
    }

    /** Number of bins. */
    public int bins() {
        return counts.length;
    }

    /** The lower end of the range. */
    public double lo() {
        return edges[0];
    }

    /** The upper end of the range. */
    public double hi() {
        return edges[edges.length - 1];
    }

    /** Number of scores inside the range. */
    public long inRange() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Histogram h && Arrays.equals(edges, h.edges) && Arrays.equals(counts, h.counts)
                && below == h.below && above == h.above;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(edges) + Arrays.hashCode(counts)) + Long.hashCode(below * 31 + above);
    }

    @Override
    public String toString() {
        return "Histogram[edges=" + Arrays.toString(edges) + ", counts=" + Arrays.toString(counts)
                + ", below=" + below + ", above=" + above + "]";
    }
}
