package io.github.goldkd.student;

import com.google.gson.Gson;
import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TrainingOptions;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A convolutional text classifier (Kim, 2014) on DL4J: token embeddings, one 1-d convolution (ReLU, same
 * padding) per kernel width (3, 4 and 5 by default), masked max-pooling over time, concatenation, dropout
 * and a linear output layer whose output is the logits ({@code IDENTITY} + {@link GoldLossFunction}). Trained
 * with Adam by DL4J on padded, masked mini-batches.
 *
 * <p>Sentence-pair tasks ({@link Task#isPair()}) are refused by the factory: the other two students read
 * pairs. A student saved before that rule existed still loads and reads its task as one joined text.
 *
 * <p>The vocabulary is built on the first {@link #fit} from its training part and kept afterwards; unknown
 * tokens map to {@link Vocabulary#UNK}. Same seeds give the same model.
 */
public final class TextCnnStudent extends AbstractStudent<TextCnnStudent.Encoded> {

    static final String KIND = "text-cnn";

    private final TextCnnConfig config;
    private final Tokenizer tokenizer;
    private TextFeaturizer featurizer;
    private ComputationGraph graph;
    private boolean trained;

    /** Token ids of each sample. */
    record Encoded(int[][] ids) {
    }

    private TextCnnStudent(Task task, TrainingOptions options, TextCnnConfig config, Vocabulary vocabulary,
                           ComputationGraph graph, boolean trained) {
        super(task, options);
        this.config = config;
        this.tokenizer = new Tokenizer(config.lowercase());
        this.featurizer = new TextFeaturizer(tokenizer, vocabulary, config.maxLength(), 0);
        this.graph = graph != null ? graph : newGraph(vocabulary.size());
        this.trained = trained;
    }

    public static Factory factory(TextCnnConfig config) {
        return new Factory(config);
    }

    public static Factory factory() {
        return new Factory(TextCnnConfig.defaults());
    }

    @Override
    public TextCnnConfig config() {
        return config;
    }

    public Vocabulary vocabulary() {
        return featurizer.vocabulary();
    }

    public ComputationGraph network() {
        return graph;
    }

    @Override
    String kind() {
        return KIND;
    }




    @Override
    void prepare(Dataset train) {
        if (trained) {
            return;
        }
        List<List<String>> texts = new ArrayList<>(train.size());
        for (Sample s : train) {
            texts.add(featurizer.tokens(s.text()));
        }
        Vocabulary vocabulary = Vocabulary.build(texts, config.minCount());
        featurizer = new TextFeaturizer(tokenizer, vocabulary, config.maxLength(), 0);
        graph = newGraph(vocabulary.size());
    }

    /** A graph over {@code vocabulary} tokens with DL4J's initial parameters for the options' seed. */
    private ComputationGraph newGraph(int vocabulary) {
        return NetworkRandom.isolated(() -> buildGraph(vocabulary, task.labels().size(), config,
                GoldLossFunction.of(options.loss()), options.seed()));
    }

    @Override
    Encoded encode(List<Sample> samples) {
        int[][] ids = new int[samples.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = featurizer.tokenIds(samples.get(i).text());
        }
        return new Encoded(ids);
    }

    private int[][] select(Encoded data, int[] rows) {
        int[][] out = new int[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = data.ids[rows[i]];
        }
        return out;
    }

    @Override
    float[][] forward(Encoded data, int[] rows) {
        return outputOf(select(data, rows)).toFloatMatrix();
    }

    @Override
    double step(Encoded data, int[] labels, int[] rows, double progress) {
        INDArray[] idsAndMask = Networks.padded(select(data, rows));
        graph.fit(new INDArray[] {idsAndMask[0]}, new INDArray[] {oneHot(labels, rows)},
                new INDArray[] {idsAndMask[1]}, null);
        // score() is the batch's mean loss (plus any L2 term) from this step's forward pass
        return graph.score() * rows.length;
    }

    @Override
    void finishFit() {
        trained = true;
    }

    @Override
    EarlyStopping.Snapshot snapshot() {
        INDArray copy = graph.params().dup();
        return () -> graph.setParams(copy);
    }

    @Override
    INDArray outputBatch(List<Sample> chunk) {
        return outputOf(encode(chunk).ids);
    }

    private INDArray outputOf(int[][] ids) {
        INDArray[] idsAndMask = Networks.padded(ids);
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

    static ComputationGraph buildGraph(int vocabulary, int classes, TextCnnConfig config,
                                       GoldLossFunction lossFunction, long seed) {
        NeuralNetConfiguration.Builder nb = Networks.adamConfiguration(seed, config.training().learningRate(),
                config.l2());
        ComputationGraphConfiguration.GraphBuilder gb = nb.graphBuilder()
                .addInputs("ids")
                // nIn given explicitly and no setInputTypes: that call would overwrite nIn with 1 (dl4j.md)
                .addLayer("emb", new EmbeddingSequenceLayer.Builder().nIn(vocabulary).nOut(config.embeddingDim())
                        .hasBias(false).build(), "ids");
        List<String> pools = new ArrayList<>();
        for (int w : config.kernelWidths()) {
            String conv = "conv" + w + "_" + pools.size();
            String pool = "pool" + w + "_" + pools.size();
            // same padding keeps the time axis, so the input mask still marks real tokens after the convolution
            gb.addLayer(conv, new Convolution1DLayer.Builder().kernelSize(w).stride(1).nIn(config.embeddingDim())
                    .nOut(config.filters()).convolutionMode(ConvolutionMode.Same).activation(Activation.RELU)
                    .weightInit(WeightInit.RELU).build(), "emb");
            gb.addLayer(pool, new GlobalPoolingLayer.Builder(PoolingType.MAX).build(), conv);
            pools.add(pool);
        }
        String merged = pools.get(0);
        if (pools.size() > 1) {
            gb.addVertex("merge", new MergeVertex(), pools.toArray(new String[0]));
            merged = "merge";
        }
        OutputLayer.Builder out = new OutputLayer.Builder().nIn((long) config.filters() * pools.size()).nOut(classes)
                .activation(Activation.IDENTITY).lossFunction(lossFunction);
        if (config.dropout() > 0) {
            out.dropOut(1.0 - config.dropout()); // DL4J takes the probability of keeping an input
        }
        gb.addLayer("out", out.build(), merged)
                .setOutputs("out")
                .validateOutputLayerConfig(false);
        ComputationGraph g = new ComputationGraph(gb.build());
        g.init();
        return g;
    }

    /** Creates and restores {@link TextCnnStudent}s. */
    public static final class Factory implements StudentFactory {
        private final TextCnnConfig config;

        private Factory(TextCnnConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        public TextCnnConfig config() {
            return config;
        }

        /**
         * A new student for {@code task}.
         *
         * @throws StudentException for a sentence-pair task ({@link Task#isPair()}): the CNN reads one text, and
         *                          over the two fields joined it cannot learn how they relate
         */
        @Override
        public TextCnnStudent create(Task task, TrainingOptions options) {
            Objects.requireNonNull(task, "task");
            if (task.isPair()) {
                throw new StudentException("task '" + task.name() + "' is a sentence pair " + task.pairFields()
                        + ": the text CNN reads one text and cannot relate the two fields; use the bag-of-embeddings "
                        + "student (--student bag), the encoder student (--student encoder) or the cross-reading student "
                        + "(--student cross), which read pairs");
            }
            return new TextCnnStudent(task, options, config, Vocabulary.empty(), null, false);
        }

        /**
         * Restores a saved student (a student file or a run directory); its batch filter is
         * {@link BatchFilter#NONE} (filters are not stored).
         */
        @Override
        public TextCnnStudent load(Path file) {
            return restore(StudentFile.read(file));
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("class", TextCnnStudent.class.getName(), "config", config);
        }
    }

    /** Restores text-CNN students for {@link Students#load}. */
    public static final class Loader implements StudentLoader {
        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public TextCnnStudent load(StudentFile file) {
            return restore(file);
        }
    }

    private static TextCnnStudent restore(StudentFile f) {
        Path file = f.path();
        StudentArchive.Contents c = StudentArchive.read(f, KIND);
        return Networks.restore(file, () -> {
            Task task = f.task();
            TextCnnConfig saved = new Gson().fromJson(
                    TrainingSettings.withNestedSettings(c.meta().getAsJsonObject("config")), TextCnnConfig.class);
            ComputationGraph g = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(c.network()), true);
            GoldLossFunction lf = Networks.lossOf(g.getOutputLayer(0));
            long seed = c.meta().get("seed").getAsLong();
            Vocabulary vocabulary = Vocabulary.of(c.vocabulary());
            if (vocabulary.size() != g.getLayer("emb").getParam("W").size(0)) {
                throw new StudentException("student file " + file + ": vocabulary and network do not match");
            }
            return new TextCnnStudent(task, new TrainingOptions(lf.loss(), BatchFilter.NONE, seed), saved,
                    vocabulary, g, c.meta().get("trained").getAsBoolean());
        });
    }
}
