package io.github.goldkd.student;

import com.google.gson.Gson;
import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Encoder;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.student.seq.TokenAlignment;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A frozen sentence {@link Encoder} with a DL4J MLP head: texts become vectors once (the encoder is wrapped in a
 * {@link CachingEncoder}, shared by every student of one factory), and only the head trains — a
 * {@code MultiLayerNetwork} of an optional ReLU hidden layer and a linear output layer whose output is the
 * logits ({@code IDENTITY} + {@link GoldLossFunction}), with Adam.
 *
 * <p>On a sentence-pair task ({@link Task#isPair()}: premise and hypothesis, question and sentence) each of
 * the two fields is embedded on its own, as u and v, and the head reads [u, v, |u - v|, u * v] (the
 * InferSent / Sentence-BERT classification features, each block scaled to entries of about 1) and
 * cos(u, v), followed, by default, by the {@link LexicalOverlap} features and the {@link TokenAlignment} features
 * (the soft word alignment of the two fields over bge-small's token states); a joined text would give the head
 * no way to compare the two. A student file written before
 * pair-aware students existed reads its task as one joined text, as it was trained. With a linear head the overlap
 * and alignment features take the wide path by default ({@link EncoderStudentConfig#pairWide()}, {@link WidePath}):
 * standardised, the head warm-started at their logistic regression, the embedding blocks scaled down so that the
 * deep part moves slower; a pair file written before it loads without it.
 *
 * <p>Any encoder works; {@link OnnxBgeEncoder} is the reference one. A saved student holds the head and the
 * encoder's name and dimension, not the encoder: load it through a factory given the same encoder.
 */
public final class EncoderStudent extends AbstractStudent<float[][]> {

    private static final Logger log = LoggerFactory.getLogger(EncoderStudent.class);
    static final String KIND = "encoder-mlp";

    private final EncoderStudentConfig config;
    private final CachingEncoder encoder;
    private final MultiLayerNetwork network;
    /** Whether each of the task's pair fields is embedded on its own (see the class comment). */
    private final boolean pair;
    /** Whether the overlap features take the wide path ({@link EncoderStudentConfig#pairWide()}). */
    private final boolean wide;
    /** The wide path's standardisation: made on the first fit, null before it and without a wide path. */
    private WidePath widePath;
    /** The pair's soft word alignment ({@link EncoderStudentConfig#pairAlignment()}), null when not read. */
    private final TokenAlignment alignment;

    private EncoderStudent(Task task, TrainingOptions options, EncoderStudentConfig config, CachingEncoder encoder,
                           MultiLayerNetwork network, boolean pair, WidePath widePath, TokenAlignment alignment) {
        super(task, options);
        this.config = config;
        this.encoder = encoder;
        this.pair = pair;
        this.wide = pair && config.pairWide();
        this.widePath = widePath;
        this.alignment = alignment;
        if (pair && config.pairAlignment() && alignment == null) {
            throw new IllegalStateException("a pair student with pairAlignment needs the token alignment");
        }
        this.network = network != null ? network : NetworkRandom.isolated(() -> buildNetwork(
                inputWidth(encoder.dimension(), pair, config), task.labels().size(), config,
                GoldLossFunction.of(options.loss()), options.seed()));
    }

    /**
     * The head's input width: the sentence vector, or the pair features [u, v, |u - v|, u * v, cos(u, v)] (u and v
     * left out without {@code pairVectors}), followed by the {@link #featureCount pair features}.
     */
    static int inputWidth(int dimension, boolean pair, EncoderStudentConfig config) {
        if (!pair) {
            return dimension;
        }
        return (config.pairVectors() ? 4 : 2) * dimension + 1 + featureCount(config);
    }

    /**
     * How many pair features follow the embedding blocks: the overlap features with {@code pairOverlap}, then the
     * alignment features with {@code pairAlignment}; with the wide path these are its features.
     */
    static int featureCount(EncoderStudentConfig config) {
        return (config.pairOverlap() ? LexicalOverlap.COUNT : 0) + (config.pairAlignment() ? TokenAlignment.COUNT : 0);
    }

    /** The raw {@link #featureCount pair features} of (first, second). */
    private float[] pairFeatures(String first, String second) {
        float[] f = new float[featureCount(config)];
        int at = 0;
        if (config.pairOverlap()) {
            System.arraycopy(LexicalOverlap.features(first, second), 0, f, 0, LexicalOverlap.COUNT);
            at = LexicalOverlap.COUNT;
        }
        if (config.pairAlignment()) {
            System.arraycopy(alignment.features(first, second), 0, f, at, TokenAlignment.COUNT);
        }
        return f;
    }

    /** A factory of students on {@code encoder} (wrapped in a cache unless it is one). */
    public static Factory factory(Encoder encoder, EncoderStudentConfig config) {
        return new Factory(CachingEncoder.of(encoder), config);
    }

    public static Factory factory(Encoder encoder) {
        return factory(encoder, EncoderStudentConfig.defaults());
    }

    @Override
    public EncoderStudentConfig config() {
        return config;
    }

    /** The caching encoder in front of the frozen one. */
    public CachingEncoder encoder() {
        return encoder;
    }

    public MultiLayerNetwork network() {
        return network;
    }

    @Override
    String kind() {
        return KIND;
    }




    @Override
    void prepare(Dataset train) {
        // the head's input size is the encoder's dimension: only the wide path's start depends on the data
        if (wide && widePath == null) {
            warmStartWidePath(train);
        }
    }

    /**
     * Standardises the pair features on {@code train} and sets the head to their logistic regression: their
     * output weights and the bias to its weights, every other weight to zero.
     */
    private void warmStartWidePath(Dataset train) {
        int classes = task.labels().size();
        List<Sample> samples = train.samples();
        float[][] raw = new float[samples.size()][];
        for (int i = 0; i < raw.length; i++) {
            List<String> ab = task.pairTexts(samples.get(i));
            raw[i] = pairFeatures(ab.get(0), ab.get(1));
        }
        WidePath.WarmStart warm = WidePath.warmStart(raw, labelsOf(samples), classes);
        widePath = warm.path();
        float[] fitted = warm.weights();
        int features = featureCount(config);
        INDArray w = network.getLayer(0).getParam("W");
        int rows = (int) w.size(0);
        float[][] start = new float[rows][classes];
        for (int j = 0; j < features; j++) {
            for (int k = 0; k < classes; k++) {
                start[rows - features + j][k] = fitted[j * classes + k];
            }
        }
        w.assign(Nd4j.createFromArray(start));
        network.getLayer(0).getParam("b").assign(Nd4j.createFromArray(
                java.util.Arrays.copyOfRange(fitted, features * classes, fitted.length)).reshape(1, classes));
    }

    /** Whether this student reads the task's two pair fields separately. */
    public boolean readsPairs() {
        return pair;
    }

    @Override
    float[][] encode(List<Sample> samples) {
        if (!pair) {
            List<String> texts = new ArrayList<>(samples.size());
            for (Sample s : samples) {
                texts.add(s.text());
            }
            return encoder.encodeAll(texts).toArray(new float[0][]);
        }
        // one call for both fields: the cache keys on each field's own text, so a sentence shared by several
        // pairs (QNLI's candidate sentences, a premise with several hypotheses) is embedded once
        int n = samples.size();
        List<String> texts = new ArrayList<>(2 * n);
        List<String> seconds = new ArrayList<>(n);
        for (Sample s : samples) {
            List<String> ab = task.pairTexts(s);
            texts.add(ab.get(0));
            seconds.add(ab.get(1));
        }
        texts.addAll(seconds);
        List<float[]> vectors = encoder.encodeAll(texts);
        int d = encoder.dimension();
        // Per dimension, a sentence vector's entries are about 1/sqrt(d) and u * v's about 1/d: scaled by sqrt(d)
        // and d, every block reads on the scale of the overlap features (about 1), so one learning rate suits
        // them all (unscaled, the default head stayed at the majority class after 10 epochs on QNLI pairs).
        // with the wide path the deep blocks are scaled down further (EncoderStudentConfig#deepScale)
        float deep = (float) config.deepFactor();
        float root = (float) Math.sqrt(d) * deep;
        int w = inputWidth(d, true, config);
        float[][] out = new float[n][w];
        for (int i = 0; i < n; i++) {
            float[] u = vectors.get(i);
            float[] v = vectors.get(n + i);
            float[] x = out[i];
            int at = 0;
            if (config.pairVectors()) {
                for (int j = 0; j < d; j++) {
                    x[j] = root * u[j];
                    x[d + j] = root * v[j];
                }
                at = 2 * d;
            }
            double cos = 0;
            double nu = 0;
            double nv = 0;
            for (int j = 0; j < d; j++) {
                x[at + j] = root * Math.abs(u[j] - v[j]);
                x[at + d + j] = deep * d * u[j] * v[j];
                cos += u[j] * v[j];
                nu += u[j] * u[j];
                nv += v[j] * v[j];
            }
            at += 2 * d;
            x[at++] = nu > 0 && nv > 0 ? deep * (float) (cos / Math.sqrt(nu * nv)) : 0f;
            float[] features = pairFeatures(texts.get(i), seconds.get(i));
            if (wide) {
                // before the first fit there is no standardisation yet (nor a trained head)
                features = widePath == null ? new float[features.length] : widePath.standardise(features);
            }
            System.arraycopy(features, 0, x, at, features.length);
        }
        return out;
    }

    private static INDArray rowsOf(float[][] data, int[] rows) {
        float[][] x = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            x[i] = data[rows[i]];
        }
        return Nd4j.createFromArray(x);
    }

    @Override
    float[][] forward(float[][] data, int[] rows) {
        return network.output(rowsOf(data, rows), false).toFloatMatrix();
    }

    @Override
    double step(float[][] data, int[] labels, int[] rows, double progress) {
        network.fit(new DataSet(rowsOf(data, rows), oneHot(labels, rows)));
        return network.score() * rows.length;
    }

    @Override
    EarlyStopping.Snapshot snapshot() {
        INDArray copy = network.params().dup();
        return () -> network.setParams(copy);
    }

    @Override
    INDArray outputBatch(List<Sample> chunk) {
        return network.output(Nd4j.createFromArray(encode(chunk)), false);
    }

    @Override
    public void save(Path file) {
        com.google.gson.JsonObject meta = metadata(true);
        meta.addProperty("encoder", encoder.name());
        meta.addProperty("encoderDimension", encoder.dimension());
        meta.addProperty("pair", pair);
        if (widePath != null) {
            widePath.save(meta);
        }
        StudentArchive.write(file, meta, null, out -> ModelSerializer.writeModel(network, out, true));
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = super.describe();
        m.put("encoder", encoder.name());
        m.put("pair", pair ? task.pairFields() : List.of());
        m.put("wide", wide);
        m.put("alignment", alignment != null);
        return m;
    }

    static MultiLayerNetwork buildNetwork(int inputs, int classes, EncoderStudentConfig config,
                                          GoldLossFunction lossFunction, long seed) {
        NeuralNetConfiguration.Builder nb = Networks.adamConfiguration(seed, config.training().learningRate(),
                config.l2());
        NeuralNetConfiguration.ListBuilder lb = nb.list();
        int width = inputs;
        int index = 0;
        double keep = 1.0 - config.dropout(); // DL4J takes the probability of keeping an input
        if (config.hiddenSize() > 0) {
            DenseLayer.Builder hidden = new DenseLayer.Builder().nIn(inputs).nOut(config.hiddenSize())
                    .activation(Activation.RELU).weightInit(WeightInit.RELU);
            if (config.dropout() > 0) {
                hidden.dropOut(keep);
            }
            lb.layer(index++, hidden.build());
            width = config.hiddenSize();
        }
        OutputLayer.Builder out = new OutputLayer.Builder().nIn(width).nOut(classes).activation(Activation.IDENTITY)
                .lossFunction(lossFunction);
        if (config.dropout() > 0) {
            out.dropOut(keep);
        }
        lb.layer(index, out.build());
        MultiLayerConfiguration conf = lb.build();
        // list().validateOutputLayerConfig(false) is not carried into the built config in M2.1 (dl4j.md)
        conf.setValidateOutputLayerConfig(false);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Creates and restores {@link EncoderStudent}s; every student of one factory shares its encoder cache. */
    public static final class Factory implements StudentFactory {
        private final CachingEncoder encoder;
        private final EncoderStudentConfig config;

        private Factory(CachingEncoder encoder, EncoderStudentConfig config) {
            this.encoder = encoder;
            this.config = Objects.requireNonNull(config, "config");
        }

        public EncoderStudentConfig config() {
            return config;
        }

        public CachingEncoder encoder() {
            return encoder;
        }

        @Override
        public EncoderStudent create(Task task, TrainingOptions options) {
            boolean pair = task.isPair();
            return new EncoderStudent(task, options, config, encoder, null, pair, null,
                    pair && config.pairAlignment() ? alignment() : null);
        }

        /**
         * Restores a saved student on this factory's encoder, which must have the saved dimension; its batch
         * filter is {@link BatchFilter#NONE} (filters are not stored).
         */
        @Override
        public EncoderStudent load(Path file) {
            return restore(StudentFile.read(file), encoder);
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("class", EncoderStudent.class.getName(), "encoder", encoder.name(), "config", config);
        }
    }

    /**
     * Restores encoder students for {@link Students#load} on the bundled bge-small encoder, the only encoder it
     * can create; a student trained on another encoder is loaded with
     * {@code EncoderStudent.factory(thatEncoder).load(path)}. Every student it loads shares one encoder.
     */
    public static final class Loader implements StudentLoader {
        private static CachingEncoder bge;

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public EncoderStudent load(StudentFile file) {
            String name = file.setting("encoder") == null ? "?" : file.setting("encoder").getAsString();
            String bgeName = OnnxBgeEncoder.NAME;
            if (!name.equals(bgeName)) {
                throw new StudentException("student file " + file.path() + " holds an encoder student trained on encoder '"
                        + name + "', which Students.load cannot create (it creates '" + bgeName
                        + "'); load it with EncoderStudent.factory(encoder).load(path), given that encoder");
            }
            return restore(file, bge());
        }

        private static synchronized CachingEncoder bge() {
            if (bge == null) {
                bge = CachingEncoder.of(OnnxBgeEncoder.create());
            }
            return bge;
        }
    }

    /** The JVM's shared token alignment ({@link TokenAlignment#shared()}), or an error naming the setting. */
    private static TokenAlignment alignment() {
        if (!TokenAlignment.isAvailable()) {
            throw new StudentException("pairAlignment needs bge-small's token states, from the optional dependency "
                    + OnnxBgeEncoder.ARTIFACT + "; add it to your build or set pairAlignment(false)");
        }
        return TokenAlignment.shared();
    }

    private static EncoderStudent restore(StudentFile f, CachingEncoder encoder) {
        Path file = f.path();
        StudentArchive.Contents c = StudentArchive.read(f, KIND);
        return Networks.restore(file, () -> {
            int dim = c.meta().get("encoderDimension").getAsInt();
            String name = c.meta().get("encoder").getAsString();
            if (dim != encoder.dimension()) {
                throw new StudentException("student file " + file + " was trained on encoder '" + name
                        + "' of dimension " + dim + ", this factory's encoder '" + encoder.name()
                        + "' has dimension " + encoder.dimension());
            }
            if (!name.equals(encoder.name())) {
                log.warn("student file {} was trained on encoder '{}', loading it on '{}'", file, name,
                        encoder.name());
            }
            Task task = f.task();
            EncoderStudentConfig saved = new Gson().fromJson(WidePath.withWideSettings(
                    TrainingSettings.withNestedSettings(c.meta().getAsJsonObject("config")), "deepScale",
                    EncoderStudentConfig.DEEP_SCALE_DEFAULT), EncoderStudentConfig.class);
            MultiLayerNetwork net =
                    ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(c.network()), true);
            GoldLossFunction lf = Networks.lossOf(net.getOutputLayer());
            long seed = c.meta().get("seed").getAsLong();
            boolean pair = savedAsPair(c.meta()) && task.isPair();
            long width = net.layerInputSize(0);
            if (width != inputWidth(dim, pair, saved)) {
                throw new StudentException("student file " + file + ": its head reads " + width
                        + " inputs, expected " + inputWidth(dim, pair, saved) + (pair ? " (a sentence pair)" : ""));
            }
            // a student saved before its first fit has no standardisation yet: that fit makes one
            WidePath widePath = pair && saved.pairWide() && c.meta().has(WidePath.META)
                    ? WidePath.read(c.meta(), "student file " + file, featureCount(saved)) : null;
            return new EncoderStudent(task, new TrainingOptions(lf.loss(), BatchFilter.NONE, seed), saved,
                    encoder, net, pair, widePath, pair && saved.pairAlignment() ? alignment() : null);
        });
    }
}
