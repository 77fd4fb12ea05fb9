package io.github.goldkd.ood;

import io.github.goldkd.core.RankBandSelector;
import io.github.goldkd.core.SelectionContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rank band computed within each teacher label: the probe samples of one label are ranked among
 * themselves and ranks {@code floor(lo * m) <= k < floor(hi * m)} of its {@code m} samples are kept, so
 * one class whose scores run high cannot fill the whole feedback. Samples without a label (sequence
 * tasks) form one group, where the rule is the plain band. A label with too few samples for its band to
 * hold a rank (m = 1 under [0.5, 0.8)) contributes nothing, as the band rule says.
 *
 * <p>The chosen indices come back in the package's rank order (ascending score, ties by batch index).
 * Without a context (scores only) there are no labels, and the rule is the plain band.
 */
record PerClassBandSelector(RankBandSelector band) implements BandRefinement {

    PerClassBandSelector {
        BandRefinement.required(band);
    }

    @Override
    public int[] select(SelectionContext context) {
        double[] scores = context.scores();
        int[] order = Ranking.ascending(scores, "probe sample");
        Map<String, List<Integer>> byLabel = new LinkedHashMap<>();
        for (int i : order) {
            String label = context.probe().get(i).label();
            byLabel.computeIfAbsent(label == null ? "" : label, k -> new ArrayList<>()).add(i);
        }
        boolean[] chosen = new boolean[scores.length];
        for (List<Integer> group : byLabel.values()) {
            int[] range = band.rankRange(group.size());
            for (int k = range[0]; k < range[1]; k++) {
                chosen[group.get(k)] = true;
            }
        }
        return Arrays.stream(order).filter(i -> chosen[i]).toArray();
    }

    @Override
    public String name() {
        return "per-class " + band.name();
    }
}
