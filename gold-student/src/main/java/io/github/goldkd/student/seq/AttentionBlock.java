package io.github.goldkd.student.seq;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv1DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * The trainable block over frozen token states that the span QA student introduced and the pair cross-reading
 * student reuses: a pointwise projection to d, one multi-head self-attention layer with a residual, and a
 * pointwise feed-forward layer with a residual (the shapes are in {@link SpanQaConfig}). Kept in one place so
 * that both students read tokens the same way and a fix reaches both. The variable names and the order in which
 * weights are drawn from {@code rng} are part of the saved graphs' format: files written before the block was
 * extracted load and give the same logits, and a seed gives the same weights as before.
 */
final class AttentionBlock {

    /** Pointwise (kernel 1) convolution over [B, C, T]: a dense layer applied to every token. */
    static final Conv1DConfig POINTWISE = Conv1DConfig.builder().k(1).s(1).p(0).d(1).dataFormat("NCW")
            .paddingMode(PaddingMode.VALID).build();

    private AttentionBlock() {
    }

    /**
     * Adds the block to {@code sd}: variables {@code w_in, b_in, w_q, w_k, w_v, w_o, w_1, b_1, w_2, b_2}, drawn
     * from {@code rng} in that order.
     *
     * @param x        token features [B, features, T]
     * @param mask     [B, T], 1 on real tokens (attention keys are masked by it)
     * @param features channels of {@code x}
     * @param d        model width, divisible by {@code heads}
     * @return the block's output [B, d, T]
     */
    static SDVariable build(SameDiff sd, SDVariable x, SDVariable mask, int features, int d, int heads,
                            SplittableRandom rng) {
        int hs = d / heads;
        SDVariable wIn = sd.var("w_in", xavier(rng, features, d, 1, features, d));
        SDVariable bIn = sd.var("b_in", Nd4j.zeros(DataType.FLOAT, d));
        SDVariable proj = sd.nn.relu(sd.cnn.conv1d(x, wIn, bIn, POINTWISE), 0);

        SDVariable wq = sd.var("w_q", xavier(rng, d, hs, heads, hs, d));
        SDVariable wk = sd.var("w_k", xavier(rng, d, hs, heads, hs, d));
        SDVariable wv = sd.var("w_v", xavier(rng, d, hs, heads, hs, d));
        SDVariable wo = sd.var("w_o", xavier(rng, d, d, d, d));
        SDVariable att = sd.nn.multiHeadDotProductAttention(proj, proj, proj, wq, wk, wv, wo, mask, true);
        SDVariable h = proj.add(att);

        SDVariable w1 = sd.var("w_1", xavier(rng, d, 2 * d, 1, d, 2 * d));
        SDVariable b1 = sd.var("b_1", Nd4j.zeros(DataType.FLOAT, 2 * d));
        SDVariable w2 = sd.var("w_2", xavier(rng, 2 * d, d, 1, 2 * d, d));
        SDVariable b2 = sd.var("b_2", Nd4j.zeros(DataType.FLOAT, d));
        return h.add(sd.cnn.conv1d(sd.nn.relu(sd.cnn.conv1d(h, w1, b1, POINTWISE), 0), w2, b2, POINTWISE));
    }

    /**
     * The same block over token rows: {@code x} is [B*T, features] (sample-major, token-minor), the result [B*T, d],
     * every layer a matrix product on the rows and the attention batched products over [B, heads, T, T]. The same
     * variables drawn in the same order as {@link #build} and the same function (a test holds the two to 1e-5), so a
     * file saved from either graph loads into this one. Why: in DL4J 1.0.0-M2.1 the kernel-1 convolutions of
     * {@link #build} run through im2col/col2im and permute copies and its attention op's gradient copies its
     * inputs per head; on the span student's shapes those were about half of a training step.
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
