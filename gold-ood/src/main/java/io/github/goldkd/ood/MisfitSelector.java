package io.github.goldkd.ood;

import io.github.goldkd.core.Logits;
import io.github.goldkd.core.RankBandSelector;
import io.github.goldkd.core.SelectionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Error-driven feedback without real labels: the probe samples the student gets wrong against the
 * teacher's own label (or target), as LLM2LLM and S3 do with a teacher's answers.
 *
 * <ul>
 *   <li>Classifier logits: a misfit is a sample whose student argmax differs from the teacher's label (the
 *       logits' target, else the label's index in the task).</li>
 *   <li>Sequence logits: a misfit is a sample whose teacher-forced token accuracy (argmax = target over the
 *       real positions) is below 1.</li>
 * </ul>
 * A sample without a known label or target cannot disagree and is never a misfit.
 *
 * <p>At most as many samples as the band keeps are chosen, so the prompt holds as much feedback as under
 * the reference rule. Among the misfits the nearest misses go first: the highest student probability of
 * the teacher's label (classifiers) or the highest token accuracy (sequences), ties by the package's rank
 * order. The confidently wrong come last on purpose: with a teacher that mislabels some samples they are
 * the likeliest to be the teacher's error rather than the student's. The chosen indices come back in rank
 * order. Without a context (scores only) nothing can be compared, and the rule is the plain band.
 */
record MisfitSelector(RankBandSelector band) implements BandRefinement {

    MisfitSelector {
        BandRefinement.required(band);
    }

    @Override
    public int[] select(SelectionContext context) {
        int[] order = Ranking.ascending(context.scores(), "probe sample");
        int[] range = band.rankRange(order.length);
        int count = range[1] - range[0];
        int[] rankOf = new int[order.length];
        for (int r = 0; r < order.length; r++) {
            rankOf[order[r]] = r;
        }
        List<double[]> misfits = new ArrayList<>(); // {closeness to right, index}
        for (int i = 0; i < order.length; i++) {
            double closeness = closeness(context, i);
            if (!Double.isNaN(closeness)) {
                misfits.add(new double[] {closeness, i});
            }
        }
        misfits.sort((a, b) -> a[0] != b[0] ? Double.compare(b[0], a[0])
                : Integer.compare(rankOf[(int) a[1]], rankOf[(int) b[1]]));
        boolean[] chosen = new boolean[order.length];
        for (int k = 0; k < Math.min(count, misfits.size()); k++) {
            chosen[(int) misfits.get(k)[1]] = true;
        }
        List<Integer> out = new ArrayList<>();
        for (int i : order) {
            if (chosen[i]) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * How near sample {@code i} is to being right when the student gets it wrong: the probability of the
     * teacher's label, or the token accuracy; NaN when it is right or has nothing to be compared with.
     */
    private static double closeness(SelectionContext context, int i) {
        Logits z = context.logits().get(i);
        if (z.isSequence()) {
            int real = 0;
            int right = 0;
            for (int t = 0; t < z.positions(); t++) {
                if (z.isReal(t) && z.hasTargets() && z.target(t) >= 0) {
                    real++;
                    right += z.argmax(t) == z.target(t) ? 1 : 0;
                }
            }
            return real == 0 || right == real ? Double.NaN : (double) right / real;
        }
        int target = z.hasTargets() ? z.target(0) : -1;
        String label = context.probe().get(i).label();
        if (target < 0 && label != null) {
            target = context.task().labelIndex(label);
        }
        if (target < 0 || target >= z.width() || z.argmax(0) == target) {
            return Double.NaN;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < z.width(); k++) {
            max = Math.max(max, z.get(0, k));
        }
        double sum = 0;
        for (int k = 0; k < z.width(); k++) {
            sum += Math.exp(z.get(0, k) - max);
        }
        return Math.exp(z.get(0, target) - max) / sum;
    }

    @Override
    public String name() {
        return "misfit[at most the count of " + band.name() + "]";
    }
}
