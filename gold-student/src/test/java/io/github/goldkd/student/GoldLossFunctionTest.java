package io.github.goldkd.student;

import io.github.goldkd.core.CrossEntropyLoss;
import io.github.goldkd.core.Loss;
import io.github.goldkd.core.SymmetricCrossEntropyLoss;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import java.io.File;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The DL4J adapter of the core losses: values, numerical gradients in double precision, masks, serialisation. */
class GoldLossFunctionTest {

    private static DataType previousDefault;
    private static DataType previousFloating;

    @BeforeAll
    static void doublePrecision() {
        previousDefault = Nd4j.dataType();
        previousFloating = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restorePrecision() {
        Nd4j.setDefaultDataTypes(previousDefault, previousFloating);
    }

    static Stream<Arguments> losses() {
        return Stream.of(
                Arguments.of(new CrossEntropyLoss()),
                Arguments.of(new SymmetricCrossEntropyLoss(1.0, 0.0)),
                Arguments.of(new SymmetricCrossEntropyLoss(0.0, 1.0)),
                Arguments.of(new SymmetricCrossEntropyLoss(0.1, 1.0)),
                Arguments.of(new SymmetricCrossEntropyLoss(1.0, 1.0, 1e-3)));
    }

    private static INDArray logits(int rows, int classes, long seed) {
        Random r = new Random(seed);
        double[][] z = new double[rows][classes];
        for (double[] row : z) {
            for (int k = 0; k < classes; k++) {
                row[k] = r.nextGaussian() * 2;
            }
        }
        return Nd4j.createFromArray(z);
    }

    private static INDArray oneHot(int[] y, int classes) {
        double[][] out = new double[y.length][classes];
        for (int i = 0; i < y.length; i++) {
            out[i][y[i]] = 1;
        }
        return Nd4j.createFromArray(out);
    }

    @ParameterizedTest
    @MethodSource("losses")
    void gradientMatchesCentralDifferencesWithMaskedExample(Loss core) {
        GoldLossFunction fn = GoldLossFunction.of(core);
        INDArray z = logits(5, 4, 11);
        INDArray y = oneHot(new int[] {0, 3, 1, 2, 2}, 4);
        // row 2 masked out, row 4 weighted by 0.5; the masked row's label is zeroed as DL4J may pass it
        INDArray mask = Nd4j.createFromArray(new double[][] {{1}, {1}, {0}, {1}, {0.5}});
        y.getRow(2).assign(0);
        INDArray grad = fn.computeGradient(y, z.dup(), new ActivationIdentity(), mask);
        assertThat(grad.dataType()).isEqualTo(DataType.DOUBLE);
        double eps = 1e-6;
        for (int i = 0; i < 5; i++) {
            for (int k = 0; k < 4; k++) {
                INDArray plus = z.dup();
                plus.putScalar(i, k, z.getDouble(i, k) + eps);
                INDArray minus = z.dup();
                minus.putScalar(i, k, z.getDouble(i, k) - eps);
                double numeric = (fn.computeScore(y, plus, new ActivationIdentity(), mask, false)
                        - fn.computeScore(y, minus, new ActivationIdentity(), mask, false)) / (2 * eps);
                assertThat(grad.getDouble(i, k)).as("d/dz[%d][%d] of %s", i, k, core.name())
                        .isCloseTo(numeric, within(1e-7));
            }
        }
        assertThat(grad.getRow(2).sumNumber().doubleValue()).isZero();
    }

    @ParameterizedTest
    @MethodSource("losses")
    void scoresAreTheCoreLossWithTheMaskApplied(Loss core) {
        GoldLossFunction fn = GoldLossFunction.of(core);
        INDArray z = logits(4, 3, 5);
        int[] labels = {2, 0, 1, 1};
        INDArray mask = Nd4j.createFromArray(new double[] {1, 0, 1, 2});
        INDArray scores = fn.computeScoreArray(oneHot(labels, 3), z, new ActivationIdentity(), mask);
        double[] w = {1, 0, 1, 2};
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            double expected = w[i] * core.value(z.getRow(i).toDoubleVector(), labels[i]);
            assertThat(scores.getDouble(i, 0)).isCloseTo(expected, within(1e-12));
            sum += expected;
        }
        assertThat(fn.computeScore(oneHot(labels, 3), z, new ActivationIdentity(), mask, true))
                .isCloseTo(sum / 4, within(1e-12));
        var both = fn.computeGradientAndScore(oneHot(labels, 3), z, new ActivationIdentity(), mask, false);
        assertThat(both.getFirst()).isCloseTo(sum, within(1e-12));
        assertThat(both.getSecond().equalsWithEps(
                fn.computeGradient(oneHot(labels, 3), z, new ActivationIdentity(), mask), 1e-12)).isTrue();
    }

    @Test
    void gradientChainsThroughANonIdentityActivation() {
        GoldLossFunction fn = GoldLossFunction.of(new SymmetricCrossEntropyLoss(0.1, 1.0));
        INDArray pre = logits(3, 4, 3);
        INDArray y = oneHot(new int[] {1, 0, 3}, 4);
        INDArray grad = fn.computeGradient(y, pre.dup(), new ActivationTanH(), null);
        double eps = 1e-6;
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 4; k++) {
                INDArray plus = pre.dup();
                plus.putScalar(i, k, pre.getDouble(i, k) + eps);
                INDArray minus = pre.dup();
                minus.putScalar(i, k, pre.getDouble(i, k) - eps);
                double numeric = (fn.computeScore(y, plus, new ActivationTanH(), null, false)
                        - fn.computeScore(y, minus, new ActivationTanH(), null, false)) / (2 * eps);
                assertThat(grad.getDouble(i, k)).isCloseTo(numeric, within(1e-7));
            }
        }
    }

    @Test
    void dl4jGradientCheckPassesOnAnMlp() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(3).updater(new NoOp()).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder().nIn(6).nOut(3).activation(Activation.IDENTITY)
                        .lossFunction(GoldLossFunction.of(new SymmetricCrossEntropyLoss(0.1, 1.0))).build())
                .build();
        conf.setValidateOutputLayerConfig(false);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray x = logits(7, 4, 9);
        INDArray y = oneHot(new int[] {0, 1, 2, 2, 1, 0, 1}, 3);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(y)
                .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
        assertThat(ok).isTrue();
    }

    @Test
    void dl4jGradientCheckPassesOnAMaskedEmbeddingGraph() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(5).updater(new NoOp())
                .graphBuilder()
                .addInputs("ids")
                .addLayer("emb", new EmbeddingSequenceLayer.Builder().nIn(10).nOut(4).hasBias(false).build(), "ids")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "emb")
                .addLayer("out", new OutputLayer.Builder().nIn(4).nOut(3).activation(Activation.IDENTITY)
                        .lossFunction(GoldLossFunction.of(new SymmetricCrossEntropyLoss(1.0, 1.0))).build(), "pool")
                .setOutputs("out")
                .validateOutputLayerConfig(false)
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        INDArray ids = Nd4j.createFromArray(new double[][] {{1, 2, 3, 0}, {4, 5, 0, 0}, {6, 7, 8, 9}});
        INDArray mask = Nd4j.createFromArray(new double[][] {{1, 1, 1, 0}, {1, 1, 0, 0}, {1, 1, 1, 1}});
        INDArray y = oneHot(new int[] {0, 2, 1}, 3);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[] {ids}).labels(new INDArray[] {y}).inputMask(new INDArray[] {mask})
                .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
        assertThat(ok).isTrue();
    }

    @Test
    void configurationSurvivesJsonAndModelSerializer(@TempDir Path dir) throws Exception {
        GoldLossFunction sce = GoldLossFunction.of(new SymmetricCrossEntropyLoss(0.25, 0.75, 1e-3));
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(1).list()
                .layer(new OutputLayer.Builder().nIn(3).nOut(2).activation(Activation.IDENTITY).lossFunction(sce).build())
                .build();
        conf.setValidateOutputLayerConfig(false);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        assertThat(back).isEqualTo(conf);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        File f = dir.resolve("net.zip").toFile();
        ModelSerializer.writeModel(net, f, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(f, true);
        GoldLossFunction lf = Networks.lossOf(restored.getOutputLayer());
        assertThat(lf).isEqualTo(sce);
        assertThat(lf.loss()).isEqualTo(new SymmetricCrossEntropyLoss(0.25, 0.75, 1e-3));
        INDArray x = logits(4, 3, 2);
        assertThat(restored.output(x)).isEqualTo(net.output(x));
    }

    /** A user loss with a no-argument constructor: stored by class name. */
    public static final class HalfCrossEntropy implements Loss {
        @Override
        public double value(double[] z, int y) {
            return 0.5 * new CrossEntropyLoss().value(z, y);
        }

        @Override
        public void gradient(double[] z, int y, double[] grad) {
            new CrossEntropyLoss().gradient(z, y, grad);
            for (int k = 0; k < grad.length; k++) {
                grad[k] *= 0.5;
            }
        }

        @Override
        public String name() {
            return "half-ce";
        }
    }

    @Test
    void otherLossesNeedANoArgumentConstructor() throws Exception {
        GoldLossFunction custom = GoldLossFunction.of(new HalfCrossEntropy());
        assertThat(custom.loss()).isInstanceOf(HalfCrossEntropy.class);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new OutputLayer.Builder().nIn(2).nOut(2).activation(Activation.IDENTITY).lossFunction(custom)
                        .build())
                .build();
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        assertThat(((OutputLayer) back.getConf(0).getLayer()).getLossFn()).isEqualTo(custom);

        Loss anonymous = new Loss() {
            @Override
            public double value(double[] z, int y) {
                return 0;
            }

            @Override
            public void gradient(double[] z, int y, double[] grad) {
            }

            @Override
            public String name() {
                return "anon";
            }
        };
        assertThatThrownBy(() -> GoldLossFunction.of(anonymous)).isInstanceOf(StudentException.class)
                .hasMessageContaining("anon");
    }

    @Test
    void rejectsLabelsThatAreNotOneHot() {
        GoldLossFunction fn = GoldLossFunction.of(new CrossEntropyLoss());
        INDArray z = logits(2, 2, 1);
        INDArray soft = Nd4j.createFromArray(new double[][] {{0.5, 0.5}, {1, 0}});
        assertThatThrownBy(() -> fn.computeScoreArray(soft, z, new ActivationIdentity(), null))
                .isInstanceOf(StudentException.class).hasMessageContaining("row 0");
    }
}
