package io.github.goldkd.student;

import com.google.gson.Gson;
import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Loss;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.core.io.TaskJson;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
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
import java.io.IOException;
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
 * {@code GlobalPoolingLayer} → [{@code DenseLayer}] → {@code OutputLayer(IDENTITY, GoldLossFunction)}); it
 * computes the logits, is saved with {@code ModelSerializer} and could be trained by DL4J as it is. Training
 * itself runs in a hand-written loop over the same parameters, because a dense DL4J graph updates the whole
 * embedding table on every step and was 8–14× slower than fastText here: mini-batch SGD on the mean
 * gradient with fastText's linear learning-rate decay, where a step touches only the embedding rows of
 * the batch's tokens. The gradient comes from the gold-core {@link Loss} of the training options, so the
 * two paths share their math; a test checks that the hand-written forward pass and the graph agree.
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
    private ComputationGraph graph;
    private boolean trained;
    /** The trained parameters between prepare() and finishFit() of a fit; the graph holds them otherwise. */
    private Params params;
    private Buffers buffers;

    /** Feature ids of each sample. */
    record Encoded(int[][] features) {
    }

    private BagOfEmbeddingsStudent(Task task, TrainingOptions options, BagOfEmbeddingsConfig config,
                                   Vocabulary vocabulary, ComputationGraph graph, boolean trained) {
        super(task, options);
        this.config = config;
        this.tokenizer = new Tokenizer(config.lowercase());
        this.loss = options.loss();
        this.featurizer = new TextFeaturizer(tokenizer, vocabulary, config.maxLength(), config.bigramBuckets());
        this.graph = graph != null ? graph : buildGraph(featurizer.featureCount(), task.labels().size(), config,
                GoldLossFunction.of(options.loss()), options.seed());
        this.trained = trained;
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

    /** The DL4J graph holding the parameters (for inspection; training through it bypasses this class). */
    public ComputationGraph network() {
        return graph;
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
                texts.add(capped.tokens(s.text()));
            }
            Vocabulary vocabulary = Vocabulary.build(texts, config.minCount());
            featurizer = new TextFeaturizer(tokenizer, vocabulary, config.maxLength(), config.bigramBuckets());
            graph = buildGraph(featurizer.featureCount(), task.labels().size(), config,
                    GoldLossFunction.of(options.loss()), options.seed());
        }
        params = Params.read(graph, config.hiddenSize() > 0);
        buffers = new Buffers(params, config.batchSize());
    }

    @Override
    Encoded encode(List<Sample> samples) {
        int[][] f = new int[samples.size()][];
        for (int i = 0; i < f.length; i++) {
            f[i] = featurizer.features(samples.get(i).text());
        }
        return new Encoded(f);
    }

    @Override
    float[][] forward(Encoded data, int[] rows) {
        Params p = params;
        float[][] out = new float[rows.length][p.classes];
        float[] x = new float[p.dim];
        float[] a = new float[Math.max(1, p.hidden)];
        for (int t = 0; t < rows.length; t++) {
            float[] in = p.forward(data.features[rows[t]], x, a);
            p.logits(in, out[t]);
        }
        return out;
    }

    @Override
    double step(Encoded data, int[] labels, int[] rows, double progress) {
        Params p = params;
        Buffers b = buffers;
        int d = p.dim;
        int h = p.hidden;
        int c = p.classes;
        int in = h > 0 ? h : d;
        int m = rows.length;
        b.ensure(m, d);
        b.clear();
        double lossSum = 0;
        float[] zf = new float[c];
        double[] z = new double[c];
        double[] gz = new double[c];
        for (int t = 0; t < m; t++) {
            int[] f = data.features[rows[t]];
            float[] input = p.forward(f, b.x, b.a);
            p.logits(input, zf);
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
            int gxBase = t * d;
            if (h > 0) {
                for (int j = 0; j < h; j++) {
                    float ga = b.a[j] > 0 ? b.gIn[j] : 0f;
                    b.gIn[j] = ga;
                    b.gb1[j] += ga;
                }
                for (int i = 0; i < d; i++) {
                    float xi = b.x[i];
                    float g = 0;
                    int base = i * h;
                    for (int j = 0; j < h; j++) {
                        b.gW1[base + j] += xi * b.gIn[j];
                        g += p.w1[base + j] * b.gIn[j];
                    }
                    b.gx[gxBase + i] = g;
                }
            } else {
                System.arraycopy(b.gIn, 0, b.gx, gxBase, d);
            }
        }
        float lr = (float) (config.learningRate() * (1.0 - progress));
        float scale = lr / m;
        // sparse step: only the embedding rows of this batch's features move (the mean's 1/n included)
        float[] emb = p.emb;
        for (int t = 0; t < m; t++) {
            int[] f = data.features[rows[t]];
            float s = scale / f.length;
            int gxBase = t * d;
            for (int id : f) {
                int base = id * d;
                for (int i = 0; i < d; i++) {
                    emb[base + i] -= s * b.gx[gxBase + i];
                }
            }
        }
        axpy(-scale, b.gWo, p.wo);
        axpy(-scale, b.gbo, p.bo);
        if (h > 0) {
            axpy(-scale, b.gW1, p.w1);
            axpy(-scale, b.gb1, p.b1);
        }
        return lossSum;
    }

    private static void axpy(float alpha, float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += alpha * x[i];
        }
    }

    @Override
    void finishFit() {
        params.write(graph);
        params = null;
        buffers = null;
        trained = true;
    }

    @Override
    Object snapshot() {
        return params.copy();
    }

    @Override
    void restore(Object snapshot) {
        params = ((Params) snapshot).copy();
    }

    @Override
    INDArray outputBatch(List<Sample> chunk) {
        INDArray[] idsAndMask = Networks.padded(encode(chunk).features);
        return graph.output(false, new INDArray[] {idsAndMask[0]}, new INDArray[] {idsAndMask[1]})[0];
    }

    @Override
    public void save(Path file) {
        save(file, trained, featurizer.vocabulary().tokens(), out -> ModelSerializer.writeModel(graph, out, true));
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = super.describe();
        m.put("vocabulary", featurizer.vocabulary().size());
        return m;
    }

    static ComputationGraph buildGraph(int features, int classes, BagOfEmbeddingsConfig config,
                                       GoldLossFunction lossFunction, long seed) {
        int d = config.embeddingDim();
        ComputationGraphConfiguration.GraphBuilder gb = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Sgd(config.learningRate()))
                .graphBuilder()
                .addInputs("ids")
                // nIn given explicitly and no setInputTypes: that call would overwrite nIn with 1 (dl4j.md)
                .addLayer("emb", new EmbeddingSequenceLayer.Builder().nIn(features).nOut(d).hasBias(false)
                        .weightInit(new UniformDistribution(-1.0 / Math.sqrt(d), 1.0 / Math.sqrt(d))).build(), "ids")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "emb");
        String last = "pool";
        int width = d;
        if (config.hiddenSize() > 0) {
            gb.addLayer("hidden", new DenseLayer.Builder().nIn(d).nOut(config.hiddenSize())
                    .activation(Activation.RELU).weightInit(WeightInit.RELU).build(), "pool");
            last = "hidden";
            width = config.hiddenSize();
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

    /** The parameters as flat row-major float arrays, which the training loop updates in place. */
    static final class Params {
        final int features;
        final int dim;
        final int hidden;
        final int classes;
        final float[] emb;
        final float[] w1;
        final float[] b1;
        final float[] wo;
        final float[] bo;

        private Params(int features, int dim, int hidden, int classes, float[] emb, float[] w1, float[] b1, float[] wo,
                       float[] bo) {
            this.features = features;
            this.dim = dim;
            this.hidden = hidden;
            this.classes = classes;
            this.emb = emb;
            this.w1 = w1;
            this.b1 = b1;
            this.wo = wo;
            this.bo = bo;
        }

        static Params read(ComputationGraph g, boolean hasHidden) {
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
            return new Params(features, dim, hidden, classes, flat(e), w1, b1, flat(wo),
                    flat(g.getLayer("out").getParam("b")));
        }

        void write(ComputationGraph g) {
            assign(g.getLayer("emb").getParam("W"), emb);
            if (hidden > 0) {
                assign(g.getLayer("hidden").getParam("W"), w1);
                assign(g.getLayer("hidden").getParam("b"), b1);
            }
            assign(g.getLayer("out").getParam("W"), wo);
            assign(g.getLayer("out").getParam("b"), bo);
        }

        private static float[] flat(INDArray a) {
            return a.dup('c').reshape(a.length()).toFloatVector();
        }

        private static void assign(INDArray param, float[] values) {
            param.assign(Nd4j.create(values, param.shape(), 'c'));
        }

        Params copy() {
            return new Params(features, dim, hidden, classes, emb.clone(), w1 == null ? null : w1.clone(),
                    b1 == null ? null : b1.clone(), wo.clone(), bo.clone());
        }

        /**
         * Mean embedding of {@code f} into {@code x}; with a hidden layer relu(x W1 + b1) into {@code a}.
         * Returns the output layer's input: {@code x}, or {@code a} with a hidden layer.
         */
        float[] forward(int[] f, float[] x, float[] a) {
            Arrays.fill(x, 0f);
            for (int id : f) {
                int base = id * dim;
                for (int i = 0; i < dim; i++) {
                    x[i] += emb[base + i];
                }
            }
            float inv = 1f / f.length;
            for (int i = 0; i < dim; i++) {
                x[i] *= inv;
            }
            if (hidden == 0) {
                return x;
            }
            System.arraycopy(b1, 0, a, 0, hidden);
            for (int i = 0; i < dim; i++) {
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
        float[] gx;

        Buffers(Params p, int batch) {
            x = new float[p.dim];
            a = new float[Math.max(1, p.hidden)];
            gIn = new float[Math.max(p.dim, p.hidden)];
            gWo = new float[p.wo.length];
            gbo = new float[p.bo.length];
            gW1 = p.hidden > 0 ? new float[p.w1.length] : null;
            gb1 = p.hidden > 0 ? new float[p.b1.length] : null;
            gx = new float[batch * p.dim];
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
            return new BagOfEmbeddingsStudent(task, options, config, Vocabulary.empty(), null, false);
        }

        /** Restores a saved student; its batch filter is {@link BatchFilter#NONE} (filters are not stored). */
        @Override
        public BagOfEmbeddingsStudent load(Path file) {
            StudentArchive.Contents c = StudentArchive.read(file, KIND);
            try {
                Task task = TaskJson.fromJson(c.meta().getAsJsonObject("task"));
                BagOfEmbeddingsConfig saved = new Gson().fromJson(c.meta().get("config"), BagOfEmbeddingsConfig.class);
                ComputationGraph g = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(c.network()), true);
                GoldLossFunction lf = Networks.lossOf(g.getOutputLayer(0));
                long seed = c.meta().get("seed").getAsLong();
                Vocabulary vocabulary = Vocabulary.of(c.vocabulary());
                BagOfEmbeddingsStudent s = new BagOfEmbeddingsStudent(task,
                        new TrainingOptions(lf.loss(), BatchFilter.NONE, seed), saved, vocabulary, g,
                        c.meta().get("trained").getAsBoolean());
                if (s.featurizer.featureCount() != g.getLayer("emb").getParam("W").size(0)) {
                    throw new StudentException("student file " + file + ": vocabulary and network do not match");
                }
                return s;
            } catch (IOException | RuntimeException e) {
                if (e instanceof StudentException se) {
                    throw se;
                }
                throw new StudentException("cannot load student from " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("class", BagOfEmbeddingsStudent.class.getName(), "config", config);
        }
    }
}
