package io.github.goldkd.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/** An immutable, ordered list of samples with the few operations a distillation run needs. */
public final class Dataset implements Iterable<Sample> {

    private static final Dataset EMPTY = new Dataset(List.of());

    private final List<Sample> samples;

    private Dataset(List<Sample> samples) {
        this.samples = samples;
    }

    public static Dataset of(List<Sample> samples) {
        return samples.isEmpty() ? EMPTY : new Dataset(List.copyOf(samples));
    }

    public static Dataset empty() {
        return EMPTY;
    }

    public List<Sample> samples() {
        return samples;
    }

    public int size() {
        return samples.size();
    }

    public boolean isEmpty() {
        return samples.isEmpty();
    }

    public Sample get(int i) {
        return samples.get(i);
    }

    @Override
    public Iterator<Sample> iterator() {
        return samples.iterator();
    }

    /** This dataset followed by {@code other}. */
    public Dataset concat(Dataset other) {
        List<Sample> all = new ArrayList<>(samples.size() + other.size());
        all.addAll(samples);
        all.addAll(other.samples);
        return of(all);
    }

    /** The samples that pass {@code keep}, in order. */
    public Dataset filter(Predicate<Sample> keep) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (keep.test(s)) {
                out.add(s);
            }
        }
        return of(out);
    }

    /** A permutation of this dataset that depends only on the samples and the seed. */
    public Dataset shuffle(long seed) {
        List<Sample> copy = new ArrayList<>(samples);
        Collections.shuffle(copy, new Random(seed));
        return of(copy);
    }

    /**
     * Shuffles with {@code seed} and cuts into two parts, the first holding {@code round(fraction * size)}
     * samples.
     *
     * @param fraction share of the first part, in [0, 1]
     */
    public Split split(double fraction, long seed) {
        Check.inRange("split fraction", fraction, 0.0, 1.0);
        List<Sample> shuffled = shuffle(seed).samples;
        int cut = (int) Math.round(fraction * shuffled.size());
        return new Split(of(shuffled.subList(0, cut)), of(shuffled.subList(cut, shuffled.size())));
    }

    /** The samples of each label, labels in order of first appearance; unlabelled samples under {@code null}. */
    public Map<String, Dataset> groupByLabel() {
        Map<String, List<Sample>> groups = new LinkedHashMap<>();
        for (Sample s : samples) {
            groups.computeIfAbsent(s.label(), k -> new ArrayList<>()).add(s);
        }
        Map<String, Dataset> out = new LinkedHashMap<>();
        groups.forEach((k, v) -> out.put(k, of(v)));
        return Collections.unmodifiableMap(out);
    }

    /** The first {@code n} samples (all of them if there are fewer). */
    public Dataset head(int n) {
        Check.atLeast("head count", n, 0);
        return n >= samples.size() ? this : of(samples.subList(0, n));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dataset d && d.samples.equals(samples);
    }

    @Override
    public int hashCode() {
        return samples.hashCode();
    }

    @Override
    public String toString() {
        return "Dataset[" + samples.size() + " samples]";
    }

    /** The two parts of {@link #split}. */
    public record Split(Dataset first, Dataset second) {
    }
}
