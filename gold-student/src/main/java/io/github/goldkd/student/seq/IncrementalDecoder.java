package io.github.goldkd.student.seq;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The decoder of {@link Seq2SeqGraph} run one position at a time with a key/value cache, for decoding: each step
 * computes only the new position of each prefix, against the self-attention keys and values its earlier positions
 * left in its {@link State} and the cross-attention keys and values of its source, computed once per source
 * ({@link #sources}). The graph's decoder branch, by contrast, re-reads the whole prefix at every step: a text
 * student's prefixes reach 192 positions, and libnd4j's ops on them were two thirds of its decoding time (JFR).
 *
 * <p>It computes the same function as the graph (the same weights, read once from it; the layer order and the
 * formulas of {@link Seq2SeqConfig}'s javadoc) in plain Java on float arrays: a step's tensors are a few rows of
 * 128, too small for a SameDiff call to pay for itself (each op costs tens of microseconds of dispatch there),
 * while the one large product, the memory times the cross-attention projections, goes through ND4J once per
 * chunk. Sums run in another order than libnd4j's, so logits agree with the graph's to float rounding, not to the
 * bit; a test holds the two to 1e-4 and the decoded outputs to equality.
 *
 * <p>An instance holds a snapshot of the weights (make a new one after the student trains) and the off-heap
 * arrays its BLAS products reuse from step to step, so it belongs to one decoding call and one thread; a
 * {@link State} belongs to one prefix.
 */
final class IncrementalDecoder {

    /** Rows of a product from which it goes to BLAS (see {@link #matmul}). */
    private static final int BLAS_ROWS = 16;

    private final int d;
    private final int heads;
    private final int dh;
    private final int layers;
    private final int ffn;
    private final int vocabulary;
    private final boolean copy;
    private final boolean readsCopies;
    private final float[] embedding;
    private final float[] positions;
    private final int maxPositions;
    private final Layer[] layer;
    private final float[] finalGain;
    private final float[] finalBias;
    private final Matrix outW;
    private final float[] outB;
    private final Matrix copyW;
    private final INDArray[] crossWk;
    private final INDArray[] crossWv;
    /** Reused arrays of the BLAS products by shape: their inputs, and their products. */
    private final Map<Long, INDArray> inputs = new HashMap<>();
    private final Map<Long, INDArray> products = new HashMap<>();

    /** One decoder layer's weights (names as {@link Seq2SeqGraph} gives them). */
    private record Layer(float[] ln1g, float[] ln1b, Matrix wqkv, Matrix wo, float[] bo,
                         float[] ln2g, float[] ln2b, Matrix cwq, Matrix cwo, float[] cbo,
                         float[] ln3g, float[] ln3b, Matrix w1, float[] b1, Matrix w2, float[] b2) {
    }

    /**
     * @param sd           the student's graph (its current weights are copied)
     * @param config       its configuration (sizes)
     * @param vocabulary   V, the output vocabulary
     * @param copy         whether the output has copy columns over the source positions
     * @param readsCopies  whether a copied decoder input adds its source position's memory row
     *                     ({@link Seq2SeqGraph#COPIED}; graphs saved before it lack it)
     * @param maxPositions decoder positions a prefix may reach (the position table's length)
     */
    IncrementalDecoder(SameDiff sd, Seq2SeqConfig config, int vocabulary, boolean copy, boolean readsCopies,
                       int maxPositions) {
        this.d = config.dModel();
        this.heads = config.heads();
        this.dh = d / heads;
        this.layers = config.decoderLayers();
        this.ffn = config.ffnSize();
        this.vocabulary = vocabulary;
        this.copy = copy;
        this.readsCopies = readsCopies;
        this.maxPositions = maxPositions;
        this.embedding = weights(sd, "dec.emb");
        this.positions = Seq2SeqGraph.positions(maxPositions, d).data().asFloat();
        this.layer = new Layer[layers];
        this.crossWk = new INDArray[layers];
        this.crossWv = new INDArray[layers];
        for (int l = 0; l < layers; l++) {
            String p = "dec" + l + ".";
            layer[l] = new Layer(weights(sd, p + "ln1.gain"), weights(sd, p + "ln1.bias"),
                    // Wq, Wk, Wv side by side: one product per step instead of three
                    matrix(Nd4j.hstack(array(sd, p + "self.wq"), array(sd, p + "self.wk"),
                            array(sd, p + "self.wv"))),
                    matrix(sd, p + "self.wo"), weights(sd, p + "self.bo"),
                    weights(sd, p + "ln2.gain"), weights(sd, p + "ln2.bias"),
                    matrix(sd, p + "cross.wq"), matrix(sd, p + "cross.wo"), weights(sd, p + "cross.bo"),
                    weights(sd, p + "ln3.gain"), weights(sd, p + "ln3.bias"),
                    matrix(sd, p + "ffn.w1"), weights(sd, p + "ffn.b1"), matrix(sd, p + "ffn.w2"),
                    weights(sd, p + "ffn.b2"));
            crossWk[l] = matrix(sd, p + "cross.wk").array();
            crossWv[l] = matrix(sd, p + "cross.wv").array();
        }
        this.finalGain = weights(sd, "dec.lnf.gain");
        this.finalBias = weights(sd, "dec.lnf.bias");
        this.outW = matrix(sd, "out.w");
        this.outB = weights(sd, "out.b");
        this.copyW = copy ? matrix(sd, "copy.w") : null;
    }

    private static float[] weights(SameDiff sd, String name) {
        return matrix(sd, name).values();
    }

    /**
     * One source as the decoder reads it: its memory rows and, per layer, their cross-attention keys and values.
     * A source without tokens reads its single padding row (as the graph does, whose bias leaves that row alone
     * unmasked) but offers no copy column.
     *
     * @param rows       memory rows read by attention, [rows, d]
     * @param copyLength copy columns of the output (the source's tokens)
     */
    record Source(int rows, int copyLength, float[] memory, float[][] keys, float[][] values) {
    }

    /**
     * The sources of a chunk from the encoder's memory [b * padded, d] (rows of source i at i * padded).
     *
     * @param lengths each source's token count (0 allowed)
     */
    Source[] sources(INDArray memory, int[] lengths) {
        int b = lengths.length;
        int padded = (int) (memory.size(0) / b);
        INDArray mem = memory.dataType() == DataType.FLOAT && memory.ordering() == 'c' && !memory.isView()
                ? memory : memory.castTo(DataType.FLOAT).dup('c');
        float[] m = mem.data().asFloat();
        float[][] k = new float[layers][];
        float[][] v = new float[layers][];
        for (int l = 0; l < layers; l++) {
            // the chunk's one large product: every memory row times Wk, Wv of every layer
            k[l] = mem.mmul(crossWk[l]).data().asFloat();
            v[l] = mem.mmul(crossWv[l]).data().asFloat();
        }
        Source[] out = new Source[b];
        for (int i = 0; i < b; i++) {
            int rows = Math.max(1, lengths[i]);
            int from = i * padded * d;
            int to = from + rows * d;
            float[][] keys = new float[layers][];
            float[][] values = new float[layers][];
            for (int l = 0; l < layers; l++) {
                keys[l] = Arrays.copyOfRange(k[l], from, to);
                values[l] = Arrays.copyOfRange(v[l], from, to);
            }
            out[i] = new Source(rows, lengths[i], Arrays.copyOfRange(m, from, to), keys, values);
        }
        return out;
    }

    /** The self-attention keys and values of a prefix's positions so far, per layer, [length, d] each. */
    static final class State {
        /** Positions a new state has room for; it doubles when full (a chunk holds up to 64 x beam states). */
        private static final int FIRST_CAPACITY = 16;
        private final int width;
        private final float[][] keys;
        private final float[][] values;
        private int length;

        private State(int layers, int width) {
            this.width = width;
            keys = new float[layers][FIRST_CAPACITY * width];
            values = new float[layers][FIRST_CAPACITY * width];
        }

        private State(State other) {
            width = other.width;
            keys = new float[other.keys.length][];
            values = new float[other.values.length][];
            for (int l = 0; l < keys.length; l++) {
                keys[l] = other.keys[l].clone();
                values[l] = other.values[l].clone();
            }
            length = other.length;
        }

        /** Makes room for one more position. */
        private void reserve() {
            if ((length + 1) * width > keys[0].length) {
                for (int l = 0; l < keys.length; l++) {
                    keys[l] = Arrays.copyOf(keys[l], keys[l].length * 2);
                    values[l] = Arrays.copyOf(values[l], values[l].length * 2);
                }
            }
        }

        /** An independent copy, for a second continuation of the same prefix (beam search). */
        State copy() {
            return new State(this);
        }
    }

    /** The state of an empty prefix. */
    State start() {
        return new State(layers, d);
    }

    /**
     * Computes the next position of each row and advances its state by it.
     *
     * @param states        row i's prefix state (its length is the new position's index); advanced in place
     * @param sources       row i's source
     * @param inputs        row i's decoder input id at the new position (BOS, a token, or a copied word)
     * @param copiedFrom    row i's copied source position at the new position, or -1
     * @return per row the logits of the new position: V values, then {@code copyLength} copy scores when copying
     */
    float[][] step(State[] states, Source[] sources, int[] inputs, int[] copiedFrom) {
        int n = states.length;
        float[] x = new float[n * d];
        double scale = Math.sqrt(d);
        for (int i = 0; i < n; i++) {
            int t = states[i].length;
            if (t >= maxPositions) {
                throw new IllegalStateException("decoder position " + t + " is past the last of " + maxPositions);
            }
            states[i].reserve();
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (embedding[inputs[i] * d + j] * scale) + positions[t * d + j];
            }
            if (readsCopies && copiedFrom[i] >= 0) {
                float[] mem = sources[i].memory();
                for (int j = 0; j < d; j++) {
                    x[i * d + j] += mem[copiedFrom[i] * d + j];
                }
            }
        }
        float[] normed = new float[n * d];
        float[] qkv = new float[n * 3 * d];
        float[] q = new float[n * d];
        float[] context = new float[n * d];
        float[] out = new float[n * d];
        float[] hidden = new float[n * ffn];
        for (int l = 0; l < layers; l++) {
            Layer w = layer[l];
            // self-attention over the prefix: the new position's key and value join the cache first
            layerNorm(x, n, w.ln1g(), w.ln1b(), normed);
            matmul(normed, n, d, w.wqkv(), 3 * d, null, qkv);
            for (int i = 0; i < n; i++) {
                State s = states[i];
                System.arraycopy(qkv, i * 3 * d, q, i * d, d);
                System.arraycopy(qkv, i * 3 * d + d, s.keys[l], s.length * d, d);
                System.arraycopy(qkv, i * 3 * d + 2 * d, s.values[l], s.length * d, d);
                attend(q, i, s.keys[l], s.values[l], s.length + 1, context);
            }
            matmul(context, n, d, w.wo(), d, w.bo(), out);
            add(x, out);
            // cross-attention over the source's memory
            layerNorm(x, n, w.ln2g(), w.ln2b(), normed);
            matmul(normed, n, d, w.cwq(), d, null, q);
            for (int i = 0; i < n; i++) {
                Source src = sources[i];
                attend(q, i, src.keys()[l], src.values()[l], src.rows(), context);
            }
            matmul(context, n, d, w.cwo(), d, w.cbo(), out);
            add(x, out);
            // feed-forward
            layerNorm(x, n, w.ln3g(), w.ln3b(), normed);
            matmul(normed, n, d, w.w1(), ffn, w.b1(), hidden);
            for (int j = 0; j < hidden.length; j++) {
                hidden[j] = Math.max(0f, hidden[j]);
            }
            matmul(hidden, n, ffn, w.w2(), d, w.b2(), out);
            add(x, out);
        }
        for (State s : states) {
            s.length++;
        }
        layerNorm(x, n, finalGain, finalBias, normed);
        float[] vocab = new float[n * vocabulary];
        matmul(normed, n, d, outW, vocabulary, outB, vocab);
        float[] hc = null;
        if (copy) {
            hc = new float[n * d];
            matmul(normed, n, d, copyW, d, null, hc);
        }
        float[][] logits = new float[n][];
        double copyScale = 1.0 / Math.sqrt(d);
        for (int i = 0; i < n; i++) {
            int width = copy ? vocabulary + sources[i].copyLength() : vocabulary;
            float[] row = new float[width];
            System.arraycopy(vocab, i * vocabulary, row, 0, vocabulary);
            if (copy) {
                float[] mem = sources[i].memory();
                for (int j = 0; j < sources[i].copyLength(); j++) {
                    float dot = 0f;
                    for (int c = 0; c < d; c++) {
                        dot += hc[i * d + c] * mem[j * d + c];
                    }
                    row[vocabulary + j] = (float) (dot * copyScale);
                }
            }
            logits[i] = row;
        }
        return logits;
    }

    /**
     * Multi-head attention of query row {@code i} of {@code q} over the first {@code length} rows of
     * {@code keys}/{@code values} ([length, d], head h in columns h*dh .. (h+1)*dh - 1); writes row i of
     * {@code context}. No bias: every row offered is one the query may read.
     */
    private void attend(float[] q, int i, float[] keys, float[] values, int length, float[] context) {
        float[] scores = new float[length];
        double scale = 1.0 / Math.sqrt(dh);
        Arrays.fill(context, i * d, (i + 1) * d, 0f);
        for (int h = 0; h < heads; h++) {
            int qo = i * d + h * dh;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < length; j++) {
                int ko = j * d + h * dh;
                float dot = 0f;
                for (int c = 0; c < dh; c++) {
                    dot += q[qo + c] * keys[ko + c];
                }
                scores[j] = (float) (dot * scale);
                max = Math.max(max, scores[j]);
            }
            double sum = 0;
            for (int j = 0; j < length; j++) {
                float e = (float) Math.exp(scores[j] - max);
                scores[j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < length; j++) {
                float p = scores[j] * inv;
                int vo = j * d + h * dh;
                for (int c = 0; c < dh; c++) {
                    context[qo + c] += p * values[vo + c];
                }
            }
        }
    }

    /** Layer normalisation of each of the n rows of x: (x - mean) / std (population std, as libnd4j's) * g + b. */
    private void layerNorm(float[] x, int n, float[] gain, float[] bias, float[] out) {
        for (int i = 0; i < n; i++) {
            int o = i * d;
            double mean = 0;
            for (int j = 0; j < d; j++) {
                mean += x[o + j];
            }
            mean /= d;
            double var = 0;
            for (int j = 0; j < d; j++) {
                double c = x[o + j] - mean;
                var += c * c;
            }
            double inv = 1.0 / Math.sqrt(var / d);
            for (int j = 0; j < d; j++) {
                out[o + j] = (float) ((x[o + j] - mean) * inv) * gain[j] + bias[j];
            }
        }
    }

    /**
     * out[n, m] = x[n, k] w[k, m] (+ bias[m]), row-major. From {@link #BLAS_ROWS} rows on (a chunk's sources times
     * their beams) the product goes to ND4J's BLAS; below, the plain loop (its inner loop runs along w's rows, so
     * it vectorises) is faster than the arrays ND4J would allocate. Measured on the speed benchmark's shapes: math,
     * 64 rows, 860-890 sequences/s through BLAS against 410-470 by the loop; NL4OPT, 8 rows, 26-28 by the loop
     * against 17.5-18 through BLAS.
     */
    private void matmul(float[] x, int n, int k, Matrix w, int m, float[] bias, float[] out) {
        if (n >= BLAS_ROWS) {
            INDArray a = scratch(inputs, n, k);
            a.data().setData(x);
            INDArray c = scratch(products, n, m);
            Nd4j.gemm(a, w.array(), c, false, false, 1.0, 0.0);
            float[] values = c.data().asFloat();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    out[i * m + j] = bias == null ? values[i * m + j] : values[i * m + j] + bias[j];
                }
            }
            return;
        }
        float[] wv = w.values();
        for (int i = 0; i < n; i++) {
            int o = i * m;
            if (bias == null) {
                Arrays.fill(out, o, o + m, 0f);
            } else {
                System.arraycopy(bias, 0, out, o, m);
            }
            for (int p = 0; p < k; p++) {
                float a = x[i * k + p];
                int wo = p * m;
                for (int j = 0; j < m; j++) {
                    out[o + j] += a * wv[wo + j];
                }
            }
        }
    }

    /**
     * The array of {@code pool} for [rows, cols], made on first use: a chunk decodes with the same row count for
     * many steps, and a fresh off-heap array per product (zeroed by libnd4j) cost more than the product.
     */
    private static INDArray scratch(Map<Long, INDArray> pool, int rows, int cols) {
        return pool.computeIfAbsent(((long) rows << 32) | cols,
                key -> Nd4j.create(DataType.FLOAT, new long[] {rows, cols}, 'c'));
    }

    /** A weight matrix both as host values (the loop) and as an ND4J array (BLAS). */
    private record Matrix(float[] values, INDArray array) {
    }

    private static Matrix matrix(SameDiff sd, String name) {
        return matrix(array(sd, name));
    }

    private static Matrix matrix(INDArray a) {
        INDArray c = a.castTo(DataType.FLOAT).dup('c');
        return new Matrix(c.data().asFloat(), c);
    }

    private static INDArray array(SameDiff sd, String name) {
        return sd.getVariable(name).getArr();
    }

    private static void add(float[] x, float[] y) {
        for (int j = 0; j < x.length; j++) {
            x[j] += y[j];
        }
    }
}
