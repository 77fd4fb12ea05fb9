package io.github.goldkd.student.seq;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Builds the SameDiff encoder-decoder described in {@link Seq2SeqConfig}. Every shape except the weights is
 * left open (-1), so a batch is padded to its own longest source and target, not to fixed lengths: that is
 * why attention is written per head with {@code tensorMmul} and batched {@code mmul} instead of reshapes.
 *
 * <p>The graph holds two decoder branches over the same weight variables: the teacher-forced one reads the
 * encoder output of the same graph (training and logits), the other reads the memory as a placeholder
 * ({@link #MEMORY_IN}), so decoding runs the encoder once per source and only the decoder per step.
 */
final class Seq2SeqGraph {

    static final String SRC = "src";
    static final String SRC_BIAS = "srcBias";
    static final String SRC_POS = "srcPos";
    /** Frozen bge token states [B*S, 384] (only in a {@link Seq2SeqConfig.Encoder#FROZEN_BGE} graph). */
    static final String SRC_STATES = "srcStates";
    static final String TGT = "tgtIn";
    /**
     * The source embedding rows [B*S, d] (row of {@code enc.emb} per source id, looked up on the host) of a graph
     * built since the lookup left the graph, instead of {@link #SRC} times the table as one-hot rows; likewise
     * {@link #TGT_EMBEDDED} for the decoder inputs and {@code dec.emb}. SameDiff gives these placeholders'
     * gradients ({@code createGradFunction} names them) and the student sums them into the table's rows. Why:
     * the one-hot product and its gradient (M2.1 computes the one-hot side's too) cost three products of
     * rows x vocabulary x d per step for what is a row lookup and a scatter-add (training 8 % faster on math,
     * 19 % on NL4OPT without them); {@code sd.gather}, the in-graph lookup, cannot be trained in M2.1 (its
     * gradient op fails).
     */
    static final String SRC_EMBEDDED = "srcEmbedded";
    /** The decoder input embedding rows [B*T, d]: see {@link #SRC_EMBEDDED}. */
    static final String TGT_EMBEDDED = "tgtEmbedded";
    static final String TGT_POS = "tgtPos";
    static final String SRC_SHAPE = "srcShape";
    static final String TGT_SHAPE = "tgtShape";
    static final String CAUSAL = "causal";
    static final String GRAD = "logitGrad";
    static final String MEMORY_IN = "memoryIn";
    /**
     * Which source position each decoder input copied [B, T, S] (one-hot rows, zero rows for generated tokens and
     * the start): a copy's decoder input adds that position's encoder output to its word's embedding, so the
     * decoder knows which name it wrote even when the word itself is unknown (copy graphs built since; older
     * saved graphs lack it and are fed without it).
     */
    static final String COPIED = "copiedIn";
    static final String MEMORY = "memory";
    static final String LOGITS = "logits";
    static final String STEP_LOGITS = "stepLogits";
    static final String LOSS = "surrogate";
    /** Additive bias that removes a position from a softmax. */
    static final float MASKED = -1e9f;

    private final SameDiff sd;
    private final Seq2SeqConfig c;
    private final SplittableRandom rng;
    private final int dh;

    private Seq2SeqGraph(SameDiff sd, Seq2SeqConfig c, long seed) {
        this.sd = sd;
        this.c = c;
        this.rng = new SplittableRandom(seed);
        this.dh = c.dModel() / c.heads();
    }

    /**
     * @param sourceVocabulary  Vs (from scratch), or the number of slot tags ({@link BgeMathSources#TAGS}) on
     *                          frozen bge states
     * @param decoderVocabulary Vd (decoder input ids)
     * @param outputVocabulary  V
     * @param copy              whether copy scores over the source positions follow the vocabulary logits
     * @param seed              initialises every weight (an explicit generator, no process-wide random state)
     */
    static SameDiff build(Seq2SeqConfig c, int sourceVocabulary, int decoderVocabulary, int outputVocabulary,
                          boolean copy, long seed) {
        SameDiff sd = SameDiff.create();
        new Seq2SeqGraph(sd, c, seed).define(sourceVocabulary, decoderVocabulary, outputVocabulary, copy);
        return sd;
    }

    private void define(int vs, int vd, int v, boolean copy) {
        int d = c.dModel();
        SDVariable srcBias = sd.placeHolder(SRC_BIAS, DataType.FLOAT, -1, 1, 1, -1);
        SDVariable srcShape = sd.placeHolder(SRC_SHAPE, DataType.LONG, 4);
        SDVariable tgt = sd.placeHolder(TGT_EMBEDDED, DataType.FLOAT, -1, d);
        SDVariable tgtPos = sd.placeHolder(TGT_POS, DataType.FLOAT, -1, d);
        SDVariable tgtShape = sd.placeHolder(TGT_SHAPE, DataType.LONG, 4);
        SDVariable causal = sd.placeHolder(CAUSAL, DataType.FLOAT, -1, -1);
        SDVariable memoryIn = sd.placeHolder(MEMORY_IN, DataType.FLOAT, -1, d);
        SDVariable copied = copy ? sd.placeHolder(COPIED, DataType.FLOAT, -1, -1, -1) : null;

        SDVariable x;
        if (c.encoder() == Seq2SeqConfig.Encoder.FROZEN_BGE) {
            // the states are a placeholder, so no gradient can reach bge; only the projection and tags train
            SDVariable states = sd.placeHolder(SRC_STATES, DataType.FLOAT, -1, BgeTokenStates.DIMENSION);
            SDVariable wp = weight("enc.proj.w", xavier(BgeTokenStates.DIMENSION, d));
            SDVariable bp = weight("enc.proj.b", Nd4j.zeros(DataType.FLOAT, d));
            SDVariable tagEmb = weight("enc.tags", normal(vs, d, 1.0 / Math.sqrt(d)));
            // a handful of slot tags: the one-hot product is small, and the tags stay in the graph
            SDVariable src = sd.placeHolder(SRC, DataType.INT, -1);
            x = sd.mmul(states, wp).add(bp).add(embed(src, tagEmb, vs));
        } else {
            SDVariable srcPos = sd.placeHolder(SRC_POS, DataType.FLOAT, -1, d);
            weight("enc.emb", normal(vs, d, 1.0 / Math.sqrt(d))); // read on the host (SRC_EMBEDDED), saved here
            SDVariable rows = sd.placeHolder(SRC_EMBEDDED, DataType.FLOAT, -1, d);
            x = rows.mul(Math.sqrt(d)).add(srcPos);
        }
        for (int l = 0; l < c.encoderLayers(); l++) {
            String p = "enc" + l + ".";
            SDVariable n = layerNorm(p + "ln1", x);
            x = x.add(attention(p + "self", n, srcShape, n, srcShape, srcBias));
            x = x.add(ffn(p + "ffn", layerNorm(p + "ln2", x)));
        }
        SDVariable memory = sd.identity(MEMORY, layerNorm("enc.lnf", x));

        Decoder dec = new Decoder(vd, v, copy);
        SDVariable logits = sd.identity(LOGITS, dec.apply(memory, srcShape, tgt, tgtPos, tgtShape, causal, srcBias,
                copied));
        sd.identity(STEP_LOGITS, dec.apply(memoryIn, srcShape, tgt, tgtPos, tgtShape, causal, srcBias,
                copied));

        SDVariable grad = sd.placeHolder(GRAD, DataType.FLOAT, -1, -1, -1);
        sd.sum(LOSS, logits.mul(grad));
        sd.setLossVariables(LOSS);
    }

    /**
     * Adds {@link TokenLoss} over the teacher-forced logits to a graph that lacks it (a new one, or one saved
     * before it existed) and makes its train loss the graph's loss. Copy columns past a source's length carry the
     * {@link #MASKED} bias, so their probability is exactly 0, as if cut. One term is always fed zeros: the
     * surrogate's G for the in-graph loss, the loss's weights for the surrogate, so one gradient function serves
     * both.
     */
    static void addTokenLoss(SameDiff sd) {
        TokenLoss.add(sd, sd.getVariable(LOGITS), sd.getVariable(LOSS));
    }

    /** The decoder's weights, created once and applied to both memories. */
    private final class Decoder {
        private final int v;
        private final boolean copy;
        private final SDVariable wOut;
        private final SDVariable bOut;
        private final SDVariable wCopy;
        private final SDVariable lnfGain;
        private final SDVariable lnfBias;

        Decoder(int vd, int v, boolean copy) {
            int d = c.dModel();
            this.v = v;
            this.copy = copy;
            weight("dec.emb", normal(vd, d, 1.0 / Math.sqrt(d))); // read on the host (TGT_EMBEDDED), saved here
            for (int l = 0; l < c.decoderLayers(); l++) {
                String p = "dec" + l + ".";
                // created here so both applications find them by name (same name = same variable)
                attentionWeights(p + "self");
                attentionWeights(p + "cross");
                ffnWeights(p + "ffn");
                layerNormWeights(p + "ln1");
                layerNormWeights(p + "ln2");
                layerNormWeights(p + "ln3");
            }
            SDVariable[] lnf = layerNormWeights("dec.lnf");
            lnfGain = lnf[0];
            lnfBias = lnf[1];
            wOut = weight("out.w", xavier(d, v));
            bOut = weight("out.b", Nd4j.zeros(DataType.FLOAT, v));
            wCopy = copy ? weight("copy.w", xavier(d, d)) : null;
        }

        /**
         * Logits [B, T, V (+ S)] from the memory [B*S, d] and the decoder inputs' embedding rows [B*T, d]; with
         * {@code copied} ({@link #COPIED}) a copied input also reads its source position's memory.
         */
        SDVariable apply(SDVariable memory, SDVariable srcShape, SDVariable tgt, SDVariable tgtPos,
                         SDVariable tgtShape, SDVariable causal, SDVariable srcBias, SDVariable copied) {
            SDVariable y = tgt.mul(Math.sqrt(c.dModel())).add(tgtPos);
            if (copied != null) {
                SDVariable read = sd.mmul(copied, sd.reshape(memory, rows3(srcShape, c.dModel())));
                y = y.add(sd.reshape(read, sd.shape(y)));
            }
            for (int l = 0; l < c.decoderLayers(); l++) {
                String p = "dec" + l + ".";
                SDVariable n = layerNorm(p + "ln1", y);
                y = y.add(attention(p + "self", n, tgtShape, n, tgtShape, causal));
                y = y.add(attention(p + "cross", layerNorm(p + "ln2", y), tgtShape, memory, srcShape, srcBias));
                y = y.add(ffn(p + "ffn", layerNorm(p + "ln3", y)));
            }
            SDVariable h = sd.nn.layerNorm(y, lnfGain, lnfBias, false, 1);
            SDVariable vocab = sd.reshape(sd.mmul(h, wOut).add(bOut), rows3(tgtShape, v));
            if (!copy) {
                return vocab;
            }
            SDVariable hc = sd.reshape(sd.mmul(h, wCopy), rows3(tgtShape, c.dModel()));
            SDVariable mem = sd.reshape(memory, rows3(srcShape, c.dModel()));
            SDVariable copyBias = sd.squeeze(srcBias, 1);
            SDVariable scores = sd.mmul(hc, mem, false, true, false).mul(1.0 / Math.sqrt(c.dModel())).add(copyBias);
            return sd.concat(2, vocab, scores);
        }
    }

    // ---- building blocks (weights keyed by name, so a second application reuses them) -----------------

    /**
     * Activations are kept as [B*T, d] rows, so every projection is a plain 2-d mmul; attention reshapes them
     * with the runtime shape placeholders [B, T, H, dh] ({@code tensorMmul}'s gradient fails on a rank-3 by
     * rank-2 product in M2.1, and per-op overhead dominates small models, so fewer ops is faster).
     */
    private SDVariable embed(SDVariable ids, SDVariable table, int depth) {
        SDVariable oneHot = sd.oneHot(ids, depth, -1, 1.0, 0.0, DataType.FLOAT);
        return sd.mmul(oneHot, table).mul(Math.sqrt(c.dModel()));
    }

    /** [B, T, k] from the shape placeholder [B, T, H, dh]. */
    private SDVariable rows3(SDVariable shape4, long k) {
        return sd.concat(0, sd.slice(shape4, new int[] {0}, 2), sd.constant(Nd4j.createFromArray(k)));
    }

    private SDVariable attention(String p, SDVariable q, SDVariable qShape, SDVariable kv, SDVariable kvShape,
                                 SDVariable bias) {
        SDVariable[] w = attentionWeights(p);
        SDVariable qh = sd.permute(sd.reshape(sd.mmul(q, w[0]), qShape), 0, 2, 1, 3);
        SDVariable kh = sd.permute(sd.reshape(sd.mmul(kv, w[1]), kvShape), 0, 2, 1, 3);
        SDVariable vh = sd.permute(sd.reshape(sd.mmul(kv, w[2]), kvShape), 0, 2, 1, 3);
        SDVariable scores = sd.mmul(qh, kh, false, true, false).mul(1.0 / Math.sqrt(dh)).add(bias);
        SDVariable context = sd.permute(sd.mmul(sd.nn.softmax(scores), vh), 0, 2, 1, 3);
        return sd.mmul(sd.reshape(context, -1, c.dModel()), w[3]).add(w[4]);
    }

    /** Wq, Wk, Wv, Wo [d, d] (head h uses columns h*dh .. (h+1)*dh - 1 of Wq, Wk, Wv) and bo [d]. */
    private SDVariable[] attentionWeights(String p) {
        int d = c.dModel();
        return new SDVariable[] {existingOr(p + ".wq", () -> xavier(d, d)),
                existingOr(p + ".wk", () -> xavier(d, d)),
                existingOr(p + ".wv", () -> xavier(d, d)),
                existingOr(p + ".wo", () -> xavier(d, d)),
                existingOr(p + ".bo", () -> Nd4j.zeros(DataType.FLOAT, d))};
    }

    private SDVariable ffn(String p, SDVariable x) {
        SDVariable[] w = ffnWeights(p);
        return sd.mmul(sd.nn.relu(sd.mmul(x, w[0]).add(w[1]), 0), w[2]).add(w[3]);
    }

    private SDVariable[] ffnWeights(String p) {
        int d = c.dModel();
        int f = c.ffnSize();
        return new SDVariable[] {existingOr(p + ".w1", () -> xavier(d, f)),
                existingOr(p + ".b1", () -> Nd4j.zeros(DataType.FLOAT, f)),
                existingOr(p + ".w2", () -> xavier(f, d)),
                existingOr(p + ".b2", () -> Nd4j.zeros(DataType.FLOAT, d))};
    }

    private SDVariable layerNorm(String p, SDVariable x) {
        SDVariable[] w = layerNormWeights(p);
        return sd.nn.layerNorm(x, w[0], w[1], false, 1);
    }

    private SDVariable[] layerNormWeights(String p) {
        int d = c.dModel();
        return new SDVariable[] {existingOr(p + ".gain", () -> Nd4j.ones(DataType.FLOAT, d)),
                existingOr(p + ".bias", () -> Nd4j.zeros(DataType.FLOAT, d))};
    }

    private SDVariable existingOr(String name, java.util.function.Supplier<INDArray> init) {
        return sd.hasVariable(name) ? sd.getVariable(name) : weight(name, init.get());
    }

    private SDVariable weight(String name, INDArray value) {
        return sd.var(name, value);
    }

    private INDArray xavier(int fanIn, int fanOut) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        float[] v = new float[fanIn * fanOut];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
        }
        return Nd4j.create(v, new long[] {fanIn, fanOut}, DataType.FLOAT);
    }

    private INDArray normal(int rows, int cols, double std) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (gaussian() * std);
        }
        return Nd4j.create(v, new long[] {rows, cols}, DataType.FLOAT);
    }

    private double gaussian() {
        // Box-Muller from the seeded generator
        double u = 1.0 - rng.nextDouble();
        double w = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
    }

    /**
     * The sinusoidal position table [length, d] (rows 0 .. length-1), row-major. A row depends on its position
     * only, so a longer table's first rows are a shorter one.
     */
    static float[] positions(int length, int d) {
        float[] v = new float[length * d];
        for (int pos = 0; pos < length; pos++) {
            for (int i = 0; i < d; i += 2) {
                double angle = pos / Math.pow(10000.0, (double) i / d);
                v[pos * d + i] = (float) Math.sin(angle);
                if (i + 1 < d) {
                    v[pos * d + i + 1] = (float) Math.cos(angle);
                }
            }
        }
        return v;
    }

    /** The causal bias [length, length]: 0 on and below the diagonal, {@link #MASKED} above. */
    static INDArray causal(int length) {
        float[] v = new float[length * length];
        for (int i = 0; i < length; i++) {
            for (int j = i + 1; j < length; j++) {
                v[i * length + j] = MASKED;
            }
        }
        return Nd4j.create(v, new long[] {length, length}, DataType.FLOAT);
    }
}
