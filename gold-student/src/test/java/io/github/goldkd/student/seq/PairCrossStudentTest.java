package io.github.goldkd.student.seq;

import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.CrossEntropyLoss;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Loss;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Seeds;
import io.github.goldkd.core.SymmetricCrossEntropyLoss;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.core.metric.Metrics;
import io.github.goldkd.student.LexicalOverlap;
import io.github.goldkd.student.StudentException;
import io.github.goldkd.student.Students;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.config.Adam;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The pair cross-reading student on the constructed repeat-a-word task of {@code PairStudentTest}: the first
 * field holds three made-up words, the second one word, the label says whether the second repeats a word of the
 * first. Test words never occur in training, so only the relation between the fields can be learned. A tiny
 * network (d 16, 2 heads).
 */
class PairCrossStudentTest {

    static final Task REPEAT = new Task("repeat", TaskKind.CLASSIFICATION, "does the second field repeat a word?",
            List.of("first", "second"), List.of(new Label("repeat", "it does"), new Label("fresh", "it does not")),
            List.of());
    private static final PairCrossConfig TINY = PairCrossConfig.defaults().withModelDim(16, 2).withBatchSize(16)
            .withLearningRate(5e-3);
    private static final Dataset TRAIN = repeatData(160, words(150, 1), 11);
    private static final Dataset TEST = repeatData(80, words(150, 2), 12);
    private static PairCrossStudent.Factory factory;

    @BeforeAll
    static void open() {
        factory = PairCrossStudent.factory(TINY);
    }

    @AfterAll
    static void close() {
        factory.close();
    }

    static List<String> words(int n, long seed) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>();
        while (out.size() < n) {
            StringBuilder w = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                w.append((char) ('a' + r.nextInt(26)));
            }
            if (!out.contains(w.toString())) {
                out.add(w.toString());
            }
        }
        return out;
    }

    static Dataset repeatData(int n, List<String> vocabulary, long seed) {
        Random r = new Random(seed);
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> first = new ArrayList<>();
            while (first.size() < 3) {
                String w = vocabulary.get(r.nextInt(vocabulary.size()));
                if (!first.contains(w)) {
                    first.add(w);
                }
            }
            boolean repeat = i % 2 == 0;
            String second;
            do {
                second = repeat ? first.get(r.nextInt(3)) : vocabulary.get(r.nextInt(vocabulary.size()));
            } while (!repeat && first.contains(second));
            Map<String, String> inputs = new LinkedHashMap<>();
            inputs.put("first", String.join(" ", first));
            inputs.put("second", second);
            out.add(Sample.of("r" + seed + "-" + i, inputs, repeat ? "repeat" : "fresh", Origin.REAL));
        }
        return Dataset.of(out);
    }

    private static void assertSameLogits(List<Logits> a, List<Logits> b) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).row(0)).containsExactly(b.get(i).row(0));
        }
    }

    @Test
    void crossReadingAloneSeparatesTheRepeatTaskOnUnseenWords() {
        // without the overlap features only the token states and the exact-match features between the fields
        // carry the relation: what reading the fields together adds (measured 0.925: word pieces shared by
        // different made-up words match falsely; the joined-text bag of PairStudentTest stays at 0.35-0.65)
        try (PairCrossStudent.Factory noOverlap = PairCrossStudent.factory(TINY.withOverlap(false))) {
            PairCrossStudent s = noOverlap.create(REPEAT, TrainingOptions.defaults(1));
            double before = s.score(TEST, Metrics.accuracy());
            s.fit(TRAIN, 8, 2);
            assertThat(before).isBetween(0.3, 0.7);
            assertThat(s.score(TEST, Metrics.accuracy())).isGreaterThanOrEqualTo(0.8);
        }
        // and with them (the default). Measured 0.875, below the run without them although "words 2 in 1" alone
        // decides this task: the pooled token states fit the training words first and leave the overlap
        // features little gradient
        PairCrossStudent s = factory.create(REPEAT, TrainingOptions.defaults(1));
        s.fit(TRAIN, 8, 2);
        assertThat(s.score(TEST, Metrics.accuracy())).isGreaterThanOrEqualTo(0.8);
        assertThat(s.readsPairs()).isTrue();
        assertThat(s.describe().get("pair")).isEqualTo(List.of("first", "second"));
    }

    @Test
    void sameSeedSameLogitsAndSaveLoadGiveIdenticalLogitsAndTrainingGoesOn(@TempDir Path dir) {
        // SCE, the loss a final student trains with: its settings travel in the file
        TrainingOptions sce = new TrainingOptions(SymmetricCrossEntropyLoss.defaults(), BatchFilter.NONE, 3);
        PairCrossStudent a = factory.create(REPEAT, sce);
        PairCrossStudent b = factory.create(REPEAT, sce);
        a.fit(TRAIN, 1, 5);
        b.fit(TRAIN, 1, 5);
        assertSameLogits(a.logits(TEST.samples()), b.logits(TEST.samples()));
        assertThat(factory.create(REPEAT, TrainingOptions.defaults(4)).logits(TEST.samples()).get(0).get(0, 0))
                .isNotEqualTo(factory.create(REPEAT, TrainingOptions.defaults(3)).logits(TEST.samples()).get(0)
                        .get(0, 0));

        Path file = dir.resolve("cross.zip");
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        PairCrossStudent back;
        io.github.goldkd.core.Student byPath;
        try {
            a.save(file);
            back = factory.load(file);
            byPath = Students.load(file);
            back.fit(TRAIN, 1, 6);
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(byPath).isInstanceOf(PairCrossStudent.class);
        assertSameLogits(b.logits(TEST.samples()), byPath.logits(TEST.samples()));
        assertThat(back.config()).isEqualTo(a.config());
        assertThat(back.trainingOptions().loss()).isEqualTo(a.trainingOptions().loss());
        // the updater state travels too: the same next step from the original and the restored student
        a.fit(TRAIN, 1, 6);
        assertSameLogits(a.logits(TEST.samples()), back.logits(TEST.samples()));
        assertThat(a.logits(TEST.samples()).get(0).target(0)).isEqualTo(0);
    }

    @Test
    void theLossInTheGraphHasTheHostLossAndItsGradientsForCeAndSce() {
        List<Sample> batch = TRAIN.samples().subList(0, 16);
        for (Loss loss : List.of(new CrossEntropyLoss(),
                SymmetricCrossEntropyLoss.defaults())) {
            PairCrossStudent s = factory.create(REPEAT, new TrainingOptions(loss, BatchFilter.NONE, 4));
            s.fit(TRAIN, 1, 3);
            StepGradients inGraph = s.gradients(batch, true);
            StepGradients onHost = s.gradients(batch, false);
            assertThat(inGraph.lossSum()).as(loss.name()).isCloseTo(onHost.lossSum(),
                    within(1e-5 * onHost.lossSum()));
            assertThat(inGraph.parameters().keySet()).isEqualTo(onHost.parameters().keySet());
            for (String name : inGraph.parameters().keySet()) {
                INDArray a = inGraph.parameters().get(name);
                INDArray b = onHost.parameters().get(name);
                double scale = b.amaxNumber().doubleValue();
                assertThat(scale).as(loss.name() + " " + name + " has a gradient").isGreaterThan(1e-6);
                assertThat(a.sub(b).amaxNumber().doubleValue()).as(loss.name() + " " + name)
                        .isLessThan(1e-4 * scale + 1e-7);
            }
        }
    }

    /** The graph of pair-cross files written before this version: the test's copy of that build. */
    private static SameDiff convolutionGraph(long seed) {
        int d = TINY.modelDim();
        SplittableRandom rng = new SplittableRandom(
                Seeds.derive(seed, "pair-cross-init"));
        SameDiff sd = SameDiff.create();
        var f = DataType.FLOAT;
        var x = sd.placeHolder("x", f, -1, PairCrossStudent.FEATURES, -1);
        var mask = sd.placeHolder("mask", f, -1, -1);
        var cls = sd.placeHolder("cls", f, -1, 1, -1);
        var mean2 = sd.placeHolder("mean2", f, -1, 1, -1);
        var neg2 = sd.placeHolder("neg2", f, -1, 1, -1);
        var overlap = sd.placeHolder("overlap", f, -1, LexicalOverlap.COUNT);
        var g = sd.placeHolder("g", f, -1, 2);
        var h = ConvolutionBlock.build(sd, x, mask, PairCrossStudent.FEATURES, d, TINY.heads(), rng);
        int width = 3 * d + LexicalOverlap.COUNT;
        var pooled = sd.concat(1, h.mul(cls).sum(2), h.mul(mean2).sum(2), h.add(neg2).max(2), overlap);
        var logits = pooled.mmul(sd.var("w_c", AttentionBlock.xavier(rng, width, 2, width, 2)))
                .add(sd.var("b_c", Nd4j.zeros(f, 1, 2)));
        sd.updateVariableNameAndReference(logits, "logits");
        sd.updateVariableNameAndReference(logits.mul(g).sum(), "surrogate");
        sd.setLossVariables("surrogate");
        sd.setTrainingConfig(TrainingConfig.builder()
                .updater(new Adam(TINY.learningRate()))
                .dataSetFeatureMapping("x", "mask", "cls", "mean2", "neg2", "overlap").dataSetLabelMapping("g").build());
        return sd;
    }

    /** One sample's inputs to the convolution graph, as that version built them (a batch of one). */
    private static Map<String, INDArray> oldInputs(PairCrossStudent s,
                                                                             PairCrossStudent.Example e) {
        int n = e.length();
        int features = PairCrossStudent.FEATURES;
        int dim = BgeTokenStates.DIMENSION;
        float[] x = new float[features * n];
        float[] state = new float[dim];
        float[] extra = s.tokenFeatures(e.enc());
        float[] cls = new float[n];
        float[] mean2 = new float[n];
        float[] neg2 = new float[n];
        Arrays.fill(neg2, -1e4f);
        for (int t = 0; t < n; t++) {
            e.enc().copyState(t, state, 0);
            for (int k = 0; k < dim; k++) {
                x[k * n + t] = state[k];
            }
            for (int k = 0; k < features - dim; k++) {
                x[(dim + k) * n + t] = extra[k * n + t];
            }
        }
        cls[0] = 1f;
        for (int t = e.enc().textStart(); t < e.enc().textStart() + e.enc().textLength(); t++) {
            mean2[t] = 1f / e.enc().textLength();
            neg2[t] = 0f;
        }
        return Map.of("x", Nd4j.create(x, new long[] {1, features, n}, 'c'),
                "mask", Nd4j.ones(DataType.FLOAT, 1, n),
                "cls", Nd4j.create(cls, new long[] {1, 1, n}, 'c'),
                "mean2", Nd4j.create(mean2, new long[] {1, 1, n}, 'c'),
                "neg2", Nd4j.create(neg2, new long[] {1, 1, n}, 'c'),
                "overlap", Nd4j.create(e.overlap(), new long[] {1, e.overlap().length}, 'c'));
    }

    @Test
    void aFileOfTheConvolutionGraphLoadsWithItsWeightsLogitsAndAdamState(@TempDir Path dir) throws Exception {
        PairCrossStudent current = factory.create(REPEAT, TrainingOptions.defaults(9));
        SameDiff old = convolutionGraph(9);
        List<PairCrossStudent.Example> examples = current.encode(TRAIN.samples().subList(0, 3));
        for (PairCrossStudent.Example e : examples) { // two SameDiff.fit steps: its own Adam state
            Map<String, INDArray> in = oldInputs(current, e);
            old.fit(new MultiDataSet(new INDArray[] {in.get("x"),
                    in.get("mask"), in.get("cls"), in.get("mean2"), in.get("neg2"), in.get("overlap")},
                    new INDArray[] {Nd4j.createFromArray(
                            new float[][] {{0.3f, -0.3f}})}));
        }
        Path saved = dir.resolve("current.zip");
        current.save(saved);
        Path file = SeqStudentFixture.withNetwork(saved, old, dir.resolve("old.zip"));
        PairCrossStudent back = factory.load(file);
        for (Map.Entry<String, INDArray> w : back.weights().entrySet()) {
            assertThat(w.getValue()).as(w.getKey()).isEqualTo(old.getArrForVarName(w.getKey()));
            var u = (AdamUpdater) old.getUpdaterMap().get(w.getKey());
            assertThat(back.adamMoments().get(w.getKey())[1].reshape(-1)).as(w.getKey())
                    .isEqualTo(u.getV().reshape(-1));
        }
        assertThat(back.adamSteps()).isEqualTo(3);
        List<Logits> logits = back.logits(TRAIN.samples().subList(0, 3));
        for (int i = 0; i < 3; i++) {
            var z = old.output(oldInputs(back, examples.get(i)), "logits").get("logits");
            for (int k = 0; k < 2; k++) {
                assertThat(logits.get(i).get(0, k)).as("sample %d class %d", i, k)
                        .isCloseTo(z.getFloat(0, k), within(1e-4f));
            }
        }
    }

    @Test
    void theBatchFilterSeesEachMiniBatchAndOnlyItsKeptSamplesTrain() {
        List<Integer> sizes = new ArrayList<>();
        BatchFilter none = new BatchFilter() {
            @Override
            public int[] keep(List<Logits> batch) {
                sizes.add(batch.size());
                assertThat(batch.get(0).hasTargets()).isTrue();
                return new int[0];
            }

            @Override
            public String name() {
                return "none";
            }
        };
        PairCrossStudent filtered = factory.create(REPEAT, new TrainingOptions(new CrossEntropyLoss(), none, 7));
        List<Logits> before = filtered.logits(TEST.samples());
        filtered.fit(TRAIN, 1, 1);
        assertThat(sizes).hasSize(10).containsOnly(16);
        assertSameLogits(before, filtered.logits(TEST.samples()));
    }

    @Test
    void refusesSingleTextAndSequenceTasksAndBadSettingsWithTheirNames() {
        Task single = Task.classification("sentiment", "", List.of(new Label("pos", ""), new Label("neg", "")),
                List.of());
        assertThatThrownBy(() -> factory.create(single, TrainingOptions.defaults(1)))
                .isInstanceOf(StudentException.class).hasMessageContaining("is not a sentence pair")
                .hasMessageContaining("sentiment");
        assertThatThrownBy(() -> TINY.withModelDim(30, 4)).hasMessageContaining("heads");
        assertThatThrownBy(() -> TINY.withWeightDecay(-1)).hasMessageContaining("weightDecay");
        assertThatThrownBy(() -> TINY.withLearningRate(2)).hasMessageContaining("learningRate");
    }
}
