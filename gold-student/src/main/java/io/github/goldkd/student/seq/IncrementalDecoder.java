package io.github.goldkd.student.seq;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The network of {@link Seq2SeqGraph} run on the host for decoding: the encoder once per source ({@link #encode}),
 * then the decoder one position at a time with a key/value cache. Each decoder step computes only the new position
 * of each prefix, against the self-attention keys and values its earlier positions left in its {@link State} and
 * the cross-attention keys and values of its source, computed once by {@link #encode}. The graph's decoder branch,
 * by contrast, re-reads the whole prefix at every step: a text student's prefixes reach 192 positions, and
 * libnd4j's ops on them were two thirds of its decoding time (JFR). The graph's encoder call, in turn, was half of
 * a math chunk's decoding (JFR, session 9) and the memory's cross-attention projections through fresh ND4J arrays
 * another eighth: here the encoder reads each source's own rows only (no padding to the chunk's longest) and its
 * products reuse the same arrays.
 *
 * <p>It computes the same function as the graph (the same weights, read once from it; the layer order and the
 * formulas of {@link Seq2SeqConfig}'s javadoc) in plain Java on float arrays: a decoding step's tensors are a few
 * rows of 128, too small for a SameDiff call to pay for itself (each op costs tens of microseconds of dispatch
 * there), while products of many rows go to BLAS ({@link #matmul}). Sums run in another order than libnd4j's, so
 * logits agree with the graph's to float rounding, not to the bit; a test holds the two to 1e-4 and the decoded
 * outputs to equality. One difference is deliberate: a source without tokens is encoded as the graph encodes it
 * alone (one padding row that attends to itself), whatever else shares its chunk; the graph, given a chunk, lets
 * that row attend to all of the chunk's padding.
 *
 * <p>An instance holds a snapshot of the weights (make a new one after the student trains) and the off-heap
 * arrays its BLAS products reuse from step to step, so it belongs to one decoding call and one thread;
 * {@link #forCall} gives another call its own arrays over the same snapshot, so that the weights are copied once
 * per training, not once per call. A {@link State} belongs to one prefix.
 */
final class IncrementalDecoder {

    /** Rows of a product from which it goes to BLAS (see {@link #matmul}). */
    private static final int BLAS_ROWS = 16;
    /** Shapes whose BLAS arrays a decoder keeps (a chunk uses about ten: encoder, cross keys, decoder steps). */
    private static final int POOLED_SHAPES = 24;

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
    /** Per decoder layer, the cross-attention's Wk | Wv side by side [d, 2d]: one product per source chunk. */
    private final Matrix[] crossWkv;
    private final Encoder encoder;
    /** Reused arrays of the BLAS products by shape: their inputs, and their products (see {@link #scratch}). */
    private final Map<Long, INDArray> inputs = shapePool();
    private final Map<Long, INDArray> products = shapePool();

    /** The same weights (shared: they are never written) with arrays of its own. */
    private IncrementalDecoder(IncrementalDecoder other) {
        d = other.d;
        heads = other.heads;
        dh = other.dh;
        layers = other.layers;
        ffn = other.ffn;
        vocabulary = other.vocabulary;
        copy = other.copy;
        readsCopies = other.readsCopies;
        embedding = other.embedding;
        positions = other.positions;
        maxPositions = other.maxPositions;
        layer = other.layer;
        finalGain = other.finalGain;
        finalBias = other.finalBias;
        outW = other.outW;
        outB = other.outB;
        copyW = other.copyW;
        crossWkv = other.crossWkv;
        encoder = other.encoder;
    }

    /** A decoder over this one's weights for another call or thread: its own BLAS arrays, no weight copied. */
    IncrementalDecoder forCall() {
        return new IncrementalDecoder(this);
    }

    /** A self-attention sublayer: its layer norm, Wq | Wk | Wv side by side (one product instead of three), Wo, bo. */
    private record SelfAttention(float[] normGain, float[] normBias, Matrix wqkv, Matrix wo, float[] bo) {
        /** The weights of {@code p + "self"}, normalised by {@code p + norm}. */
        static SelfAttention of(Function<String, INDArray> weight, String p, String norm) {
            return new SelfAttention(weights(weight, p + norm + ".gain"), weights(weight, p + norm + ".bias"),
                    sideBySide(weight, p + "self.wq", p + "self.wk", p + "self.wv"), matrix(weight, p + "self.wo"),
                    weights(weight, p + "self.bo"));
        }
    }

    /** A feed-forward sublayer: its layer norm, W1, b1, W2, b2. */
    private record FeedForward(float[] normGain, float[] normBias, Matrix w1, float[] b1, Matrix w2, float[] b2) {
        /** The weights of {@code p + "ffn"}, normalised by {@code p + norm}. */
        static FeedForward of(Function<String, INDArray> weight, String p, String norm) {
            return new FeedForward(weights(weight, p + norm + ".gain"), weights(weight, p + norm + ".bias"),
                    matrix(weight, p + "ffn.w1"), weights(weight, p + "ffn.b1"), matrix(weight, p + "ffn.w2"),
                    weights(weight, p + "ffn.b2"));
        }
    }

    /** One encoder layer's weights (names as {@link Seq2SeqGraph} gives them: ln1 before self, ln2 before ffn). */
    private record EncoderLayer(SelfAttention self, FeedForward ffn) {
    }

    /**
     * The encoder's weights. From scratch: {@code table} is {@code enc.emb} (a source word's row, times sqrt(d),
     * plus its sinusoidal position); on frozen bge states: {@code projection} and {@code projectionBias} map a
     * state to d and {@code table} is {@code enc.tags} (a slot tag's row, times sqrt(d), added; no positions, bge's
     * states carry theirs).
     */
    private record Encoder(float[] table, Matrix projection, float[] projectionBias, EncoderLayer[] layers,
                           float[] finalGain, float[] finalBias) {
    }

    /**
     * One decoder layer's weights (names as {@link Seq2SeqGraph} gives them: ln1 before self, ln2 before cross,
     * ln3 before ffn).
     */
    private record Layer(SelfAttention self, float[] ln2g, float[] ln2b, Matrix cwq, Matrix cwo, float[] cbo,
                         FeedForward ffn) {
    }

    /**
     * @param weight       the value of each of the graph's weights by name (copied here)
     * @param config       its configuration (sizes)
     * @param vocabulary   V, the output vocabulary
     * @param copy         whether the output has copy columns over the source positions
     * @param readsCopies  whether a copied decoder input adds its source position's memory row
     *                     ({@link Seq2SeqGraph#COPIED}; graphs saved before it lack it)
     * @param maxPositions decoder positions a prefix may reach (the position table also covers the longest source)
     */
    IncrementalDecoder(Function<String, INDArray> weight, Seq2SeqConfig config, int vocabulary, boolean copy,
                       boolean readsCopies, int maxPositions) {
        this.d = config.dModel();
        this.heads = config.heads();
        this.dh = d / heads;
        this.layers = config.decoderLayers();
        this.ffn = config.ffnSize();
        this.vocabulary = vocabulary;
        this.copy = copy;
        this.readsCopies = readsCopies;
        this.maxPositions = maxPositions;
        this.embedding = weights(weight, "dec.emb");
        // one table for the encoder's source positions and the decoder's: a row depends on its position only
        this.positions = Seq2SeqGraph.positions(Math.max(maxPositions, config.maxSourceTokens()), d);
        this.layer = new Layer[layers];
        this.crossWkv = new Matrix[layers];
        for (int l = 0; l < layers; l++) {
            String p = "dec" + l + ".";
            layer[l] = new Layer(SelfAttention.of(weight, p, "ln1"),
                    weights(weight, p + "ln2.gain"), weights(weight, p + "ln2.bias"),
                    matrix(weight, p + "cross.wq"), matrix(weight, p + "cross.wo"), weights(weight, p + "cross.bo"),
                    FeedForward.of(weight, p, "ln3"));
            crossWkv[l] = sideBySide(weight, p + "cross.wk", p + "cross.wv");
        }
        this.finalGain = weights(weight, "dec.lnf.gain");
        this.finalBias = weights(weight, "dec.lnf.bias");
        this.outW = matrix(weight, "out.w");
        this.outB = weights(weight, "out.b");
        this.copyW = copy ? matrix(weight, "copy.w") : null;
        this.encoder = encoderOf(weight, config);
    }

    private static Encoder encoderOf(Function<String, INDArray> weight, Seq2SeqConfig config) {
        EncoderLayer[] layers = new EncoderLayer[config.encoderLayers()];
        for (int l = 0; l < layers.length; l++) {
            String p = "enc" + l + ".";
            layers[l] = new EncoderLayer(SelfAttention.of(weight, p, "ln1"), FeedForward.of(weight, p, "ln2"));
        }
        boolean bge = config.encoder() == Seq2SeqConfig.Encoder.FROZEN_BGE;
        return new Encoder(weights(weight, bge ? "enc.tags" : "enc.emb"),
                bge ? matrix(weight, "enc.proj.w") : null, bge ? weights(weight, "enc.proj.b") : null, layers,
                weights(weight, "enc.lnf.gain"), weights(weight, "enc.lnf.bias"));
    }

    private static float[] weights(Function<String, INDArray> weight, String name) {
        return matrix(weight, name).values();
    }

    /**
     * One source as the decoder reads it: its rows {@code first .. first + rows - 1} of its chunk's memory and, per
     * decoder layer, of their cross-attention keys and values ([chunk rows, d] arrays shared by the chunk's
     * sources). A source without tokens has one row (its padding row, see the class javadoc) but no copy column.
     *
     * @param rows       memory rows read by attention
     * @param copyLength copy columns of the output (the source's tokens)
     */
    record Source(int first, int rows, int copyLength, float[] memory, float[][] keys, float[][] values) {
    }

    /**
     * Runs the encoder over a chunk of sources, each over its own rows only, and projects the memory to the
     * decoder's cross-attention keys and values.
     */
    Source[] encode(List<SeqCodec.Source> chunk) {
        int b = chunk.size();
        int[] first = new int[b + 1];
        int longest = 1;
        for (int i = 0; i < b; i++) {
            int rows = Math.max(1, chunk.get(i).length());
            first[i + 1] = first[i] + rows;
            longest = Math.max(longest, rows);
        }
        int n = first[b];
        float[] x = encoderInput(chunk, first, n, longest);
        float[] normed = new float[n * d];
        float[] qkv = new float[n * 3 * d];
        float[] q = new float[n * d];
        float[] k = new float[n * d];
        float[] v = new float[n * d];
        float[] context = new float[n * d];
        float[] out = new float[n * d];
        float[] hidden = new float[n * ffn];
        for (EncoderLayer w : encoder.layers()) {
            layerNorm(x, n, w.self().normGain(), w.self().normBias(), normed);
            matmul(normed, n, d, w.self().wqkv(), 3 * d, null, qkv);
            split(qkv, n, q, k, v);
            for (int i = 0; i < b; i++) {
                for (int r = first[i]; r < first[i + 1]; r++) {
                    attend(q, r, k, v, first[i], first[i + 1] - first[i], context);
                }
            }
            matmul(context, n, d, w.self().wo(), d, w.self().bo(), out);
            add(x, out);
            feedForward(x, n, w.ffn(), normed, hidden, out);
        }
        float[] memory = new float[n * d];
        layerNorm(x, n, encoder.finalGain(), encoder.finalBias(), memory);
        float[][] keys = new float[layers][];
        float[][] values = new float[layers][];
        float[] kv = new float[n * 2 * d];
        for (int l = 0; l < layers; l++) {
            matmul(memory, n, d, crossWkv[l], 2 * d, null, kv);
            keys[l] = new float[n * d];
            values[l] = new float[n * d];
            split(kv, n, keys[l], values[l]);
        }
        Source[] sources = new Source[b];
        for (int i = 0; i < b; i++) {
            sources[i] = new Source(first[i], first[i + 1] - first[i], chunk.get(i).length(), memory, keys, values);
        }
        return sources;
    }

    /** The encoder's input rows [n, d]: source i in rows first[i] .. first[i + 1] - 1 (padding row 0 if empty). */
    private float[] encoderInput(List<SeqCodec.Source> chunk, int[] first, int n, int longest) {
        float[] x = new float[n * d];
        float[] table = encoder.table();
        double scale = Math.sqrt(d);
        if (encoder.projection() != null) {
            int dim = BgeTokenStates.DIMENSION;
            float[] states = new float[n * dim];
            for (int i = 0; i < chunk.size(); i++) {
                SeqCodec.Source src = chunk.get(i);
                for (int j = 0; j < src.length(); j++) {
                    src.states().copyState(j, states, (first[i] + j) * dim);
                }
            }
            matmul(states, n, dim, encoder.projection(), d, encoder.projectionBias(), x);
        } else {
            if (longest * d > positions.length) {
                throw new IllegalStateException("a source of " + longest + " tokens is past the "
                        + positions.length / d + " positions of the table");
            }
            for (int i = 0; i < chunk.size(); i++) {
                for (int j = 0; j < first[i + 1] - first[i]; j++) {
                    System.arraycopy(positions, j * d, x, (first[i] + j) * d, d);
                }
            }
        }
        for (int i = 0; i < chunk.size(); i++) {
            int[] ids = chunk.get(i).ids();
            for (int j = 0; j < first[i + 1] - first[i]; j++) {
                int id = j < ids.length ? ids[j] : 0; // an empty source's padding row reads id 0
                int o = (first[i] + j) * d;
                for (int c = 0; c < d; c++) {
                    x[o + c] += (float) (table[id * d + c] * scale);
                }
            }
        }
        return x;
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
                int row = (sources[i].first() + copiedFrom[i]) * d;
                for (int j = 0; j < d; j++) {
                    x[i * d + j] += mem[row + j];
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
            layerNorm(x, n, w.self().normGain(), w.self().normBias(), normed);
            matmul(normed, n, d, w.self().wqkv(), 3 * d, null, qkv);
            for (int i = 0; i < n; i++) {
                State s = states[i];
                System.arraycopy(qkv, i * 3 * d, q, i * d, d);
                System.arraycopy(qkv, i * 3 * d + d, s.keys[l], s.length * d, d);
                System.arraycopy(qkv, i * 3 * d + 2 * d, s.values[l], s.length * d, d);
                attend(q, i, s.keys[l], s.values[l], 0, s.length + 1, context);
            }
            matmul(context, n, d, w.self().wo(), d, w.self().bo(), out);
            add(x, out);
            // cross-attention over the source's memory
            layerNorm(x, n, w.ln2g(), w.ln2b(), normed);
            matmul(normed, n, d, w.cwq(), d, null, q);
            for (int i = 0; i < n; i++) {
                Source src = sources[i];
                attend(q, i, src.keys()[l], src.values()[l], src.first(), src.rows(), context);
            }
            matmul(context, n, d, w.cwo(), d, w.cbo(), out);
            add(x, out);
            feedForward(x, n, w.ffn(), normed, hidden, out);
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
                int base = sources[i].first() * d;
                for (int j = 0; j < sources[i].copyLength(); j++) {
                    float dot = 0f;
                    for (int c = 0; c < d; c++) {
                        dot += hc[i * d + c] * mem[base + j * d + c];
                    }
                    row[vocabulary + j] = (float) (dot * copyScale);
                }
            }
            logits[i] = row;
        }
        return logits;
    }

    /**
     * Multi-head attention of query row {@code i} of {@code q} over rows {@code first .. first + length - 1} of
     * {@code keys}/{@code values} (rows of d, head h in columns h*dh .. (h+1)*dh - 1); writes row i of
     * {@code context}. No bias: every row offered is one the query may read.
     */
    private void attend(float[] q, int i, float[] keys, float[] values, int first, int length, float[] context) {
        float[] scores = new float[length];
        double scale = 1.0 / Math.sqrt(dh);
        Arrays.fill(context, i * d, (i + 1) * d, 0f);
        for (int h = 0; h < heads; h++) {
            int qo = i * d + h * dh;
            headScores(q, qo, keys, (first * d) + h * dh, length, scores);
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < length; j++) {
                scores[j] = (float) (scores[j] * scale);
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
                scores[j] *= inv;
            }
            headContext(scores, values, (first * d) + h * dh, length, context, qo);
        }
    }

    /**
     * Adds to context's dh values from {@code qo} the sum over j of weights[j] times value row j's head (from
     * {@code vo + j * d}), four rows per pass over the context (a pass per row re-reads and re-writes it for one
     * product each: 1.6 against 2.6 ms for a math chunk's encoder in a micro-benchmark).
     */
    private void headContext(float[] weights, float[] values, int vo, int length, float[] context, int qo) {
        int j = 0;
        for (; j + 3 < length; j += 4) {
            float p0 = weights[j];
            float p1 = weights[j + 1];
            float p2 = weights[j + 2];
            float p3 = weights[j + 3];
            int v0 = vo + j * d;
            int v1 = v0 + d;
            int v2 = v1 + d;
            int v3 = v2 + d;
            for (int c = 0; c < dh; c++) {
                context[qo + c] += p0 * values[v0 + c] + p1 * values[v1 + c] + p2 * values[v2 + c]
                        + p3 * values[v3 + c];
            }
        }
        for (; j < length; j++) {
            float p = weights[j];
            int v0 = vo + j * d;
            for (int c = 0; c < dh; c++) {
                context[qo + c] += p * values[v0 + c];
            }
        }
    }

    /**
     * scores[j] = the dot product of q's head (dh values from {@code qo}) with key row j's (from {@code ko + j * d}),
     * four keys at a time: each sum still runs along its dh values in order, but four independent sums keep the
     * adder busy where one sum waits for its previous addition (1.8 against 2.5 ms for a math chunk's encoder
     * scores in a micro-benchmark; the same bits as one sum at a time).
     */
    private void headScores(float[] q, int qo, float[] keys, int ko, int length, float[] scores) {
        int j = 0;
        for (; j + 3 < length; j += 4) {
            int k0 = ko + j * d;
            int k1 = k0 + d;
            int k2 = k1 + d;
            int k3 = k2 + d;
            float a0 = 0f;
            float a1 = 0f;
            float a2 = 0f;
            float a3 = 0f;
            for (int c = 0; c < dh; c++) {
                float x = q[qo + c];
                a0 += x * keys[k0 + c];
                a1 += x * keys[k1 + c];
                a2 += x * keys[k2 + c];
                a3 += x * keys[k3 + c];
            }
            scores[j] = a0;
            scores[j + 1] = a1;
            scores[j + 2] = a2;
            scores[j + 3] = a3;
        }
        for (; j < length; j++) {
            int k0 = ko + j * d;
            float a0 = 0f;
            for (int c = 0; c < dh; c++) {
                a0 += q[qo + c] * keys[k0 + c];
            }
            scores[j] = a0;
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
            // bulk copies through the buffers' direct views (setData and asFloat go element by element)
            a.data().asNioFloat().put(x, 0, n * k);
            INDArray c = scratch(products, n, m);
            Nd4j.gemm(a, w.array(), c, false, false, 1.0, 0.0);
            c.data().asNioFloat().get(out, 0, n * m);
            if (bias != null) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < m; j++) {
                        out[i * m + j] += bias[j];
                    }
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

    /**
     * A pool of the {@link #POOLED_SHAPES} shapes used last: the encoder's row counts change from chunk to chunk
     * (a chunk's total source length), so a pool of every shape would grow with the chunks of a call.
     */
    private static Map<Long, INDArray> shapePool() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, INDArray> eldest) {
                return size() > POOLED_SHAPES;
            }
        };
    }

    /** A weight matrix both as host values (the loop) and as an ND4J array (BLAS). */
    private record Matrix(float[] values, INDArray array) {
    }

    private static Matrix matrix(Function<String, INDArray> weight, String name) {
        return matrix(array(weight, name));
    }

    private static Matrix matrix(INDArray a) {
        INDArray c = a.castTo(DataType.FLOAT).dup('c');
        return new Matrix(HostArrays.values(c), c);
    }

    private static INDArray array(Function<String, INDArray> weight, String name) {
        return weight.apply(name);
    }

    /** The named [d, d] weights side by side, [d, d * names]: one product instead of one per weight. */
    private static Matrix sideBySide(Function<String, INDArray> weight, String... names) {
        INDArray[] parts = new INDArray[names.length];
        for (int i = 0; i < names.length; i++) {
            parts[i] = array(weight, names[i]);
        }
        return matrix(Nd4j.hstack(parts));
    }

    /** Splits rows of (parts x d) values, e.g. [n, 3d] = q | k | v, into the given [n, d] arrays. */
    private void split(float[] rows, int n, float[]... parts) {
        int width = parts.length * d;
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < parts.length; p++) {
                System.arraycopy(rows, i * width + p * d, parts[p], i * d, d);
            }
        }
    }

    /**
     * The feed-forward sublayer of the n rows of x, residual included: x += relu(norm(x) W1 + b1) W2 + b2
     * ({@code normed}, {@code hidden}, {@code out}: work arrays of [n, d], [n, ffn], [n, d]).
     */
    private void feedForward(float[] x, int n, FeedForward f, float[] normed, float[] hidden, float[] out) {
        layerNorm(x, n, f.normGain(), f.normBias(), normed);
        matmul(normed, n, d, f.w1(), ffn, f.b1(), hidden);
        relu(hidden);
        matmul(hidden, n, ffn, f.w2(), d, f.b2(), out);
        add(x, out);
    }

    private static void relu(float[] x) {
        for (int j = 0; j < x.length; j++) {
            x[j] = Math.max(0f, x[j]);
        }
    }

    private static void add(float[] x, float[] y) {
        for (int j = 0; j < x.length; j++) {
            x[j] += y[j];
        }
    }
}
