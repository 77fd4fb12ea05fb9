package io.github.goldkd.ood;

import io.github.goldkd.core.RankBandSelector;
import io.github.goldkd.core.SelectionContext;

import java.util.Arrays;
import java.util.List;

/**
 * Diversity inside the unfamiliar part of the batch: as many samples as the band keeps, chosen among all
 * ranks from the band's lower bound up ({@code k >= floor(lo * n)}, the unfamiliar half for the reference)
 * by farthest-point (k-center) selection in TF-IDF space rather than by rank. The first pick is the band's
 * first rank, the sample the reference rule would also take; each next one is the candidate farthest
 * (1 - cosine) from everything picked so far, ties by rank. So two near-identical unfamiliar probes do not
 * both take a place in the prompt, which with a band of rank neighbours they often do.
 *
 * <p>TF-IDF is fitted on the probe batch itself: no encoder, no state between rounds, deterministic. The
 * chosen indices come back in rank order. Without a context (no texts) the rule is the plain band.
 */
record DiverseBandSelector(RankBandSelector band) implements BandRefinement {

    DiverseBandSelector {
        BandRefinement.required(band);
    }

    @Override
    public int[] select(SelectionContext context) {
        double[] scores = context.scores();
        int[] order = Ranking.ascending(scores, "probe sample");
        int[] range = band.rankRange(order.length);
        int count = range[1] - range[0];
        int[] candidates = Arrays.copyOfRange(order, range[0], order.length);
        if (count == 0) {
            return new int[0];
        }
        List<String> texts = Arrays.stream(candidates).mapToObj(i -> context.probe().get(i).text()).toList();
        TfIdf space = new TfIdf(texts);
        boolean[] picked = new boolean[candidates.length];
        double[] nearest = new double[candidates.length];
        Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        int next = 0;
        for (int p = 0; p < count; p++) {
            picked[next] = true;
            int farthest = -1;
            for (int c = 0; c < candidates.length; c++) {
                if (picked[c]) {
                    continue;
                }
                nearest[c] = Math.min(nearest[c], space.distance(c, next));
                if (farthest < 0 || nearest[c] > nearest[farthest]) {
                    farthest = c;
                }
            }
            next = farthest;
        }
        int[] out = new int[count];
        int k = 0;
        for (int c = 0; c < candidates.length; c++) {
            if (picked[c]) {
                out[k++] = candidates[c];
            }
        }
        return out;
    }

    @Override
    public String name() {
        return "diverse " + band.name();
    }
}
