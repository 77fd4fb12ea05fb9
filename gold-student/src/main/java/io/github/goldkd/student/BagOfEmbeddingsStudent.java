package io.github.goldkd.student;

import com.google.gson.Gson;
import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Loss;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TrainingOptions;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ReshapeVertex;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A fastText-like student: token and hashed word-bigram embeddings, masked mean pooling, an optional ReLU
 * hidden layer and a linear output layer whose output is the logits.
 *
 * <p>The model is a DL4J {@link ComputationGraph} ({@code EmbeddingSequenceLayer} → masked average
 * {@code GlobalPoolingLayer} → [{@code DenseLayer}] → {@code OutputLayer(IDENTITY, GoldLossFunction)}): DL4J
 * initialises its parameters, a student file holds it ({@code ModelSerializer}), and {@link #network()} gives it
 * with the current parameters. The parameters themselves live in one place, flat Java arrays, which a
 * hand-written loop trains and a hand-written forward pass reads for the logits: a dense DL4J graph updates the
 * whole embedding table on every step and was far slower than fastText here (BENCHMARKS.md, "students against
 * fastText"). The loop is mini-batch SGD on the mean gradient with fastText's linear learning-rate decay, where
 * a step touches only the embedding rows of the batch's tokens. The gradient comes from the gold-core
 * {@link Loss} of the training options, so the two paths share their math; tests check that the hand-written
 * forward pass and the graph agree.
 *
 * <p>On a sentence-pair task ({@link Task#isPair()}) each of the two fields gets its own bag, u and v (the
 * same embedding table), and the layers above read [u, v, |u - v|, u * v, overlap], where overlap are the
 * {@link LexicalOverlap} features of the raw texts: a bag over the joined text cannot tell which words come
 * from which field, so it cannot learn how the two relate. The sparse training design is kept: a step
 * still moves only the embedding rows of the batch's tokens, through both bags. The graph then has the
 * inputs {@code ids} (the two fields' rows interleaved: first, second, first, second, ...) and
 * {@code overlap}; one embedding layer and one pooling read both fields, and a reshape puts each pair's two
 * bags side by side ([2n, d] → [n, 2d]) before they are split into u and v. A student file written before pair-aware students reads
 * its task as one joined text, as it was trained.
 *
 * <p>With {@link BagOfEmbeddingsConfig#pairWide()} the overlap features take the wide path instead
 * ({@link WidePath}): standardised, they join just before the output layer, so the logits are the deep path's
 * (the bags, the optional hidden layer) plus their own linear map's, which starts as their logistic regression
 * and trains at its own rate. A pair file written before the wide path loads without it, as it was trained.
 *
 * <p>The vocabulary is built on the first {@link #fit} from its training part and kept afterwards; unknown
 * tokens map to {@link Vocabulary#UNK}. Same seeds give the same model.
 */
public final class BagOfEmbeddingsStudent extends AbstractStudent<BagOfEmbeddingsStudent.Encoded> {

    static final String KIND = "bag-of-embeddings";

    private final BagOfEmbeddingsConfig config;
    private final Tokenizer tokenizer;
    private final Loss loss;
    private TextFeaturizer featurizer;
    private boolean trained;
    /** The parameters: the only copy of the weights (the graph is built from them when needed). */
    private Params params;
    /** Gradient buffers, between prepare() and finishFit() of a fit. */
    private Buffers buffers;
    /** Whether the task's two pair fields get a bag each (see the class comment). */
    private final boolean pair;
    /** Whether the overlap features take the wide path ({@link BagOfEmbeddingsConfig#pairWide()}). */
    private final boolean wide;
    /** The wide path's standardisation: made on the first fit, null before it and without a wide path. */
    private WidePath widePath;

    /**
     * Feature ids of each sample; for a pair, {@code features} are the first field's, {@code second} the
     * second field's and {@code overlap} the lexical-overlap features (both null for a single text).
     */
    record Encoded(int[][] features, int[][] second, float[][] overlap) {
        Encoded(int[][] features) {
            this(features, null, null);
        }
    }

    private BagOfEmbeddingsStudent(Task task, TrainingOptions options, BagOfEmbeddingsConfig config,
                                   Vocabulary vocabulary, Params params, boolean trained, boolean pair,
                                   WidePath widePath) {
        super(task, options);
        this.config = config;
        this.pair = pair;
        this.wide = pair && config.pairWide();
        this.widePath = widePath;
        this.tokenizer = new Tokenizer(config.lowercase());
        this.loss = options.loss();
        this.featurizer = new TextFeaturizer(tokenizer, vocabulary, config.maxLength(), config.bigramBuckets());
        this.params = params != null ? params : initialParams();
        this.trained = trained;
    }

    /** Whether this student reads the task's two pair fields as two bags. */
    public boolean readsPairs() {
        return pair;
    }

    /** A factory of bag-of-embeddings students with this configuration. */
    public static Factory factory(BagOfEmbeddingsConfig config) {
        return new Factory(config);
    }

    /** A factory with the default configuration. */
    public static Factory factory() {
        return new Factory(BagOfEmbeddingsConfig.defaults());
    }

    @Override
    public BagOfEmbeddingsConfig config() {
        return config;
    }

    /** The vocabulary: only padding and unknown before the first fit. */
    public Vocabulary vocabulary() {
        return featurizer.vocabulary();
    }

    /**
     * A DL4J graph of this model holding a copy of its current parameters (built on each call: training it, or
     * setting its parameters, leaves this student as it is).
     */
    public ComputationGraph network() {
        ComputationGraph graph = newGraph();
        params.write(graph);
        return graph;
    }

    /** A graph of this model with DL4J's initial parameters for the options' seed. */
    private ComputationGraph newGraph() {
        return NetworkRandom.isolated(() -> buildGraph(featurizer.featureCount(), task.labels().size(), config,
                GoldLossFunction.of(options.loss()), options.seed(), pair, wide));
    }

    /** The parameters DL4J initialises (the same for the same seed); the graph is dropped after reading them. */
    private Params initialParams() {
        return Params.read(newGraph(), config.hiddenSize() > 0, pair, wide);
    }

    @Override
    String kind() {
        return KIND;
    }




    @Override
    void prepare(Dataset train) {
        if (!trained) {
            List<List<String>> texts = new ArrayList<>(train.size());
            TextFeaturizer capped = new TextFeaturizer(tokenizer, Vocabulary.empty(), config.maxLength(), 0);
            for (Sample s : train) {
                if (pair) {
                    for (String field : task.pairTexts(s)) {
                        texts.add(capped.tokens(field));
                    }
                } else {
                    texts.add(capped.tokens(s.text()));
                }
            }
            Vocabulary vocabulary = Vocabulary.build(texts, config.minCount());
            featurizer = new TextFeaturizer(tokenizer, vocabulary, config.maxLength(), config.bigramBuckets());
            params = initialParams();
            if (wide) {
                warmStartWidePath(train);
            }
        }
        buffers = new Buffers(params, config.training().batchSize());
    }

    /**
     * Standardises the overlap features on {@code train} and sets the wide weights and the output bias to their
     * logistic regression; the deep output weights start at zero, so the student starts as that regression.
     */
    private void warmStartWidePath(Dataset train) {
        WidePath.WarmStart warm = WidePath.warmStart(task, train.samples(), labelsOf(train.samples()),
                params.classes);
        widePath = warm.path();
        float[] fitted = warm.weights();
        System.arraycopy(fitted, 0, params.ww, 0, params.ww.length);
        System.arraycopy(fitted, params.ww.length, params.bo, 0, params.classes);
    }

    @Override
    Encoded encode(List<Sample> samples) {
        int[][] f = new int[samples.size()][];
        if (!pair) {
            for (int i = 0; i < f.length; i++) {
                f[i] = featurizer.features(samples.get(i).text());
            }
            return new Encoded(f);
        }
        int[][] second = new int[f.length][];
        float[][] overlap = new float[f.length][];
        for (int i = 0; i < f.length; i++) {
            List<String> ab = task.pairTexts(samples.get(i));
            f[i] = featurizer.features(ab.get(0));
            second[i] = featurizer.features(ab.get(1));
            overlap[i] = LexicalOverlap.features(ab.get(0), ab.get(1));
            if (wide) {
                // before the first fit there is no standardisation yet: the wide weights are zero then
                overlap[i] = widePath == null ? new float[LexicalOverlap.COUNT] : widePath.standardise(overlap[i]);
            }
        }
        return new Encoded(f, second, overlap);
    }

    /** The output layer's input for row {@code r} of {@code data}, computed into the buffers x and a. */
    private static float[] input(Params p, Encoded data, int r, float[] x, float[] a) {
        return data.second == null ? p.forward(data.features[r], x, a)
                : p.forwardPair(data.features[r], data.second[r], data.overlap[r], x, a);
    }

    @Override
    float[][] forward(Encoded data, int[] rows) {
        Params p = params;
        float[][] out = new float[rows.length][p.classes];
        float[] x = new float[p.width];
        float[] a = new float[Math.max(1, p.hidden)];
        for (int t = 0; t < rows.length; t++) {
            float[] in = input(p, data, rows[t], x, a);
            p.logits(in, out[t]);
            if (p.wide) {
                WidePath.addLogits(p.ww, data.overlap[rows[t]], out[t]);
            }
        }
        return out;
    }

    @Override
    double step(Encoded data, int[] labels, int[] rows, double progress) {
        Params p = params;
        Buffers b = buffers;
        int d = p.dim;
        int w = p.width;
        int h = p.hidden;
        int c = p.classes;
        int in = h > 0 ? h : w;
        int m = rows.length;
        boolean twoBags = data.second != null;
        int bagGrads = twoBags ? 2 * d : d; // per row: the gradient into u (and v)
        b.ensure(m, bagGrads);
        b.clear();
        double lossSum = 0;
        float[] zf = new float[c];
        double[] z = new double[c];
        double[] gz = new double[c];
        for (int t = 0; t < m; t++) {
            float[] input = input(p, data, rows[t], b.x, b.a);
            p.logits(input, zf);
            if (p.wide) {
                WidePath.addLogits(p.ww, data.overlap[rows[t]], zf);
            }
            for (int k = 0; k < c; k++) {
                z[k] = zf[k];
            }
            int y = labels[rows[t]];
            lossSum += loss.value(z, y);
            loss.gradient(z, y, gz);
            // output layer: dW = input^T gz, db = gz; gradient into its input with the pre-step weights
            for (int j = 0; j < in; j++) {
                float v = input[j];
                float g = 0;
                int base = j * c;
                for (int k = 0; k < c; k++) {
                    b.gWo[base + k] += (float) (v * gz[k]);
                    g += p.wo[base + k] * (float) gz[k];
                }
                b.gIn[j] = g;
            }
            for (int k = 0; k < c; k++) {
                b.gbo[k] += (float) gz[k];
            }
            if (p.wide) {
                float[] zo = data.overlap[rows[t]];
                for (int j = 0; j < zo.length; j++) {
                    for (int k = 0; k < c; k++) {
                        b.gWw[j * c + k] += (float) (zo[j] * gz[k]);
                    }
                }
            }
            // gradient into the layer input x (the pooled bag, or the pair features)
            float[] gX = b.gX;
            if (h > 0) {
                for (int j = 0; j < h; j++) {
                    float ga = b.a[j] > 0 ? b.gIn[j] : 0f;
                    b.gIn[j] = ga;
                    b.gb1[j] += ga;
                }
                for (int i = 0; i < w; i++) {
                    float xi = b.x[i];
                    float g = 0;
                    int base = i * h;
                    for (int j = 0; j < h; j++) {
                        b.gW1[base + j] += xi * b.gIn[j];
                        g += p.w1[base + j] * b.gIn[j];
                    }
                    gX[i] = g;
                }
            } else {
                System.arraycopy(b.gIn, 0, gX, 0, w);
            }
            int gxBase = t * bagGrads;
            if (!twoBags) {
                System.arraycopy(gX, 0, b.gx, gxBase, d);
            } else {
                // x = [u, v, |u - v|, u * v(, overlap)]: the chain rule back into u and v (|.|' = sign, 0 at 0)
                for (int i = 0; i < d; i++) {
                    float u = b.x[i];
                    float v = b.x[d + i];
                    float sign = Math.signum(u - v);
                    b.gx[gxBase + i] = gX[i] + sign * gX[2 * d + i] + v * gX[3 * d + i];
                    b.gx[gxBase + d + i] = gX[d + i] - sign * gX[2 * d + i] + u * gX[3 * d + i];
                }
            }
        }
        float lr = (float) (config.training().learningRate() * (1.0 - progress));
        float scale = lr / m;
        // sparse step: only the embedding rows of this batch's features move (the mean's 1/n included)
        float[] emb = p.emb;
        for (int t = 0; t < m; t++) {
            sparseStep(emb, d, data.features[rows[t]], scale, b.gx, t * bagGrads);
            if (twoBags) {
                sparseStep(emb, d, data.second[rows[t]], scale, b.gx, t * bagGrads + d);
            }
        }
        axpy(-scale, b.gWo, p.wo);
        axpy(-scale, b.gbo, p.bo);
        if (p.wide) {
            axpy((float) (-config.wideLearningRate() * (1.0 - progress) / m), b.gWw, p.ww);
        }
        if (h > 0) {
            axpy(-scale, b.gW1, p.w1);
            axpy(-scale, b.gb1, p.b1);
        }
        return lossSum;
    }

    /** Moves the embedding rows of {@code f} against the gradient of their mean, {@code g[from..from + d)}. */
    private static void sparseStep(float[] emb, int d, int[] f, float scale, float[] g, int from) {
        float s = scale / f.length;
        for (int id : f) {
            int base = id * d;
            for (int i = 0; i < d; i++) {
                emb[base + i] -= s * g[from + i];
            }
        }
    }

    private static void axpy(float alpha, float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += alpha * x[i];
        }
    }

    @Override
    void finishFit() {
        buffers = null;
        trained = true;
    }

    /** The live parameters (tests read them around a step). */
    Params parameters() {
        return params;
    }

    /** Puts {@code p} in place of the parameters (tests probe the loss around a point). */
    void useParameters(Params p) {
        params = p;
    }

    @Override
    EarlyStopping.Snapshot snapshot() {
        Params copy = params.copy();
        return () -> params = copy;
    }

    @Override
    INDArray outputBatch(List<Sample> chunk) {
        return Nd4j.createFromArray(forward(encode(chunk), range(chunk.size())));
    }

    @Override
    public void save(Path file) {
        com.google.gson.JsonObject meta = metadata(trained);
        meta.addProperty("pair", pair);
        if (widePath != null) {
            widePath.save(meta);
        }
        ComputationGraph graph = network();
        StudentArchive.write(file, meta, featurizer.vocabulary().tokens(),
                out -> ModelSerializer.writeModel(graph, out, true));
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = super.describe();
        m.put("vocabulary", featurizer.vocabulary().size());
        m.put("pair", pair ? task.pairFields() : List.of());
        m.put("wide", wide);
        return m;
    }

    /**
     * Width of the layer above the bags: d for one bag, [u, v, |u - v|, u * v, overlap] for a pair, [u, v, |u - v|,
     * u * v] for a pair whose overlap features take the wide path.
     */
    static int inputWidth(int d, boolean pair, boolean wide) {
        return pair ? 4 * d + (wide ? 0 : LexicalOverlap.COUNT) : d;
    }

    /**
     * The graph. With the wide path the input {@code overlap} holds the standardised features and joins just before
     * the output layer, whose W then stacks the deep weights over the wide ones: its logits are the deep path's
     * plus the wide path's.
     */
    static ComputationGraph buildGraph(int features, int classes, BagOfEmbeddingsConfig config,
                                       GoldLossFunction lossFunction, long seed, boolean pair, boolean wide) {
        int d = config.embeddingDim();
        ComputationGraphConfiguration.GraphBuilder gb = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Sgd(config.training().learningRate()))
                .graphBuilder()
                .addInputs(pair ? new String[] {"ids", "overlap"} : new String[] {"ids"})
                // nIn given explicitly and no setInputTypes: that call would overwrite nIn with 1 (dl4j.md)
                .addLayer("emb", embedding(features, d), "ids")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "emb");
        String features0 = "pool";
        if (pair) {
            // ids holds 2n rows, each pair's first and second field in turn: one table embeds both (DL4J
            // layers cannot share parameters), and [2n, d] -> [n, 2d] puts each pair's bags side by side.
            // |u - v| = relu(u - v) + relu(v - u): M2.1 has no absolute-value vertex or activation.
            gb.addVertex("bags", new ReshapeVertex('c', new int[] {-1, 2 * d}, null), "pool")
                    .addVertex("u", new SubsetVertex(0, d - 1), "bags")
                    .addVertex("v", new SubsetVertex(d, 2 * d - 1), "bags")
                    .addVertex("u-v", new ElementWiseVertex(ElementWiseVertex.Op.Subtract), "u", "v")
                    .addVertex("v-u", new ElementWiseVertex(ElementWiseVertex.Op.Subtract), "v", "u")
                    .addLayer("relu(u-v)", new ActivationLayer.Builder().activation(Activation.RELU).build(), "u-v")
                    .addLayer("relu(v-u)", new ActivationLayer.Builder().activation(Activation.RELU).build(), "v-u")
                    .addVertex("|u-v|", new ElementWiseVertex(ElementWiseVertex.Op.Add), "relu(u-v)", "relu(v-u)")
                    .addVertex("u*v", new ElementWiseVertex(ElementWiseVertex.Op.Product), "u", "v")
                    .addVertex("pair", new MergeVertex(), wide ? new String[] {"u", "v", "|u-v|", "u*v"}
                            : new String[] {"u", "v", "|u-v|", "u*v", "overlap"});
            features0 = "pair";
        }
        int in = inputWidth(d, pair, wide);
        String last = features0;
        int width = in;
        if (config.hiddenSize() > 0) {
            gb.addLayer("hidden", new DenseLayer.Builder().nIn(in).nOut(config.hiddenSize())
                    .activation(Activation.RELU).weightInit(WeightInit.RELU).build(), features0);
            last = "hidden";
            width = config.hiddenSize();
        }
        if (wide) {
            gb.addVertex("deep+wide", new MergeVertex(), last, "overlap");
            last = "deep+wide";
            width += LexicalOverlap.COUNT;
        }
        // zero output weights, as fastText: the first steps then move the output layer only
        gb.addLayer("out", new OutputLayer.Builder().nIn(width).nOut(classes).activation(Activation.IDENTITY)
                        .weightInit(WeightInit.ZERO).lossFunction(lossFunction).build(), last)
                .setOutputs("out")
                .validateOutputLayerConfig(false);
        ComputationGraph g = new ComputationGraph(gb.build());
        g.init();
        return g;
    }

    private static EmbeddingSequenceLayer embedding(int features, int d) {
        return new EmbeddingSequenceLayer.Builder().nIn(features).nOut(d).hasBias(false)
                .weightInit(new UniformDistribution(-1.0 / Math.sqrt(d), 1.0 / Math.sqrt(d))).build();
    }

    /** The parameters as flat row-major float arrays, which the training loop updates in place. */
    static final class Params {
        final int features;
        final int dim;
        /** Width of the layer input above the bag(s): {@link #inputWidth}. */
        final int width;
        final boolean pair;
        /** Whether the overlap features take the wide path: then {@link #ww} holds its weights. */
        final boolean wide;
        final int hidden;
        final int classes;
        final float[] emb;
        final float[] w1;
        final float[] b1;
        /** The output layer's weights of the deep path: [width or hidden][classes]. */
        final float[] wo;
        final float[] bo;
        /** The wide path's weights [overlap features][classes], or null without one. */
        final float[] ww;

        private Params(int features, int dim, boolean pair, boolean wide, int hidden, int classes, float[] emb,
                       float[] w1, float[] b1, float[] wo, float[] bo, float[] ww) {
            this.features = features;
            this.dim = dim;
            this.pair = pair;
            this.wide = wide;
            this.width = inputWidth(dim, pair, wide);
            this.hidden = hidden;
            this.classes = classes;
            this.emb = emb;
            this.w1 = w1;
            this.b1 = b1;
            this.wo = wo;
            this.bo = bo;
            this.ww = ww;
        }

        static Params read(ComputationGraph g, boolean hasHidden, boolean pair, boolean wide) {
            INDArray e = g.getLayer("emb").getParam("W");
            INDArray wo = g.getLayer("out").getParam("W");
            int features = (int) e.size(0);
            int dim = (int) e.size(1);
            int classes = (int) wo.size(1);
            float[] w1 = null;
            float[] b1 = null;
            int hidden = 0;
            if (hasHidden) {
                INDArray w = g.getLayer("hidden").getParam("W");
                hidden = (int) w.size(1);
                w1 = flat(w);
                b1 = flat(g.getLayer("hidden").getParam("b"));
            }
            float[] out = flat(wo);
            float[] deep = out;
            float[] wideWeights = null;
            if (wide) {
                // W stacks the deep rows over the wide ones (the merge "deep+wide" of buildGraph)
                int split = out.length - LexicalOverlap.COUNT * classes;
                deep = Arrays.copyOfRange(out, 0, split);
                wideWeights = Arrays.copyOfRange(out, split, out.length);
            }
            return new Params(features, dim, pair, wide, hidden, classes, flat(e), w1, b1, deep,
                    flat(g.getLayer("out").getParam("b")), wideWeights);
        }

        void write(ComputationGraph g) {
            assign(g.getLayer("emb").getParam("W"), emb);
            if (hidden > 0) {
                assign(g.getLayer("hidden").getParam("W"), w1);
                assign(g.getLayer("hidden").getParam("b"), b1);
            }
            float[] out = wo;
            if (wide) {
                out = Arrays.copyOf(wo, wo.length + ww.length);
                System.arraycopy(ww, 0, out, wo.length, ww.length);
            }
            assign(g.getLayer("out").getParam("W"), out);
            assign(g.getLayer("out").getParam("b"), bo);
        }

        private static float[] flat(INDArray a) {
            return a.dup('c').reshape(a.length()).toFloatVector();
        }

        private static void assign(INDArray param, float[] values) {
            param.assign(Nd4j.create(values, param.shape(), 'c'));
        }

        Params copy() {
            return new Params(features, dim, pair, wide, hidden, classes, emb.clone(), w1 == null ? null : w1.clone(),
                    b1 == null ? null : b1.clone(), wo.clone(), bo.clone(), ww == null ? null : ww.clone());
        }

        /**
         * Mean embedding of {@code f} into {@code x}; with a hidden layer relu(x W1 + b1) into {@code a}.
         * Returns the output layer's input: {@code x}, or {@code a} with a hidden layer.
         */
        float[] forward(int[] f, float[] x, float[] a) {
            pool(f, x, 0);
            return hiddenOf(x, a);
        }

        /**
         * The pair features [u, v, |u - v|, u * v, overlap] of bags {@code fa} and {@code fb} into {@code x} (without
         * overlap when it takes the wide path); then as {@link #forward}.
         */
        float[] forwardPair(int[] fa, int[] fb, float[] overlap, float[] x, float[] a) {
            pool(fa, x, 0);
            pool(fb, x, dim);
            for (int i = 0; i < dim; i++) {
                float u = x[i];
                float v = x[dim + i];
                x[2 * dim + i] = Math.abs(u - v);
                x[3 * dim + i] = u * v;
            }
            if (!wide) {
                System.arraycopy(overlap, 0, x, 4 * dim, overlap.length);
            }
            return hiddenOf(x, a);
        }

        /** The mean embedding of {@code f} into {@code x[from..from + dim)}. */
        private void pool(int[] f, float[] x, int from) {
            Arrays.fill(x, from, from + dim, 0f);
            for (int id : f) {
                int base = id * dim;
                for (int i = 0; i < dim; i++) {
                    x[from + i] += emb[base + i];
                }
            }
            float inv = 1f / f.length;
            for (int i = 0; i < dim; i++) {
                x[from + i] *= inv;
            }
        }

        private float[] hiddenOf(float[] x, float[] a) {
            if (hidden == 0) {
                return x;
            }
            System.arraycopy(b1, 0, a, 0, hidden);
            for (int i = 0; i < width; i++) {
                float xi = x[i];
                int base = i * hidden;
                for (int j = 0; j < hidden; j++) {
                    a[j] += xi * w1[base + j];
                }
            }
            for (int j = 0; j < hidden; j++) {
                a[j] = Math.max(0f, a[j]);
            }
            return a;
        }

        void logits(float[] in, float[] z) {
            System.arraycopy(bo, 0, z, 0, classes);
            for (int j = 0; j < in.length; j++) {
                float v = in[j];
                int base = j * classes;
                for (int k = 0; k < classes; k++) {
                    z[k] += v * wo[base + k];
                }
            }
        }
    }

    /** Gradient accumulators of one step, reused across steps. */
    private static final class Buffers {
        final float[] x;
        final float[] a;
        final float[] gIn;
        final float[] gWo;
        final float[] gbo;
        final float[] gW1;
        final float[] gb1;
        final float[] gWw;
        /** Gradient into the layer input of one row. */
        final float[] gX;
        /** Per row of the batch: the gradient into the mean embedding(s), u (and v). */
        float[] gx;

        Buffers(Params p, int batch) {
            x = new float[p.width];
            a = new float[Math.max(1, p.hidden)];
            gIn = new float[Math.max(p.width, p.hidden)];
            gX = new float[p.width];
            gWo = new float[p.wo.length];
            gbo = new float[p.bo.length];
            gW1 = p.hidden > 0 ? new float[p.w1.length] : null;
            gb1 = p.hidden > 0 ? new float[p.b1.length] : null;
            gWw = p.wide ? new float[p.ww.length] : null;
            gx = new float[batch * (p.pair ? 2 * p.dim : p.dim)];
        }

        void ensure(int m, int d) {
            if (gx.length < m * d) {
                gx = new float[m * d];
            }
        }

        void clear() {
            Arrays.fill(gWo, 0f);
            Arrays.fill(gbo, 0f);
            if (gW1 != null) {
                Arrays.fill(gW1, 0f);
                Arrays.fill(gb1, 0f);
            }
            if (gWw != null) {
                Arrays.fill(gWw, 0f);
            }
        }
    }

    /** Creates and restores {@link BagOfEmbeddingsStudent}s. */
    public static final class Factory implements StudentFactory {
        private final BagOfEmbeddingsConfig config;

        private Factory(BagOfEmbeddingsConfig config) {
            this.config = java.util.Objects.requireNonNull(config, "config");
        }

        public BagOfEmbeddingsConfig config() {
            return config;
        }

        @Override
        public BagOfEmbeddingsStudent create(Task task, TrainingOptions options) {
            return new BagOfEmbeddingsStudent(task, options, config, Vocabulary.empty(), null, false, task.isPair(),
                    null);
        }

        /**
         * Restores a saved student (a student file or a run directory); its batch filter is
         * {@link BatchFilter#NONE} (filters are not stored).
         */
        @Override
        public BagOfEmbeddingsStudent load(Path file) {
            return restore(StudentFile.read(file));
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("class", BagOfEmbeddingsStudent.class.getName(), "config", config);
        }
    }

    /** Restores bag-of-embeddings students for {@link Students#load}. */
    public static final class Loader implements StudentLoader {
        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public BagOfEmbeddingsStudent load(StudentFile file) {
            return restore(file);
        }
    }

    private static BagOfEmbeddingsStudent restore(StudentFile f) {
        Path file = f.path();
        StudentArchive.Contents c = StudentArchive.read(f, KIND);
        return Networks.restore(file, () -> {
            Task task = f.task();
            BagOfEmbeddingsConfig saved = new Gson().fromJson(WidePath.withWideSettings(
                    TrainingSettings.withNestedSettings(c.meta().getAsJsonObject("config")), "wideLearningRate",
                    BagOfEmbeddingsConfig.WIDE_RATE_DEFAULT), BagOfEmbeddingsConfig.class);
            ComputationGraph g = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(c.network()), true);
            GoldLossFunction lf = Networks.lossOf(g.getOutputLayer(0));
            long seed = c.meta().get("seed").getAsLong();
            Vocabulary vocabulary = Vocabulary.of(c.vocabulary());
            boolean pair = savedAsPair(c.meta()) && task.isPair();
            if (pair != (g.getConfiguration().getNetworkInputs().size() == 2)) {
                throw new StudentException("student file " + file + ": its network "
                        + (pair ? "does not read" : "reads") + " a sentence pair, its metadata says otherwise");
            }
            boolean wide = pair && saved.pairWide();
            if (wide != (g.getVertex("deep+wide") != null)) {
                throw new StudentException("student file " + file + ": its network " + (wide ? "has no" : "has a")
                        + " wide path, its configuration says otherwise");
            }
            Params params = Params.read(g, saved.hiddenSize() > 0, pair, wide);
            boolean trained = c.meta().get("trained").getAsBoolean();
            // an untrained student has no standardisation yet: its first fit makes one
            WidePath widePath = wide && trained ? WidePath.read(c.meta(), "student file " + file, LexicalOverlap.COUNT) : null;
            BagOfEmbeddingsStudent s = new BagOfEmbeddingsStudent(task,
                    new TrainingOptions(lf.loss(), BatchFilter.NONE, seed), saved, vocabulary, params, trained, pair,
                    widePath);
            if (s.featurizer.featureCount() != params.features) {
                throw new StudentException("student file " + file + ": vocabulary and network do not match");
            }
            return s;
        });
    }
}
