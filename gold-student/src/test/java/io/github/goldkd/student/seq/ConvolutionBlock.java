package io.github.goldkd.student.seq;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv1DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * The attention block as the span QA and pair cross-reading students built it before they left
 * {@code SameDiff.fit} (channels first [B, F, T], kernel-1 convolutions, SameDiff's multi-head attention op): the
 * graph their older files hold. Tests hold {@link AttentionBlock#rows} to it and load such files.
 */
final class ConvolutionBlock {

    /** Pointwise (kernel 1) convolution over [B, C, T]: a dense layer applied to every token. */
    static final Conv1DConfig POINTWISE = Conv1DConfig.builder().k(1).s(1).p(0).d(1).dataFormat("NCW")
            .paddingMode(PaddingMode.VALID).build();

    private ConvolutionBlock() {
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
        SDVariable wIn = sd.var("w_in", AttentionBlock.xavier(rng, features, d, 1, features, d));
        SDVariable bIn = sd.var("b_in", Nd4j.zeros(DataType.FLOAT, d));
        SDVariable proj = sd.nn.relu(sd.cnn.conv1d(x, wIn, bIn, POINTWISE), 0);

        SDVariable wq = sd.var("w_q", AttentionBlock.xavier(rng, d, hs, heads, hs, d));
        SDVariable wk = sd.var("w_k", AttentionBlock.xavier(rng, d, hs, heads, hs, d));
        SDVariable wv = sd.var("w_v", AttentionBlock.xavier(rng, d, hs, heads, hs, d));
        SDVariable wo = sd.var("w_o", AttentionBlock.xavier(rng, d, d, d, d));
        SDVariable att = sd.nn.multiHeadDotProductAttention(proj, proj, proj, wq, wk, wv, wo, mask, true);
        SDVariable h = proj.add(att);

        SDVariable w1 = sd.var("w_1", AttentionBlock.xavier(rng, d, 2 * d, 1, d, 2 * d));
        SDVariable b1 = sd.var("b_1", Nd4j.zeros(DataType.FLOAT, 2 * d));
        SDVariable w2 = sd.var("w_2", AttentionBlock.xavier(rng, 2 * d, d, 1, 2 * d, d));
        SDVariable b2 = sd.var("b_2", Nd4j.zeros(DataType.FLOAT, d));
        return h.add(sd.cnn.conv1d(sd.nn.relu(sd.cnn.conv1d(h, w1, b1, POINTWISE), 0), w2, b2, POINTWISE));
    }

}
