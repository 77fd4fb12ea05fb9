package io.github.goldkd.student.seq;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The trainable block over frozen token states that the span QA student introduced and the pair cross-reading
 * student reuses: a pointwise projection to d, one multi-head self-attention layer with a residual, and a
 * pointwise feed-forward layer with a residual (the shapes are in {@link SpanQaConfig}). Kept in one place so
 * that both students read tokens the same way and a fix reaches both. The variable names and the order in which
 * weights are drawn from {@code rng} are part of the saved graphs' format: the students rebuild their graph on
 * load and take a file's weights by name, so files written by earlier forms of the block (the convolution form up
 * to session 10) load and give the same logits, and a seed gives the same weights as before.
 */
final class AttentionBlock {

    private AttentionBlock() {
    }

    /** The placeholders of {@link #rows}: token rows [B*T, features], {@code [B, T, heads, d / heads]}, key bias. */
    static final String X = "x";
    static final String HEAD_SHAPE = "headShape";
    static final String KEY_BIAS = "keyBias";

    /** Declares {@link #X}, {@link #HEAD_SHAPE} and {@link #KEY_BIAS} in {@code sd}, in that order. */
    static SDVariable[] rowPlaceholders(SameDiff sd, int features) {
        return new SDVariable[] {sd.placeHolder(X, DataType.FLOAT, -1, features),
                sd.placeHolder(HEAD_SHAPE, DataType.LONG, 4),
                sd.placeHolder(KEY_BIAS, DataType.FLOAT, -1, 1, 1, -1)};
    }

    /** {@code [B, T, last]} as a LONG vector, for reshaping rows [B*T, last] back into their batch. */
    static SDVariable batchShape(SameDiff sd, SDVariable headShape, long last) {
        return sd.concat(0, sd.slice(headShape, new int[] {0}, 2), sd.constant(Nd4j.createFromArray(last)));
    }

    /** The longest sequence of a batch, at least 1: its T. */
    static int longest(List<BgeTokenStates.Encoded> batch) {
        int len = 1;
        for (BgeTokenStates.Encoded e : batch) {
            len = Math.max(len, e.length());
        }
        return len;
    }

    /**
     * The values of the {@link #rowPlaceholders} for a batch: per sequence, each token's frozen state followed by
     * its extra features ({@code extras.get(i)} feature-major, {@code [features - 384][length]}), padding rows zero
     * and masked as attention keys; T the longest sequence.
     */
    static Map<String, INDArray> rowInputs(List<BgeTokenStates.Encoded> batch, List<float[]> extras, int features,
                                          int heads, int d) {
        int b = batch.size();
        int len = longest(batch);
        int dim = BgeTokenStates.DIMENSION;
        int per = features - dim;
        float[] x = new float[b * len * features];
        float[] keyBias = new float[b * len];
        Arrays.fill(keyBias, Seq2SeqGraph.MASKED);
        for (int i = 0; i < b; i++) {
            BgeTokenStates.Encoded enc = batch.get(i);
            float[] extra = extras.get(i);
            int n = enc.length();
            for (int t = 0; t < n; t++) {
                int row = (i * len + t) * features;
                enc.copyState(t, x, row);
                for (int f = 0; f < per; f++) {
                    x[row + dim + f] = extra[f * n + t];
                }
                keyBias[i * len + t] = 0f;
            }
        }
        Map<String, INDArray> ph = new LinkedHashMap<>();
        ph.put(X, Nd4j.create(x, new long[] {(long) b * len, features}, 'c'));
        ph.put(HEAD_SHAPE, Nd4j.createFromArray((long) b, len, heads, d / heads));
        ph.put(KEY_BIAS, Nd4j.create(keyBias, new long[] {b, 1, 1, len}, 'c'));
        return ph;
    }

    /**
     * The block over token rows: {@code x} is [B*T, features] (sample-major, token-minor), the result [B*T, d],
     * every layer a matrix product on the rows and the attention batched products over [B, heads, T, T]. The same
     * variables, drawn in the same order, and the same function as the convolution form the students had before
     * (channels first, kernel-1 {@code conv1d}, SameDiff's multi-head attention op; a test holds the two to 1e-5).
     * Why: in DL4J 1.0.0-M2.1 those convolutions run through im2col/col2im and permute copies and the attention op's
     * gradient copies its inputs per head; on the span student's shapes that was about half of a training step.
     *
     * @param headShape {@code [B, T, heads, d / heads]} as a LONG vector (the rows' batch and length)
     * @param keyBias   [B, 1, 1, T]: 0 on real tokens, a large negative number on padding (attention keys)
     */
    static SDVariable rows(SameDiff sd, SDVariable x, SDVariable headShape, SDVariable keyBias, int features, int d,
                           int heads, SplittableRandom rng) {
        int hs = d / heads;
        SDVariable wIn = sd.var("w_in", xavier(rng, features, d, 1, features, d));
        SDVariable bIn = sd.var("b_in", Nd4j.zeros(DataType.FLOAT, d));
        SDVariable proj = sd.nn.relu(sd.mmul(x, sd.reshape(wIn, features, d)).add(bIn), 0);

        SDVariable wq = sd.var("w_q", xavier(rng, d, hs, heads, hs, d));
        SDVariable wk = sd.var("w_k", xavier(rng, d, hs, heads, hs, d));
        SDVariable wv = sd.var("w_v", xavier(rng, d, hs, heads, hs, d));
        SDVariable wo = sd.var("w_o", xavier(rng, d, d, d, d));
        SDVariable qh = headsOf(sd, proj, wq, headShape, d);
        SDVariable kh = headsOf(sd, proj, wk, headShape, d);
        SDVariable vh = headsOf(sd, proj, wv, headShape, d);
        SDVariable scores = sd.mmul(qh, kh, false, true, false).mul(1.0 / Math.sqrt(hs)).add(keyBias);
        SDVariable context = sd.permute(sd.mmul(sd.nn.softmax(scores, -1), vh), 0, 2, 1, 3);
        SDVariable h = proj.add(sd.mmul(sd.reshape(context, -1, d), wo));

        SDVariable w1 = sd.var("w_1", xavier(rng, d, 2 * d, 1, d, 2 * d));
        SDVariable b1 = sd.var("b_1", Nd4j.zeros(DataType.FLOAT, 2 * d));
        SDVariable w2 = sd.var("w_2", xavier(rng, 2 * d, d, 1, 2 * d, d));
        SDVariable b2 = sd.var("b_2", Nd4j.zeros(DataType.FLOAT, d));
        SDVariable inner = sd.nn.relu(sd.mmul(h, sd.reshape(w1, d, 2 * d)).add(b1), 0);
        return h.add(sd.mmul(inner, sd.reshape(w2, 2 * d, d)).add(b2));
    }

    /**
     * One projection's heads [B, heads, T, d / heads] of the rows [B*T, d]: the attention op's weights
     * [heads, d / heads, d] as one [d, d] matrix whose column h * (d / heads) + j is head h's output j.
     */
    private static SDVariable headsOf(SameDiff sd, SDVariable rows, SDVariable w, SDVariable headShape, int d) {
        SDVariable matrix = sd.reshape(sd.permute(w, 2, 0, 1), d, d);
        return sd.permute(sd.reshape(sd.mmul(rows, matrix), headShape), 0, 2, 1, 3);
    }

    /** Xavier-uniform weights of the given shape for a layer with {@code fanIn} inputs and {@code fanOut} outputs. */
    static INDArray xavier(SplittableRandom rng, int fanIn, int fanOut, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        float[] w = new float[(int) n];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
        }
        return Nd4j.create(w, shape, 'c');
    }
}
