package io.github.goldkd.student.seq;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attention block over token rows ({@link AttentionBlock#rows}, the span student's graph since its training left
 * {@code SameDiff.fit}) is the function of the convolution form ({@link ConvolutionBlock#build}: kernel-1
 * convolutions and SameDiff's multi-head attention op) that older span-QA files were saved from, with the same
 * variables drawn in the same order.
 */
class AttentionBlockTest {

    private static final int B = 3;
    private static final int T = 7;
    private static final int F = 10;
    private static final int D = 8;
    private static final int HEADS = 2;
    /** Real tokens per sample: the others are padding. */
    private static final int[] LENGTHS = {7, 4, 1};

    @Test
    void theRowsFormComputesTheConvolutionFormOnEveryRealTokenWithTheSameWeights() {
        SplittableRandom data = new SplittableRandom(11);
        float[] channelsFirst = new float[B * F * T];
        float[] rows = new float[B * T * F];
        float[] mask = new float[B * T];
        float[] keyBias = new float[B * T];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                boolean real = t < LENGTHS[b];
                mask[b * T + t] = real ? 1f : 0f;
                keyBias[b * T + t] = real ? 0f : Seq2SeqGraph.MASKED;
                for (int f = 0; f < F; f++) {
                    float v = (float) (data.nextDouble() * 2 - 1);
                    channelsFirst[(b * F + f) * T + t] = v;
                    rows[(b * T + t) * F + f] = v;
                }
            }
        }

        SameDiff conv = SameDiff.create();
        SDVariable x = conv.placeHolder("x", DataType.FLOAT, -1, F, -1);
        SDVariable m = conv.placeHolder("mask", DataType.FLOAT, -1, -1);
        SDVariable convOut = ConvolutionBlock.build(conv, x, m, F, D, HEADS, new SplittableRandom(5));
        INDArray expected = conv.output(Map.of("x", Nd4j.create(channelsFirst, new long[] {B, F, T}, 'c'),
                "mask", Nd4j.create(mask, new long[] {B, T}, 'c')), convOut.name()).get(convOut.name());

        SameDiff flat = SameDiff.create();
        SDVariable xr = flat.placeHolder("x", DataType.FLOAT, -1, F);
        SDVariable shape = flat.placeHolder("shape", DataType.LONG, 4);
        SDVariable bias = flat.placeHolder("bias", DataType.FLOAT, -1, 1, 1, -1);
        SDVariable rowsOut = AttentionBlock.rows(flat, xr, shape, bias, F, D, HEADS, new SplittableRandom(5));
        INDArray actual = flat.output(Map.of("x", Nd4j.create(rows, new long[] {B * T, F}, 'c'),
                "shape", Nd4j.createFromArray((long) B, T, HEADS, D / HEADS),
                "bias", Nd4j.create(keyBias, new long[] {B, 1, 1, T}, 'c')), rowsOut.name()).get(rowsOut.name());

        for (String name : new String[] {"w_in", "b_in", "w_q", "w_k", "w_v", "w_o", "w_1", "b_1", "w_2", "b_2"}) {
            assertThat(flat.getArrForVarName(name)).as(name).isEqualTo(conv.getArrForVarName(name));
        }
        assertThat(actual.shape()).containsExactly(B * T, D);
        double largest = 0;
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < LENGTHS[b]; t++) {
                for (int k = 0; k < D; k++) {
                    float want = expected.getFloat(b, k, t);
                    largest = Math.max(largest, Math.abs(want));
                    assertThat(actual.getFloat(b * T + t, k)).as("sample %d token %d channel %d", b, t, k)
                            .isCloseTo(want, org.assertj.core.api.Assertions.within(1e-5f));
                }
            }
        }
        assertThat(largest).as("a non-trivial output").isGreaterThan(0.1);
    }
}
