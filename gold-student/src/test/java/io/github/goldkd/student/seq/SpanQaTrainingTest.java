package io.github.goldkd.student.seq;

import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.CrossEntropyLoss;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Loss;
import io.github.goldkd.core.Seeds;
import io.github.goldkd.core.SymmetricCrossEntropyLoss;
import io.github.goldkd.core.TrainingOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.config.Adam;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * How the span QA student trains: the loss in the graph gives what the generic host path gives, and a file saved
 * from the graph of earlier versions (kernel-1 convolutions, SameDiff's attention op, trained by
 * {@code SameDiff.fit} with its own Adam) loads with its weights, its logits and its Adam state.
 */
class SpanQaTrainingTest {

    private static final SpanQaConfig TINY = SpanQaConfig.defaults().withModelDim(16, 2).withBatchSize(8)
            .withLearningRate(3e-3);
    private static final Dataset DATA = ToyQa.train(24, 5);
    private static SpanQaStudent.Factory factory;

    @BeforeAll
    static void open() {
        factory = SpanQaStudent.factory(TINY);
    }

    @AfterAll
    static void close() {
        factory.close();
    }

    @Test
    void theLossInTheGraphHasTheHostLossAndItsGradientsForCeAndSce() {
        List<io.github.goldkd.core.Sample> batch = DATA.samples().subList(0, 8); // contexts of several lengths
        for (Loss loss : List.of(new CrossEntropyLoss(), new SymmetricCrossEntropyLoss(0.1, 1.0))) {
            SpanQaStudent s = factory.create(ToyQa.TASK, new TrainingOptions(loss, BatchFilter.NONE, 4));
            s.fit(DATA, 1, 3); // away from the initial weights
            StepGradients inGraph = s.gradients(batch, true);
            StepGradients onHost = s.gradients(batch, false);
            assertThat(inGraph.kept()).isEqualTo(8);
            assertThat(inGraph.lossSum()).as(loss.name()).isCloseTo(onHost.lossSum(), within(1e-5 * onHost.lossSum()));
            assertThat(inGraph.parameters().keySet()).isEqualTo(onHost.parameters().keySet()).hasSize(13);
            for (String name : inGraph.parameters().keySet()) {
                INDArray a = inGraph.parameters().get(name);
                INDArray b = onHost.parameters().get(name);
                double scale = b.amaxNumber().doubleValue();
                if (name.startsWith("w_")) {
                    assertThat(scale).as(loss.name() + " " + name + " has a gradient").isGreaterThan(1e-4);
                }
                // b_out and b_2 shift every position's logit alike, which a softmax over positions ignores: their
                // gradients are float noise (about 1e-8), hence the absolute floor
                assertThat(a.sub(b).amaxNumber().doubleValue()).as(loss.name() + " " + name)
                        .isLessThan(1e-4 * scale + 1e-7);
            }
        }
    }

    /** The graph of span-QA files written before this version: the test's copy of that build. */
    private static SameDiff convolutionGraph(SpanQaConfig config, long seed) {
        int d = config.modelDim();
        SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, "span-qa-init"));
        SameDiff sd = SameDiff.create();
        int features = config.features();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, features, -1);
        SDVariable mask = sd.placeHolder("mask", DataType.FLOAT, -1, -1);
        SDVariable g = sd.placeHolder("g", DataType.FLOAT, -1, 2, -1);
        SDVariable ffn = ConvolutionBlock.build(sd, x, mask, features, d, config.heads(), rng);
        SDVariable wOut = sd.var("w_out", AttentionBlock.xavier(rng, d, 2, 1, d, 2));
        SDVariable bOut = sd.var("b_out", Nd4j.zeros(DataType.FLOAT, 2));
        SDVariable logits = sd.cnn.conv1d(ffn, wOut, bOut, ConvolutionBlock.POINTWISE);
        SDVariable lex = x.get(SDIndex.all(), SDIndex.interval(features - LexicalOverlap.COUNT, features),
                SDIndex.all());
        logits = logits.add(sd.cnn.conv1d(lex, sd.var("w_skip", SpanQaStudent.skipInit()), ConvolutionBlock.POINTWISE));
        sd.updateVariableNameAndReference(logits, "logits");
        SDVariable surrogate = logits.mul(g).sum();
        sd.updateVariableNameAndReference(surrogate, "surrogate");
        sd.setLossVariables("surrogate");
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(config.learningRate()))
                .dataSetFeatureMapping("x", "mask").dataSetLabelMapping("g").build());
        return sd;
    }

    /** One sample's input to the convolution graph, [1, features, length], as that version built it. */
    private static INDArray channelsFirst(SpanQaStudent s, SpanQaStudent.Example e) {
        int n = e.length();
        int features = TINY.features();
        int d = BgeTokenStates.DIMENSION;
        float[] x = new float[features * n];
        float[] state = new float[d];
        float[] extra = s.tokenFeatures(e);
        for (int t = 0; t < n; t++) {
            e.enc().copyState(t, state, 0);
            for (int k = 0; k < d; k++) {
                x[k * n + t] = state[k];
            }
            for (int f = 0; f < features - d; f++) {
                x[(d + f) * n + t] = extra[f * n + t];
            }
        }
        return Nd4j.create(x, new long[] {1, features, n}, 'c');
    }

    @Test
    void aFileOfTheConvolutionGraphLoadsWithItsWeightsLogitsAndAdamState(@TempDir Path dir) throws Exception {
        assertThat(TINY.lexicalSkip()).isTrue();
        SpanQaStudent current = factory.create(ToyQa.TASK, TrainingOptions.defaults(9));
        // the old graph, trained two steps by SameDiff.fit on random batches (so it has SameDiff's Adam state)
        SameDiff old = convolutionGraph(TINY, 9);
        SplittableRandom rng = new SplittableRandom(2);
        for (int step = 0; step < 2; step++) {
            int len = 6;
            INDArray x = Nd4j.rand(DataType.FLOAT, 4, TINY.features(), len);
            INDArray g = Nd4j.create(DataType.FLOAT, 4, 2, len).assign(rng.nextDouble() - 0.5);
            old.fit(new MultiDataSet(new INDArray[] {x, Nd4j.ones(DataType.FLOAT, 4, len)}, new INDArray[] {g}));
        }
        // a file of the current layout with the old graph in place of the network
        Path saved = dir.resolve("current.zip");
        current.save(saved);
        Path file = SeqStudentFixture.withNetwork(saved, old, dir.resolve("old.zip"));

        SpanQaStudent back = factory.load(file);
        Map<String, INDArray> weights = back.trainedWeights();
        assertThat(weights.keySet()).containsExactlyInAnyOrder("w_in", "b_in", "w_q", "w_k", "w_v", "w_o", "w_1",
                "b_1", "w_2", "b_2", "w_out", "b_out", "w_skip");
        for (Map.Entry<String, INDArray> w : weights.entrySet()) {
            assertThat(w.getValue()).as(w.getKey()).isEqualTo(old.getArrForVarName(w.getKey()));
            assertThat(w.getValue()).as(w.getKey() + " trained away from the initial weights")
                    .isNotEqualTo(current.trainedWeights().get(w.getKey()));
        }
        // the logits of the old graph, sample by sample
        List<SpanQaStudent.Example> examples = back.encode(DATA.samples().subList(0, 3));
        List<Logits> logits = back.logits(DATA.samples().subList(0, 3));
        for (int i = 0; i < examples.size(); i++) {
            SpanQaStudent.Example e = examples.get(i);
            INDArray z = old.output(Map.of("x", channelsFirst(back, e), "mask", Nd4j.ones(DataType.FLOAT, 1,
                    e.length())), "logits").get("logits");
            for (int r = 0; r < 2; r++) {
                for (int j = 0; j < e.contextTokens(); j++) {
                    assertThat(logits.get(i).get(r, j)).as("sample %d row %d token %d", i, r, j)
                            .isCloseTo(z.getFloat(0, r, e.enc().textStart() + j), within(1e-4f));
                }
            }
        }
        // SameDiff's Adam moments and step count, taken over
        assertThat(back.adamSteps()).isEqualTo(2);
        for (String name : weights.keySet()) {
            AdamUpdater u = (AdamUpdater) old.getUpdaterMap().get(name);
            INDArray[] mv = back.adamMoments().get(name);
            assertThat(mv[0].reshape(-1)).as(name).isEqualTo(u.getM().reshape(-1));
            assertThat(mv[1].reshape(-1)).as(name).isEqualTo(u.getV().reshape(-1));
            assertThat(mv[1].sumNumber().doubleValue()).as(name + " has moments").isGreaterThan(0);
        }
        // and it trains on
        double before = back.fit(DATA, 1, 1).trainLoss();
        assertThat(back.adamSteps()).isEqualTo(2 + 3);
        assertThat(back.fit(DATA, 2, 2).trainLoss()).isLessThan(before);
    }
}
