package io.github.goldkd.student;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.SymmetricCrossEntropyLoss;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.io.TaskJson;
import io.github.goldkd.core.metric.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Sentence-pair students. The constructed task: the first field holds three made-up words, the second one
 * word, and the label says whether the second repeats a word of the first. Test words never occur in
 * training, so only the relation between the fields can be learned, not the words: a bag over the joined
 * text sees the same unknown tokens in both classes.
 */
class PairStudentTest {

    static final Task REPEAT = new Task("repeat", TaskKind.CLASSIFICATION, "does the second field repeat a word?",
            List.of("first", "second"), List.of(new Label("repeat", "it does"), new Label("fresh", "it does not")),
            List.of());
    /** The same data read as one text: the fields joined, as every student read pairs before. */
    static final Task JOINED = Task.classification("repeat-joined", "the same, joined",
            REPEAT.labels(), List.of());

    static final Dataset TRAIN = repeatData(400, words(300, 1), 11);
    static final Dataset TEST = repeatData(200, words(300, 2), 12);

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

    /** The same samples with one input field, the joined text. */
    static Dataset joined(Dataset data) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : data) {
            out.add(Sample.real(s.id(), s.text(), s.label()));
        }
        return Dataset.of(out);
    }

    static BagOfEmbeddingsStudent.Factory bag(int hidden) {
        return bag(hidden, false);
    }

    /** A small bag; {@code wide}: the overlap features take the wide path. */
    static BagOfEmbeddingsStudent.Factory bag(int hidden, boolean wide) {
        return BagOfEmbeddingsStudent.factory(BagOfEmbeddingsConfig.builder().embeddingDim(16).hiddenSize(hidden)
                .bigramBuckets(500).pairWide(wide).build());
    }

    /**
     * The repeat task with a topic word appended to the second field: in training it agrees with the label in
     * {@code agreeing} of the pairs (a word that fits the pool's topics), in the test data it disagrees. Only the
     * overlap decides the label in both.
     */
    static Dataset withTopicWord(Dataset data, double agreeing, long seed) {
        Random r = new Random(seed);
        List<Sample> out = new ArrayList<>();
        for (Sample s : data) {
            boolean repeat = s.label().equals("repeat");
            boolean agree = r.nextDouble() < agreeing;
            String topic = repeat == agree ? "castle" : "harbour";
            Map<String, String> inputs = new LinkedHashMap<>(s.inputs());
            inputs.put("second", inputs.get("second") + " " + topic);
            out.add(Sample.of(s.id(), inputs, s.label(), Origin.REAL));
        }
        return Dataset.of(out);
    }

    static EncoderStudent.Factory encoder(boolean overlap) {
        return encoder(overlap, false);
    }

    /** {@code wide}: the overlap features take the wide path. */
    static EncoderStudent.Factory encoder(boolean overlap, boolean wide) {
        // a small fake encoder: each of its buckets (word hashes) then occurs often enough in training for the
        // head to weigh every bucket alike, which is what carries over to the unseen test words
        return EncoderStudent.factory(new FakeEncoder(32), EncoderStudentConfig.builder().learningRate(0.05).patience(0)
                .pairOverlap(overlap).pairWide(wide).pairAlignment(false).build());
    }

    /** The encoder's default pair layout: overlap and bge token alignment on the wide path (fake sentence vectors). */
    static EncoderStudent.Factory aligned() {
        return EncoderStudent.factory(new FakeEncoder(32), EncoderStudentConfig.builder().learningRate(0.05).patience(0)
                .build());
    }

    static double accuracy(StudentFactory f, Task task, Dataset train, Dataset test, int epochs) {
        var s = f.create(task, TrainingOptions.defaults(1));
        s.fit(train, epochs, 2);
        return s.score(test, Metrics.accuracy());
    }

    @Test
    void twoFieldClassificationTasksArePairsAndStudentsReadThemSo() {
        assertThat(REPEAT.isPair()).isTrue();
        assertThat(bag(0).create(REPEAT, TrainingOptions.defaults(1)).readsPairs()).isTrue();
        assertThat(bag(0).create(JOINED, TrainingOptions.defaults(1)).readsPairs()).isFalse();
        assertThat(encoder(true).create(REPEAT, TrainingOptions.defaults(1)).readsPairs()).isTrue();
        assertThat(encoder(true).create(JOINED, TrainingOptions.defaults(1)).readsPairs()).isFalse();
        assertThat(encoder(true).create(REPEAT, TrainingOptions.defaults(1)).describe().get("pair"))
                .isEqualTo(List.of("first", "second"));
    }

    @Test
    void pairBagSeparatesWhatABagOverTheJoinedTextCannot() {
        for (int hidden : new int[] {0, 8}) {
            double pair = accuracy(bag(hidden), REPEAT, TRAIN, TEST, 10);
            double single = accuracy(bag(hidden), JOINED, joined(TRAIN), joined(TEST), 10);
            assertThat(pair).as("pair bag, hidden %d", hidden).isGreaterThanOrEqualTo(0.95);
            assertThat(single).as("joined-text bag, hidden %d", hidden).isBetween(0.35, 0.65);
        }
    }

    /**
     * The wide path: on a task whose label one overlap feature decides, while a topic word agrees with the label
     * on every training pair and disagrees on every test pair (a word that fits the pool's topics), the wide bag
     * keeps to the overlap (it starts as their logistic regression); the bag without overlap features (the joined
     * text) cannot see it, and the linear bag with the overlap features in its deep input (the old default,
     * measured 0.11) learns the topic word instead.
     */
    @Test
    void wideBagFollowsTheOverlapWhereATopicWordMisleads() {
        Dataset train = withTopicWord(TRAIN, 1.0, 21);
        Dataset test = withTopicWord(TEST, 0.0, 22);
        for (int hidden : new int[] {0, 8}) {
            double wide = accuracy(bag(hidden, true), REPEAT, train, test, 10);
            double joined = accuracy(bag(hidden, false), JOINED, joined(train), joined(test), 10);
            assertThat(wide).as("wide pair bag, hidden %d", hidden).isGreaterThanOrEqualTo(0.95);
            assertThat(joined).as("joined-text bag, hidden %d", hidden).isLessThan(0.65);
        }
        assertThat(accuracy(bag(0, false), REPEAT, train, test, 10)).as("overlap in the deep input").isLessThan(0.5);
    }

    @Test
    void wideBagBeforeTrainingIsZeroAndAfterItsFirstFitStartsAsTheOverlapRegression() {
        BagOfEmbeddingsStudent s = bag(0, true).create(REPEAT, TrainingOptions.defaults(1));
        for (float[] row : values(s.logits(TEST.samples()))) {
            assertThat(row).containsOnly(0f);
        }
        // one epoch at a learning rate of almost 0 leaves the warm start as it is
        BagOfEmbeddingsStudent frozen = BagOfEmbeddingsStudent.factory(BagOfEmbeddingsConfig.builder().embeddingDim(16)
                .bigramBuckets(500).pairWide(true).wideLearningRate(0).learningRate(1e-9).build())
                .create(REPEAT, TrainingOptions.defaults(1));
        frozen.fit(TRAIN, 1, 1);
        assertThat(frozen.score(TEST, Metrics.accuracy())).isGreaterThanOrEqualTo(0.95);
        for (float w : frozen.parameters().wo) {
            assertThat(Math.abs(w)).isLessThan(1e-6f);
        }
    }

    /**
     * The same for the encoder student: its wide path against the encoder without overlap features and the one
     * with them in its input (the old default; measured 0.12 and 0.12).
     */
    @Test
    void wideEncoderFollowsTheOverlapWhereATopicWordMisleads() {
        Dataset train = withTopicWord(TRAIN, 1.0, 21);
        Dataset test = withTopicWord(TEST, 0.0, 22);
        assertThat(accuracy(encoder(true, true), REPEAT, train, test, 10)).isGreaterThanOrEqualTo(0.95);
        assertThat(accuracy(encoder(false, false), REPEAT, train, test, 10)).as("no overlap").isLessThan(0.5);
        assertThat(accuracy(encoder(true, false), REPEAT, train, test, 10)).as("overlap in the input").isLessThan(0.5);
    }

    @Test
    void theEncodersWidePathNeedsALinearHeadAndOverlapAndIsItsDefault() {
        assertThat(EncoderStudentConfig.defaults().pairWide()).isTrue();
        assertThat(BagOfEmbeddingsConfig.defaults().pairWide()).isFalse(); // measured level with it: an option
        assertThat(EncoderStudentConfig.builder().hiddenSize(8).build().pairWide()).isFalse();
        assertThat(EncoderStudentConfig.builder().pairOverlap(false).build().pairWide()).isFalse();
        assertThatThrownBy(() -> EncoderStudentConfig.builder().hiddenSize(8).pairWide(true).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hiddenSize 0")
                .hasMessageContaining("pairWide(false)");
        assertThatThrownBy(() -> EncoderStudentConfig.builder().deepScale(1.5).build())
                .hasMessageContaining("deepScale must be in (0, 1]");
        assertThat(EncoderStudentConfig.defaults().toBuilder().build()).isEqualTo(EncoderStudentConfig.defaults());
        assertThat(EncoderStudentConfig.defaults().toBuilder().hiddenSize(8).build().pairWide()).isFalse();
        EncoderStudentConfig off = EncoderStudentConfig.builder().pairWide(false).build();
        assertThat(off.toBuilder().build()).isEqualTo(off);
        // the deep blocks' factor, each fixed on folds inside the pools: smaller beside the alignment features
        assertThat(EncoderStudentConfig.defaults().deepScale()).isEqualTo(0.1);
        assertThat(EncoderStudentConfig.builder().pairAlignment(false).build().deepScale()).isEqualTo(0.3);
        assertThat(EncoderStudentConfig.defaults().toBuilder().pairAlignment(false).build().deepScale())
                .isEqualTo(0.3);
        EncoderStudentConfig pinned = EncoderStudentConfig.builder().deepScale(0.3).build();
        assertThat(pinned.toBuilder().build()).isEqualTo(pinned);
    }

    @Test
    void wideEncoderIsTheSameForTheSameSeed() {
        float[][] first = null;
        for (int run = 0; run < 2; run++) {
            EncoderStudent s = encoder(true, true).create(REPEAT, TrainingOptions.defaults(4));
            s.fit(TRAIN, 2, 5);
            float[][] z = values(s.logits(TEST.samples()));
            if (first == null) {
                first = z;
            } else {
                assertThat(z).isDeepEqualTo(first);
            }
        }
        EncoderStudent other = encoder(true, true).create(REPEAT, TrainingOptions.defaults(4));
        other.fit(TRAIN, 2, 6);
        assertThat(values(other.logits(TEST.samples()))).isNotEqualTo(first);
    }

    @Test
    void wideBagIsTheSameForTheSameSeed() {
        for (int hidden : new int[] {0, 8}) {
            float[][] first = null;
            for (int run = 0; run < 2; run++) {
                BagOfEmbeddingsStudent s = bag(hidden, true).create(REPEAT, TrainingOptions.defaults(4));
                s.fit(TRAIN, 3, 5);
                float[][] z = values(s.logits(TEST.samples()));
                if (first == null) {
                    first = z;
                } else {
                    assertThat(z).as("hidden %d", hidden).isDeepEqualTo(first);
                }
            }
            BagOfEmbeddingsStudent other = bag(hidden, true).create(REPEAT, TrainingOptions.defaults(4));
            other.fit(TRAIN, 3, 6);
            assertThat(values(other.logits(TEST.samples()))).isNotEqualTo(first);
        }
    }

    @Test
    void pairEncoderSeparatesItFromTheEmbeddingsAloneAndWithOverlap() {
        // without the overlap features: only [u, v, |u - v|, u * v] of the two embeddings carry the relation
        // (measured 0.93; bucket collisions of the fake encoder cap it below 1)
        assertThat(accuracy(encoder(false), REPEAT, TRAIN, TEST, 20)).isGreaterThanOrEqualTo(0.85);
        assertThat(accuracy(encoder(true), REPEAT, TRAIN, TEST, 10)).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void eachFieldIsEmbeddedOnItsOwnAndOnce() {
        FakeEncoder fake = new FakeEncoder(64);
        EncoderStudent.Factory f = EncoderStudent.factory(fake, EncoderStudentConfig.defaults());
        EncoderStudent s = f.create(REPEAT, TrainingOptions.defaults(1));
        s.fit(TRAIN, 2, 1);
        s.logits(TRAIN.samples());
        java.util.Set<String> texts = new java.util.HashSet<>();
        TRAIN.forEach(x -> {
            texts.add(x.inputs().get("first"));
            texts.add(x.inputs().get("second"));
        });
        assertThat(fake.encoded.get()).isEqualTo(texts.size());
        assertThat(f.encoder().misses()).isEqualTo(texts.size());
    }

    @Test
    void pairBagHandWrittenPassAndDl4jGraphAgree() {
        for (int variant = 0; variant < 4; variant++) {
            int hidden = variant % 2 == 0 ? 0 : 8;
            boolean wide = variant >= 2;
            BagOfEmbeddingsStudent s = bag(hidden, wide).create(REPEAT, TrainingOptions.defaults(1));
            s.fit(TRAIN, 3, 1);
            float[][] java = s.forward(s.encode(TEST.samples()), AbstractStudent.range(TEST.size()));
            INDArray graph = BagOfEmbeddingsStudentTest.graphOutput(s, TEST.samples());
            for (int i = 0; i < TEST.size(); i++) {
                for (int k = 0; k < 2; k++) {
                    assertThat(java[i][k]).as("hidden=%d wide=%s row %d class %d", hidden, wide, i, k)
                            .isCloseTo(graph.getFloat(i, k), within(1e-5f));
                }
            }
        }
    }

    /**
     * The hand-written pair step's gradient (read off its SGD update) against finite differences of the loss:
     * embedding rows of both fields' tokens, the hidden layer and the output layer.
     */
    @Test
    void pairBagGradientMatchesFiniteDifferences() {
        checkPairBagGradient(false);
    }

    /** The same with the wide path: its weights' gradient too (its learning rate set to the deep one's). */
    @Test
    void wideBagGradientMatchesFiniteDifferences() {
        checkPairBagGradient(true);
    }

    private static void checkPairBagGradient(boolean wide) {
        BagOfEmbeddingsStudent s = BagOfEmbeddingsStudent.factory(BagOfEmbeddingsConfig.builder().embeddingDim(6)
                .hiddenSize(8).bigramBuckets(0).learningRate(0.1).pairWide(wide).wideLearningRate(0.1).build())
                .create(REPEAT, TrainingOptions.defaults(1));
        s.fit(TRAIN.head(40), 1, 1); // non-zero output weights, so that gradients reach the embeddings
        if (wide) {
            // the wide path's warm start already fits these pairs, so the deep output weights stay near zero after a
            // fit: set them to random values, so that the check reaches the embeddings as it does without it
            BagOfEmbeddingsStudent.Params p = s.parameters().copy();
            Random r = new Random(3);
            for (int i = 0; i < p.wo.length; i++) {
                p.wo[i] = (float) (r.nextGaussian() * 0.1);
            }
            s.useParameters(p);
        }
        List<Sample> one = TRAIN.samples().subList(3, 4);
        BagOfEmbeddingsStudent.Encoded enc = s.encode(one);
        // the wrong label: the fitted student is confident, so the loss and its gradient are far from zero
        int[] labels = {1 - s.labelsOf(one)[0]};
        s.prepare(Dataset.empty());
        BagOfEmbeddingsStudent.Params before = s.parameters().copy();
        s.step(enc, labels, new int[] {0}, 0.0); // progress 0: the step is exactly learningRate * gradient
        BagOfEmbeddingsStudent.Params after = s.parameters();
        double lr = 0.1;
        int d = before.dim;
        List<float[][]> checked = new ArrayList<>(); // {before array, after array} pairs, with the indices below
        List<Integer> indices = new ArrayList<>();
        for (int id : new int[] {enc.features()[0][0], enc.second()[0][0]}) {
            for (int i = 0; i < d; i++) {
                checked.add(new float[][] {before.emb, after.emb});
                indices.add(id * d + i);
            }
        }
        for (int i = 0; i < before.w1.length; i += 7) {
            checked.add(new float[][] {before.w1, after.w1});
            indices.add(i);
        }
        for (int i = 0; i < before.wo.length; i++) {
            checked.add(new float[][] {before.wo, after.wo});
            indices.add(i);
        }
        int wideChecked = 0;
        if (wide) {
            for (int i = 0; i < before.ww.length; i++) {
                checked.add(new float[][] {before.ww, after.ww});
                indices.add(i);
                wideChecked++;
            }
        }
        assertThat(wideChecked).isEqualTo(wide ? LexicalOverlap.COUNT * 2 : 0);
        double h = 1e-3; // small: a larger step can straddle the kink of |u - v| where u and v are close
        int nonZero = 0;
        for (int k = 0; k < indices.size(); k++) {
            int i = indices.get(k);
            float[][] arrays = checked.get(k);
            double analytic = (arrays[0][i] - arrays[1][i]) / lr;
            double[] losses = new double[2];
            for (int sign = 0; sign < 2; sign++) {
                BagOfEmbeddingsStudent.Params p = before.copy();
                float[] target = arrays[0] == before.emb ? p.emb : arrays[0] == before.w1 ? p.w1
                        : arrays[0] == before.ww ? p.ww : p.wo;
                target[i] += (float) (sign == 0 ? h : -h);
                s.useParameters(p);
                float[] z = s.forward(enc, new int[] {0})[0];
                losses[sign] = new io.github.goldkd.core.CrossEntropyLoss().value(AbstractStudent.toDouble(z), labels[0]);
            }
            double numeric = (losses[0] - losses[1]) / (2 * h);
            assertThat(analytic).as("parameter %d", k).isCloseTo(numeric, within(2e-3 + 0.02 * Math.abs(numeric)));
            if (Math.abs(numeric) > 1e-3 && arrays[0] == before.emb) {
                nonZero++;
            }
        }
        // through both fields' bags (a ReLU unit that is off passes no gradient, so some other entries are 0)
        assertThat(nonZero).as("embedding gradients that are not zero, of %d", 2 * d).isGreaterThanOrEqualTo(d);
        s.useParameters(before);
        s.finishFit();
    }

    static float[][] values(List<Logits> logits) {
        return StudentContractTest.values(logits);
    }

    @Test
    void pairStudentsSaveAndLoadWithIdenticalLogitsAndKeepTraining(@TempDir Path dir) {
        TrainingOptions options = new TrainingOptions(new SymmetricCrossEntropyLoss(0.1, 1.0, 1e-3),
                BatchFilter.NONE, 5);
        List<StudentFactory> factories = List.of(bag(0), bag(8), encoder(true), bag(0, true), bag(8, true),
                encoder(true, true), aligned());
        for (int i = 0; i < factories.size(); i++) {
            StudentFactory f = factories.get(i);
            AbstractStudent<?> s = (AbstractStudent<?>) f.create(REPEAT, options);
            s.fit(TRAIN, 2, 1);
            Path file = dir.resolve("s" + i + ".zip");
            s.save(file);
            AbstractStudent<?> back = (AbstractStudent<?>) f.load(file);
            assertThat(values(back.logits(TEST.samples()))).isDeepEqualTo(values(s.logits(TEST.samples())));
            assertThat(back.task()).isEqualTo(REPEAT);
            assertThat(back.describe().get("pair")).isEqualTo(List.of("first", "second"));
            back.fit(TRAIN, 1, 2);
            assertThat(values(back.logits(TEST.samples()))).isNotEqualTo(values(s.logits(TEST.samples())));
        }
    }

    /**
     * A file written before pair-aware students: a two-field task, no "pair" entry, a network over the joined
     * text. Made from a joined-text student by writing its metadata as the old code did.
     */
    @Test
    void aStudentFileFromBeforePairStudentsStillLoadsAndReadsTheJoinedText(@TempDir Path dir) throws IOException {
        List<StudentFactory> factories = List.of(bag(0), encoder(true),
                TextCnnStudent.factory(TextCnnConfig.builder().embeddingDim(8).filters(4).build()));
        for (int i = 0; i < factories.size(); i++) {
            StudentFactory f = factories.get(i);
            AbstractStudent<?> single = (AbstractStudent<?>) f.create(JOINED, TrainingOptions.defaults(3));
            single.fit(joined(TRAIN), 2, 1);
            Path now = dir.resolve("now" + i + ".zip");
            single.save(now);
            Path old = dir.resolve("old" + i + ".zip");
            rewriteMeta(now, old, meta -> {
                meta.remove("pair");
                meta.add("task", TaskJson.toJson(REPEAT));
            });
            AbstractStudent<?> back = (AbstractStudent<?>) f.load(old);
            assertThat(back.task()).isEqualTo(REPEAT);
            assertThat(back.describe().get("pair")).as("student %d", i).isIn(null, List.of());
            assertThat(values(back.logits(TEST.samples())))
                    .isDeepEqualTo(values(single.logits(joined(TEST).samples())));
            // and a single-text student file written now loads as it was
            AbstractStudent<?> same = (AbstractStudent<?>) f.load(now);
            assertThat(values(same.logits(joined(TEST).samples())))
                    .isDeepEqualTo(values(single.logits(joined(TEST).samples())));
        }
    }

    /**
     * A pair student file written before the wide path: no wide settings in its configuration, no standardisation.
     * Made from a pair bag without the wide path by deleting what the old code did not write; it loads with the
     * overlap features inside the deep input, as it was trained, whatever the factory's configuration says.
     */
    @Test
    void aPairBagFileFromBeforeTheWidePathLoadsWithoutIt(@TempDir Path dir) throws IOException {
        BagOfEmbeddingsStudent s = bag(0, false).create(REPEAT, TrainingOptions.defaults(3));
        s.fit(TRAIN, 2, 1);
        Path now = dir.resolve("now.zip");
        s.save(now);
        Path old = dir.resolve("old.zip");
        rewriteMeta(now, old, meta -> {
            meta.getAsJsonObject("config").remove("pairWide");
            meta.getAsJsonObject("config").remove("wideLearningRate");
            meta.remove(WidePath.META);
        });
        BagOfEmbeddingsStudent back = bag(0, true).load(old);
        assertThat(back.config().pairWide()).isFalse();
        assertThat(values(back.logits(TEST.samples()))).isDeepEqualTo(values(s.logits(TEST.samples())));
        assertThat(values(Students.load(old).logits(TEST.samples()))).isDeepEqualTo(values(s.logits(TEST.samples())));
        // a wide file that lost its standardisation is refused with a message that says so
        BagOfEmbeddingsStudent w = bag(0, true).create(REPEAT, TrainingOptions.defaults(3));
        w.fit(TRAIN, 1, 1);
        Path wide = dir.resolve("wide.zip");
        w.save(wide);
        Path broken = dir.resolve("broken.zip");
        rewriteMeta(wide, broken, meta -> meta.remove(WidePath.META));
        assertThatThrownBy(() -> bag(0, true).load(broken)).isInstanceOf(StudentException.class)
                .hasMessageContaining(WidePath.META);
    }

    /** The same for the encoder student: a pair file without the wide settings loads as it was trained. */
    @Test
    void aPairEncoderFileFromBeforeTheWidePathLoadsWithoutIt(@TempDir Path dir) throws IOException {
        EncoderStudent s = encoder(true, false).create(REPEAT, TrainingOptions.defaults(3));
        s.fit(TRAIN, 2, 1);
        Path now = dir.resolve("now.zip");
        s.save(now);
        Path old = dir.resolve("old.zip");
        rewriteMeta(now, old, meta -> {
            meta.getAsJsonObject("config").remove("pairWide");
            meta.getAsJsonObject("config").remove("deepScale");
            meta.getAsJsonObject("config").remove("pairAlignment");
        });
        EncoderStudent back = aligned().load(old);
        assertThat(back.config().pairWide()).isFalse();
        assertThat(back.config().pairAlignment()).isFalse();
        assertThat(back.describe().get("wide")).isEqualTo(false);
        assertThat(back.describe().get("alignment")).isEqualTo(false);
        assertThat(values(back.logits(TEST.samples()))).isDeepEqualTo(values(s.logits(TEST.samples())));
    }

    /** Pairs of synonyms: the first half for training, the second for testing. */
    private static final String[][] SYNONYMS = {{"big", "large"}, {"small", "tiny"}, {"fast", "quick"},
            {"begin", "start"}, {"buy", "purchase"}, {"car", "automobile"}, {"happy", "glad"},
            {"hard", "difficult"}, {"end", "finish"}, {"help", "assist"}, {"rich", "wealthy"}, {"sad", "unhappy"},
            {"shut", "close"}, {"smart", "clever"}, {"answer", "reply"}, {"house", "home"}, {"angry", "furious"},
            {"loud", "noisy"}, {"odd", "strange"}, {"gift", "present"}, {"jump", "leap"}, {"stone", "rock"},
            {"shout", "yell"}, {"error", "mistake"}};

    /**
     * Label: whether the second word means the first (a synonym) or another pair's word. The two fields never share
     * a word, so every overlap feature is the same in both classes, and the test words never occur in training.
     */
    static Dataset synonymData(int from, int to, long seed) {
        Random r = new Random(seed);
        List<Sample> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            for (int rep = 0; rep < 4; rep++) {
                boolean same = rep % 2 == 0;
                int other = from + Math.floorMod(i - from + 1 + r.nextInt(to - from - 1), to - from);
                String second = same ? SYNONYMS[i][1] : SYNONYMS[other][1];
                out.add(Sample.of("s" + i + "-" + rep, Map.of("first", SYNONYMS[i][0], "second", second),
                        same ? "repeat" : "fresh", Origin.REAL));
            }
        }
        return Dataset.of(out);
    }

    @Test
    void theTokenAlignmentSeparatesSynonymsWhereNoWordIsShared() {
        Dataset train = synonymData(0, 12, 31);
        Dataset test = synonymData(12, 24, 32);
        double withAlignment = accuracy(aligned(), REPEAT, train, test, 10);
        double without = accuracy(encoder(true, true), REPEAT, train, test, 10);
        assertThat(withAlignment).isGreaterThanOrEqualTo(0.75);
        assertThat(without).isLessThanOrEqualTo(0.6);
    }

    static void rewriteMeta(Path from, Path to, java.util.function.Consumer<JsonObject> change) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(from));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] bytes = in.readAllBytes();
                if (e.getName().equals("student.json")) {
                    JsonObject meta = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject();
                    change.accept(meta);
                    bytes = meta.toString().getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
    }

    @Test
    void theTextCnnRefusesPairTasksNamingTheTaskAndTheStudentsThatReadPairs() {
        assertThatThrownBy(() -> TextCnnStudent.factory().create(REPEAT, TrainingOptions.defaults(1)))
                .isInstanceOf(StudentException.class).hasMessageContaining("'repeat'")
                .hasMessageContaining("sentence pair").hasMessageContaining("--student bag")
                .hasMessageContaining("--student encoder");
        assertThat(TextCnnStudent.factory().create(JOINED, TrainingOptions.defaults(1))).isNotNull();
    }

    @Test
    void lexicalOverlapFeatures() {
        float[] f = LexicalOverlap.features("When did the Normans reach Italy in 1017?",
                "In 1017 the Normans, led by Rainulf, reached Italy.");
        assertThat(f).hasSize(LexicalOverlap.COUNT);
        assertThat(LexicalOverlap.NAMES).hasSize(LexicalOverlap.COUNT);
        // second's words: in 1017 the normans led by rainulf reached italy (9); in the first: in 1017 the normans italy
        assertThat(f[0]).isCloseTo(5 / 9f, within(1e-6f));
        // first's words: when did the normans reach italy in 1017 (8); in the second: the normans italy in 1017
        assertThat(f[1]).isCloseTo(5 / 8f, within(1e-6f));
        // content: second {1017 normans led rainulf reached italy}, first {normans reach italy 1017}
        assertThat(f[2]).isCloseTo(3 / 6f, within(1e-6f));
        assertThat(f[3]).isCloseTo(3 / 4f, within(1e-6f));
        assertThat(f[4]).isEqualTo(1f);
        assertThat(f[5]).isEqualTo(0f);
        // names of the second (not its first word): Normans, Rainulf, Italy; Rainulf is not in the first
        assertThat(f[6]).isCloseTo(2 / 3f, within(1e-6f));
        assertThat(f[7]).isEqualTo(1f);
        float[] numbers = LexicalOverlap.features("It cost 1,000 pounds.", "It cost 2000 or 1000 pounds.");
        assertThat(numbers[4]).isEqualTo(0.5f);
        assertThat(numbers[5]).isEqualTo(1f);
        assertThat(LexicalOverlap.features(null, "")).containsOnly(0f);
    }
}
