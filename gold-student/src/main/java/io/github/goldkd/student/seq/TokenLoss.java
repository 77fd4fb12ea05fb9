package io.github.goldkd.student.seq;

import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.CrossEntropyLoss;
import io.github.goldkd.core.Loss;
import io.github.goldkd.core.SymmetricCrossEntropyLoss;
import io.github.goldkd.core.TrainingOptions;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * gold-core's two losses (CE and SCE) written into a sequence student's graph over its logits [B, T, W] (T
 * positions per sample, each a softmax over W), so that a training step is one forward and backward pass of the
 * graph; the generic path instead computes the logits, then {@link Loss#gradient} on the host, then
 * backpropagates the surrogate {@code sum(logits * G)} in a second pass. Shared by the seq2seq and span students.
 *
 * <p>Per position, with {@code p = softmax(logits)} and {@code ce = -log p_y}: {@code CE_WEIGHT * (ce - relu(ce -
 * CE_CAP)) + BOUNDED_WEIGHT * (1 - p_y)}; with the weights {@link #placeholders} writes that is the per-sample mean
 * over its positions of the loss's value, averaged over the batch, which is what {@link Loss#value} of a sequence's
 * logits gives (SCE's RCE term is {@code -log(labelClamp) (1 - p_y)}, its CE term capped at {@code -log 1e-7}).
 * On the generic path every weight is fed zeros and the term vanishes.
 */
final class TokenLoss {

    /** One-hot targets [B, T, W] (zero rows on padding). */
    static final String TARGET = "lossTarget";
    /** Per-position weight of the CE term [B, T]: alpha / (real positions * B) on real positions, else 0. */
    static final String CE_WEIGHT = "lossCeWeight";
    /** Per-position weight of the bounded term 1 - p_y [B, T]: beta * -log(labelClamp) / (real * B), or 0. */
    static final String BOUNDED_WEIGHT = "lossBoundedWeight";
    /** Per-position cap of the CE term [B, T] (SCE: -log 1e-7; CE: no cap in effect). */
    static final String CE_CAP = "lossCeCap";
    /** The in-graph loss: the sum over positions of weight * loss. */
    static final String TOKEN_LOSS = "tokenLoss";
    /** What training differentiates: the surrogate plus the in-graph loss (each fed zeros when unused). */
    static final String TRAIN_LOSS = "trainLoss";

    private TokenLoss() {
    }

    /**
     * Adds the in-graph loss over {@code logits} [B, T, W] and {@link #TRAIN_LOSS} = {@code surrogate} + that loss
     * to a graph that lacks them (a new one, or one saved before they existed), and makes {@link #TRAIN_LOSS} the
     * graph's loss.
     */
    static void add(SameDiff sd, SDVariable logits, SDVariable surrogate) {
        if (!sd.hasVariable(TRAIN_LOSS)) {
            SDVariable target = sd.placeHolder(TARGET, DataType.FLOAT, -1, -1, -1);
            SDVariable ceWeight = sd.placeHolder(CE_WEIGHT, DataType.FLOAT, -1, -1);
            SDVariable boundedWeight = sd.placeHolder(BOUNDED_WEIGHT, DataType.FLOAT, -1, -1);
            SDVariable cap = sd.placeHolder(CE_CAP, DataType.FLOAT, -1, -1);
            // log-softmax written out: M2.1's LogSoftMax op with an axis cannot be copied into the gradient
            // function ("Error setting property"); the shift by the row maximum keeps exp finite, and its own
            // gradient cancels (1 - sum p = 0)
            SDVariable shifted = logits.sub(sd.max(logits, true, 2));
            SDVariable logSumExp = sd.math.log(sd.sum(sd.math.exp(shifted), true, 2));
            SDVariable logPy = sd.sum(shifted.sub(logSumExp).mul(target), 2);
            SDVariable ce = logPy.neg();
            SDVariable capped = ce.sub(sd.nn.relu(ce.sub(cap), 0));
            SDVariable bounded = sd.math.exp(logPy).rsub(1.0);
            SDVariable tokenLoss = sd.sum(TOKEN_LOSS, capped.mul(ceWeight).add(bounded.mul(boundedWeight)));
            surrogate.add(TRAIN_LOSS, tokenLoss);
        }
        sd.setLossVariables(TRAIN_LOSS);
    }

    /**
     * Whether a training step can compute its loss in the graph: the batch filter keeps everything (so no logits
     * are needed before the step) and the loss is CE or SCE. Any other loss or filter takes the generic path.
     */
    static boolean applies(TrainingOptions options) {
        Loss loss = options.loss();
        return options.batchFilter() == BatchFilter.NONE
                && (loss instanceof CrossEntropyLoss || loss instanceof SymmetricCrossEntropyLoss);
    }

    /**
     * The loss's placeholders for a batch whose sample {@code i} has the target indices {@code targets.get(i)}
     * (into W, one per real position; positions past its length are padding), T positions and W classes.
     *
     * @throws IllegalArgumentException for a loss other than CE and SCE
     */
    static Map<String, INDArray> placeholders(Loss loss, List<int[]> targets, int t, int w) {
        double ceScale;
        double boundedScale;
        float cap;
        if (loss instanceof SymmetricCrossEntropyLoss sce) {
            ceScale = sce.alpha();
            boundedScale = sce.beta() * -Math.log(sce.labelClamp());
            cap = (float) -Math.log(SymmetricCrossEntropyLoss.PROBABILITY_CLAMP);
        } else if (loss instanceof CrossEntropyLoss) {
            ceScale = 1;
            boundedScale = 0;
            cap = Float.MAX_VALUE; // ce - cap never reaches 0: no cap
        } else {
            throw new IllegalArgumentException("the in-graph loss is CE or SCE, not " + loss.name());
        }
        int b = targets.size();
        float[] target = new float[b * t * w];
        float[] ceWeight = new float[b * t];
        float[] boundedWeight = new float[b * t];
        float[] caps = new float[b * t];
        Arrays.fill(caps, cap);
        for (int i = 0; i < b; i++) {
            int[] tgt = targets.get(i);
            double share = 1.0 / ((double) tgt.length * b);
            for (int p = 0; p < tgt.length; p++) {
                target[(i * t + p) * w + tgt[p]] = 1f;
                ceWeight[i * t + p] = (float) (ceScale * share);
                boundedWeight[i * t + p] = (float) (boundedScale * share);
            }
        }
        Map<String, INDArray> ph = new LinkedHashMap<>();
        ph.put(TARGET, Nd4j.create(target, new long[] {b, t, w}, DataType.FLOAT));
        ph.put(CE_WEIGHT, Nd4j.create(ceWeight, new long[] {b, t}, DataType.FLOAT));
        ph.put(BOUNDED_WEIGHT, Nd4j.create(boundedWeight, new long[] {b, t}, DataType.FLOAT));
        ph.put(CE_CAP, Nd4j.create(caps, new long[] {b, t}, DataType.FLOAT));
        return ph;
    }

    /** The placeholders of the generic path: every weight zero, so the in-graph term is 0 and has no gradient. */
    static Map<String, INDArray> unused(int b, int t, int w) {
        Map<String, INDArray> ph = new LinkedHashMap<>();
        ph.put(TARGET, Nd4j.zeros(DataType.FLOAT, b, t, w));
        for (String weight : List.of(CE_WEIGHT, BOUNDED_WEIGHT, CE_CAP)) {
            ph.put(weight, Nd4j.zeros(DataType.FLOAT, b, t));
        }
        return ph;
    }
}
