package io.github.goldkd.student.seq;

import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.CrossEntropyLoss;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Loss;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.SymmetricCrossEntropyLoss;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.core.metric.ArithmeticExpression;
import io.github.goldkd.core.metric.Metrics;
import io.github.goldkd.student.StudentException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The seq2seq student on tiny synthetic tasks: it learns them, its logits keep the sequence contract (shape,
 * mask, targets, padding invariance), save/load and seeds reproduce it exactly, and the batch filter and loss
 * are the ones it trains with. One math and one text student are trained once for the class.
 */
class Seq2SeqStudentTest {

    static final Seq2SeqConfig MATH_CONFIG = Seq2SeqConfig.builder(TaskKind.MATH_WORD_PROBLEM).dModel(32).heads(2)
            .ffnSize(64).encoderLayers(1).decoderLayers(1).warmupSteps(20).learningRate(0.003).batchSize(32)
            .threads(1).beamWidth(1).plausibleAnswers(false) // greedy, as before math's defaults chose a beam
            .distractorRate(0).build(); // and every sample as written, as before math's defaults inserted distractors
    static final Seq2SeqConfig TEXT_CONFIG = Seq2SeqConfig.builder(TaskKind.TEXT_GENERATION).dModel(32).heads(2)
            .ffnSize(64).encoderLayers(1).decoderLayers(1).warmupSteps(20).learningRate(0.003).batchSize(32)
            .maxTargetTokens(32).threads(1).build();
    static final Dataset MATH_TRAIN = SeqToyData.math(256, 1);
    static final Dataset MATH_TEST = SeqToyData.math(40, 2);
    static final Dataset TEXT_TRAIN = SeqToyData.text(256, 1);
    static final Dataset TEXT_TEST = SeqToyData.text(20, 2);

    static Seq2SeqStudent math;
    static Seq2SeqStudent text;
    static String stdout;

    @BeforeAll
    static void train() {
        stdout = SeqStudentFixture.printedBy(() -> {
            math = SeqStudentFixture.trained(MATH_CONFIG, SeqToyData.MATH, MATH_TRAIN, 8);
            text = SeqStudentFixture.trained(TEXT_CONFIG, SeqToyData.TEXT, TEXT_TRAIN, 16);
        });
    }

    // ---- learning -------------------------------------------------------------------------------------

    @Test
    void anUntrainedStudentScoresEveryProbeAlikePredictsNothingAndSurvivesSaveAndLoad(@TempDir Path dir) {
        Seq2SeqStudent raw = Seq2SeqStudent.factory(MATH_CONFIG).create(SeqToyData.MATH, TrainingOptions.defaults(3));
        List<Sample> probe = MATH_TRAIN.samples().subList(0, 4);
        List<Logits> z = raw.logits(probe);
        assertThat(z).hasSize(4).allSatisfy(l -> {
            assertThat(l.positions()).isEqualTo(1);
            assertThat(l.row(0)).containsExactly(0f);
        });
        assertThat(raw.predict(probe)).containsOnly("");
        Path file = dir.resolve("untrained.zip");
        raw.save(file);
        Seq2SeqStudent back = Seq2SeqStudent.factory().load(file);
        assertThat(back.predict(probe)).containsOnly("");
        // and it trains from there like a fresh student of the same seed
        back.fit(MATH_TRAIN.head(32), 1, 1);
        raw.fit(MATH_TRAIN.head(32), 1, 1);
        assertSameLogits(raw.logits(probe), back.logits(probe));
    }

    @Test
    void mathLearnsSyntheticArithmeticOnUnseenNumbers() {
        // the operator follows from the wording, the operands are slots: >= 0.9 of new problems exactly right
        assertThat(math.score(MATH_TEST, Metrics.executionAccuracy())).isGreaterThanOrEqualTo(0.9);
        List<String> beam = math.predict(MATH_TEST.samples(), 3);
        assertThat(Metrics.executionAccuracy().score(beam, MATH_TEST.samples().stream().map(Sample::references)
                .toList())).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void textLearnsToCopyUnseenNamesAndNumbers() {
        // every name and number of a test document is new: the layout words alone ("variables", "maximize")
        // score about 0.25 (2 of 8 tokens once punctuation is dropped), so >= 0.9 needs copying each name and
        // number in its place. Measured 1.0; 0.55 before a copied token's decoder input read its source
        // position (the decoder saw every unknown name as <unk> and lost its place: 0.26 once numbers were
        // copied too)
        assertThat(text.score(TEXT_TEST, Metrics.rougeL())).isGreaterThanOrEqualTo(0.9);
        List<Sample> ten = TEXT_TEST.samples().subList(0, 10);
        List<String> beam = text.predict(ten, 3);
        assertThat(Metrics.rougeL().score(beam, ten.stream().map(Sample::references).toList()))
                .isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void constrainedDecodingWritesOnlyWellFormedExpressionsOverTheProblemsNumbers() {
        // a barely trained student still writes parseable expressions whose numbers come from the problem
        Seq2SeqStudent raw = Seq2SeqStudent.factory(MATH_CONFIG).create(SeqToyData.MATH, TrainingOptions.defaults(3));
        raw.fit(MATH_TRAIN.head(32), 1, 1);
        List<Sample> samples = MATH_TEST.samples().subList(0, 15);
        List<String> predicted = raw.predict(samples, 2);
        for (int i = 0; i < samples.size(); i++) {
            String p = predicted.get(i);
            assertThat(ArithmeticExpression.evaluate(p)).as(p).isPresent();
            String problem = samples.get(i).text();
            for (String token : p.split(" ")) {
                if (token.matches("\\d+\\.0")) {
                    assertThat(problem).contains(" " + token.replace(".0", "") + " ");
                }
            }
        }
    }

    @Test
    void plausibleAnswersPassOverNegativeAnswersForTheBeamsNextPlausibleOne() {
        // a third of the toy problems subtract, half of those a larger number: negative answers the student
        // learnt to write, which the choice passes over whenever the beam holds a plausible hypothesis
        List<Sample> samples = MATH_TEST.samples();
        List<String> best = math.predict(samples, 3, false);
        List<String> chosen = math.predict(samples, 3, true);
        int changed = 0;
        for (int i = 0; i < samples.size(); i++) {
            if (!chosen.get(i).equals(best.get(i))) {
                changed++;
                assertThat(plausible(chosen.get(i))).as(chosen.get(i)).isTrue();
                assertThat(plausible(best.get(i))).as(best.get(i)).isFalse();
            }
        }
        long negativeBest = best.stream().filter(p -> !plausible(p)).count();
        assertThat(changed).as("changed predictions").isPositive().isLessThanOrEqualTo((int) negativeBest);
        // the plain predictions are what decoding without the choice gives; one hypothesis leaves no choice
        assertThat(best).isEqualTo(math.predict(samples, 3));
        assertThat(math.predict(samples, 1, true)).isEqualTo(math.predict(samples, 1, false));
    }

    /** Every number of the toy problems is whole: a plausible answer is a whole number >= 0. */
    static boolean plausible(String expression) {
        java.util.OptionalDouble v = ArithmeticExpression.evaluate(expression);
        return v.isPresent() && v.getAsDouble() >= 0 && v.getAsDouble() == Math.rint(v.getAsDouble());
    }

    // ---- batched decoding -----------------------------------------------------------------------------

    @Test
    void decodingAChunksSourcesTogetherGivesWhatDecodingEachAloneGivesWithOneDecoderCallPerStep() {
        // sources of many lengths (the toy shapes differ, and some get an extra sentence), one of them empty
        List<Sample> mathProbe = new ArrayList<>(MATH_TEST.samples().subList(0, 16));
        List<Sample> textProbe = new ArrayList<>(TEXT_TEST.samples().subList(0, 8));
        for (int i = 0; i < 4; i++) {
            Sample m = MATH_TEST.get(16 + i);
            mathProbe.add(Sample.withTarget("long-m" + i, java.util.Map.of("body", m.inputs().get("body")
                    + " it rains on " + (3 + i) + " days .".repeat(i + 1), "question", m.inputs().get("question")),
                    m.target(), m.references(), io.github.goldkd.core.Origin.REAL));
            Sample t = TEXT_TEST.get(8 + i);
            textProbe.add(Sample.withTarget("long-t" + i, java.util.Map.of("document", t.text()
                    + " The store opens at 9 and closes at 17.".repeat(i + 1)), t.target(), List.of(),
                    io.github.goldkd.core.Origin.REAL));
        }
        mathProbe.add(Sample.withTarget("empty-m", java.util.Map.of("body", "", "question", ""), "( 1.0 + 1.0 )",
                List.of("2.0"), io.github.goldkd.core.Origin.REAL));
        textProbe.add(Sample.withTarget("empty-t", java.util.Map.of("document", ""), "x", List.of(),
                io.github.goldkd.core.Origin.REAL));
        for (Seq2SeqStudent student : List.of(math, text)) {
            List<Sample> probe = student == math ? mathProbe : textProbe;
            assertThat(probe.stream().mapToInt(s -> student.codec().source(s, 512).length()).distinct().count())
                    .as("distinct source lengths").isGreaterThanOrEqualTo(4);
            assertThat(probe.stream().mapToInt(s -> student.codec().source(s, 512).length()).min().orElseThrow())
                    .isZero();
            int steps = student.config().maxTargetTokens();
            for (int width : new int[] {1, 3}) {
                long before = student.decoderCalls();
                List<String> together = student.predict(probe, width);
                long calls = student.decoderCalls() - before;
                List<String> alone = student.predictEachAlone(probe, width);
                assertThat(together).as("beam " + width).isEqualTo(alone);
                // one call per step for the whole chunk, not one per step and source
                assertThat(calls).as("decoder calls, beam " + width).isBetween(1L, (long) steps);
                assertThat(student.decoderCalls() - before - calls).as("calls decoding each alone")
                        .isGreaterThan((long) probe.size());
            }
        }
        // more samples than a chunk of 64: each chunk decodes together, the order is kept
        List<Sample> many = SeqToyData.math(66, 3).samples();
        assertThat(math.predict(many, 1)).isEqualTo(math.predictEachAlone(many, 1));
    }

    @Test
    void theHostEncoderAndIncrementalDecoderComputeTheGraphsLogitsOnePositionAtATime() {
        // every target position of samples with copies (text) and without (math), an empty source among them; the
        // source is encoded on the host (IncrementalDecoder.encode), the graph's logits run its own encoder
        List<Sample> textProbe = new ArrayList<>(TEXT_TEST.samples().subList(0, 4));
        textProbe.add(Sample.withTarget("empty-t", java.util.Map.of("document", ""), "x", List.of(),
                io.github.goldkd.core.Origin.REAL));
        for (Seq2SeqStudent student : List.of(math, text)) {
            List<Sample> probe = student == math ? MATH_TEST.samples().subList(0, 4) : textProbe;
            int compared = 0;
            for (Sample s : probe) {
                Logits graph = student.logits(List.of(s)).get(0);
                float[][] incremental = student.incrementalLogits(s);
                assertThat(incremental.length).as(s.id() + " positions").isEqualTo(graph.realPositions());
                for (int t = 0; t < incremental.length; t++) {
                    assertThat(incremental[t]).as(s.id() + " position " + t)
                            .containsExactly(graph.row(t), within(1e-4f));
                    compared++;
                }
            }
            assertThat(compared).as("positions compared").isGreaterThan(10);
        }
    }

    @Test
    void decodingReadsTheWeightsOfTheLastTrainingStepNotAnEarlierSnapshot() {
        // the host network's weights are copied once and kept until the next optimiser step
        Seq2SeqStudent fresh = Seq2SeqStudent.factory(MATH_CONFIG).create(SeqToyData.MATH,
                io.github.goldkd.core.TrainingOptions.defaults(4));
        fresh.fit(MATH_TRAIN.head(32), 1, 1);
        Sample s = MATH_TEST.get(0);
        float[][] before = fresh.incrementalLogits(s);
        assertThat(fresh.incrementalLogits(s)[0]).as("the same snapshot twice").containsExactly(before[0]);
        fresh.fit(MATH_TRAIN.head(32), 1, 2);
        float[][] after = fresh.incrementalLogits(s);
        Logits graph = fresh.logits(List.of(s)).get(0);
        assertThat(after[0]).containsExactly(graph.row(0), within(1e-4f));
        assertThat(after[0]).as("trained further").isNotEqualTo(before[0]);
    }

    // ---- logits contract ------------------------------------------------------------------------------

    @Test
    void logitsHaveOneRowPerTargetPositionAMaskAndTheTeacherForcedTargets() {
        List<Sample> two = List.of(TEXT_TEST.get(0), TEXT_TEST.get(1));
        List<Logits> z = text.logits(two);
        int v = ((TextCodec) codecOf(text)).outputVocabularySize();
        int longest = 0;
        for (int i = 0; i < 2; i++) {
            SeqCodec.Source src = codecOf(text).source(two.get(i), TEXT_CONFIG.maxSourceTokens());
            int[] target = codecOf(text).target(two.get(i), src, TEXT_CONFIG.maxTargetTokens());
            longest = Math.max(longest, target.length);
            Logits l = z.get(i);
            assertThat(l.isSequence()).isTrue();
            assertThat(l.width()).isEqualTo(v + src.length());
            assertThat(l.realPositions()).isEqualTo(target.length);
            for (int t = 0; t < target.length; t++) {
                assertThat(l.isReal(t)).isTrue();
                assertThat(l.target(t)).isEqualTo(target[t]);
            }
            assertThat(l.target(target.length - 1)).isEqualTo(codecOf(text).eos());
            // a trained copy student copies: some target is a source position
            assertThat(IntStream.of(target).anyMatch(t -> t >= v)).isTrue();
        }
        assertThat(z.get(0).positions()).isEqualTo(longest).isEqualTo(z.get(1).positions());
    }

    @Test
    void theSameSamplePaddedToTwoLengthsHasTheSameEnergy() {
        Sample shortOne = TEXT_TEST.get(0);
        Sample other = TEXT_TEST.get(1);
        // a longer document and formulation pad the short one's source and target in a shared batch
        Sample longOne = Sample.withTarget("long", java.util.Map.of("document", other.text()
                        + " Each needs 3 hours and there are 40 hours."), other.target()
                        + "\nconstraints:\n3 x + 3 y <= 40", List.of(), io.github.goldkd.core.Origin.REAL);
        Logits alone = text.logits(List.of(shortOne)).get(0);
        Logits padded = text.logits(List.of(longOne, shortOne)).get(1);
        assertThat(padded.positions()).isGreaterThan(alone.realPositions());
        assertThat(energy(padded)).isCloseTo(energy(alone), within(1e-4));
        assertThat(new CrossEntropyLoss().value(padded)).isCloseTo(new CrossEntropyLoss().value(alone), within(1e-4));
        Logits mathAlone = math.logits(List.of(MATH_TEST.get(0))).get(0);
        Logits mathPadded = math.logits(MATH_TEST.samples().subList(0, 8)).get(0);
        assertThat(energy(mathPadded)).isCloseTo(energy(mathAlone), within(1e-4));
    }

    /** Mean over real positions of -logsumexp (the energy the OOD scorer uses). */
    static double energy(Logits z) {
        double sum = 0;
        for (int t = 0; t < z.positions(); t++) {
            if (z.isReal(t)) {
                float[] row = z.row(t);
                double[] d = new double[row.length];
                for (int k = 0; k < row.length; k++) {
                    d[k] = row[k];
                }
                sum -= Loss.logSumExp(d);
            }
        }
        return sum / z.realPositions();
    }

    // ---- persistence, determinism ---------------------------------------------------------------------

    @Test
    void saveAndLoadGiveIdenticalLogitsTheSameRankingAndTrainingContinuesIdentically(@TempDir Path dir) {
        Seq2SeqStudent a = Seq2SeqStudent.factory(TEXT_CONFIG).create(SeqToyData.TEXT, TrainingOptions.defaults(5));
        a.fit(TEXT_TRAIN.head(64), 1, 3);
        Path file = dir.resolve("s.zip");
        SeqStudentFixture.Printed<Seq2SeqStudent> loaded = SeqStudentFixture.printing(() -> {
            a.save(file);
            Seq2SeqStudent continued = Seq2SeqStudent.factory().load(file);
            continued.fit(TEXT_TRAIN.head(32), 1, 4);
            return continued;
        });
        assertThat(loaded.stdout()).isEmpty();
        Seq2SeqStudent b = loaded.value();
        Seq2SeqStudent c = Seq2SeqStudent.factory().load(file);
        List<Sample> probe = TEXT_TEST.samples().subList(0, 6);
        assertSameLogits(a.logits(probe), c.logits(probe));
        assertThat(ranking(c.logits(probe))).isEqualTo(ranking(a.logits(probe)));
        assertThat(c.predict(probe)).isEqualTo(a.predict(probe));
        // loadable by its path alone: student.json names the kind
        io.github.goldkd.core.Student byPath = io.github.goldkd.student.Students.load(file);
        assertThat(byPath).isInstanceOf(Seq2SeqStudent.class);
        assertSameLogits(a.logits(probe), byPath.logits(probe));
        // the Adam state and step count were saved: continuing the loaded copy equals continuing the original
        a.fit(TEXT_TRAIN.head(32), 1, 4);
        assertSameLogits(a.logits(probe), b.logits(probe));
        assertThat(b.task()).isEqualTo(SeqToyData.TEXT);
        assertThat(b.config()).isEqualTo(TEXT_CONFIG);
    }

    @Test
    void libraryCodeWritesNothingToStandardOutput() {
        assertThat(stdout).isEmpty();
    }

    @Test
    void theSameSeedGivesTheSameLogitsAndAnotherSeedOthers() {
        List<Sample> probe = MATH_TEST.samples().subList(0, 4);
        Seq2SeqStudent a = Seq2SeqStudent.factory(MATH_CONFIG).create(SeqToyData.MATH, TrainingOptions.defaults(9));
        Seq2SeqStudent b = Seq2SeqStudent.factory(MATH_CONFIG).create(SeqToyData.MATH, TrainingOptions.defaults(9));
        Seq2SeqStudent c = Seq2SeqStudent.factory(MATH_CONFIG).create(SeqToyData.MATH, TrainingOptions.defaults(10));
        for (Seq2SeqStudent s : List.of(a, b, c)) {
            s.fit(MATH_TRAIN.head(64), 1, 2);
        }
        assertSameLogits(a.logits(probe), b.logits(probe));
        assertThat(a.logits(probe).get(0).get(0, 1)).isNotEqualTo(c.logits(probe).get(0).get(0, 1));
    }

    // ---- loss and batch filter ------------------------------------------------------------------------

    @Test
    void theBatchFilterSeesEachMiniBatchsLogitsAndOnlyKeptSamplesTrain() {
        List<Integer> sizes = new ArrayList<>();
        BatchFilter firstOnly = new BatchFilter() {
            @Override
            public int[] keep(List<Logits> batch) {
                sizes.add(batch.size());
                assertThat(batch).allSatisfy(z -> assertThat(z.hasTargets()).isTrue());
                return new int[] {0};
            }

            @Override
            public String name() {
                return "first";
            }
        };
        BatchFilter all = new BatchFilter() {
            @Override
            public int[] keep(List<Logits> batch) {
                return BatchFilter.NONE.keep(batch);
            }

            @Override
            public String name() {
                return "all";
            }
        };
        Dataset data = MATH_TRAIN.head(64);
        Seq2SeqStudent filtered = student(new TrainingOptions(new CrossEntropyLoss(), firstOnly, 4));
        Seq2SeqStudent keepAll = student(new TrainingOptions(new CrossEntropyLoss(), all, 4));
        Seq2SeqStudent none = student(new TrainingOptions(new CrossEntropyLoss(), BatchFilter.NONE, 4));
        filtered.fit(data, 1, 1);
        keepAll.fit(data, 1, 1);
        none.fit(data, 1, 1);
        assertThat(sizes).containsExactly(32, 32);
        List<Sample> probe = MATH_TEST.samples().subList(0, 3);
        assertSameLogits(keepAll.logits(probe), none.logits(probe));
        assertThat(filtered.logits(probe).get(0).get(0, 1)).isNotEqualTo(none.logits(probe).get(0).get(0, 1));
    }

    @Test
    void theConfiguredLossIsTheOneTrained() {
        Dataset data = MATH_TRAIN.head(64);
        Seq2SeqStudent ce = student(new TrainingOptions(new CrossEntropyLoss(), BatchFilter.NONE, 4));
        Seq2SeqStudent sce = student(new TrainingOptions(SymmetricCrossEntropyLoss.defaults(), BatchFilter.NONE, 4));
        Student.FitReport rc = ce.fit(data, 1, 1);
        Student.FitReport rs = sce.fit(data, 1, 1);
        List<Sample> probe = MATH_TEST.samples().subList(0, 3);
        assertThat(ce.logits(probe).get(0).get(0, 1)).isNotEqualTo(sce.logits(probe).get(0).get(0, 1));
        // the reported loss is the configured loss's value: SCE's bounded term makes it differ from CE's
        assertThat(rc.trainLoss()).isNotCloseTo(rs.trainLoss(), within(1e-3));
        assertThat(rc.trainLoss()).isFinite();
    }

    @Test
    void theInGraphLossHasTheSurrogatesGradientsForCeAndSce() {
        // a text batch with padded targets, and copy columns past the shorter sources' lengths
        List<Sample> textBatch = new ArrayList<>(TEXT_TEST.samples().subList(0, 5));
        Sample other = TEXT_TEST.get(5);
        textBatch.add(Sample.withTarget("long", java.util.Map.of("document", other.text()
                        + " Each needs 3 hours and there are 40 hours."), other.target()
                        + "\nconstraints:\n3 x + 3 y <= 40", List.of(), io.github.goldkd.core.Origin.REAL));
        SeqCodec codec = text.codec();
        assertThat(textBatch.stream().mapToInt(x -> codec.source(x, 512).length()).distinct().count()).isGreaterThan(1);
        assertThat(textBatch.stream().mapToInt(x -> codec.target(x, codec.source(x, 512), 32).length).distinct()
                .count()).isGreaterThan(1);
        List<Sample> mathBatch = MATH_TEST.samples().subList(0, 12);
        for (Loss loss : List.of(new CrossEntropyLoss(), SymmetricCrossEntropyLoss.defaults(),
                new SymmetricCrossEntropyLoss(0.5, 2.0, 1e-3))) {
            for (Seq2SeqStudent student : List.of(text, math)) {
                List<Sample> batch = student == text ? textBatch : mathBatch;
                StepGradients host = student.gradients(batch, loss, false);
                StepGradients graph = student.gradients(batch, loss, true);
                String what = loss.name() + ", " + student.codec().name();
                assertThat(graph.kept()).isEqualTo(host.kept()).isEqualTo(batch.size());
                assertThat(graph.lossSum()).as(what).isCloseTo(host.lossSum(), within(1e-4 * host.lossSum()));
                assertThat(graph.parameters().keySet()).as(what).isEqualTo(host.parameters().keySet());
                assertThat(host.parameters()).containsKey("dec.emb");
                if (student == text) {
                    assertThat(host.parameters()).containsKey("copy.w");
                }
                for (String p : host.parameters().keySet()) {
                    org.nd4j.linalg.api.ndarray.INDArray h = host.parameters().get(p);
                    org.nd4j.linalg.api.ndarray.INDArray g = graph.parameters().get(p);
                    double norm = h.norm2Number().doubleValue();
                    double difference = g.sub(h).norm2Number().doubleValue();
                    assertThat(norm).as(what + ": " + p).isGreaterThan(0);
                    assertThat(difference / norm).as(what + ": relative difference of " + p).isLessThan(1e-4);
                }
            }
        }
    }

    @Test
    void theEmbeddingTablesGradientsSummedOnTheHostMatchFiniteDifferencesOfTheLoss() {
        // the rows are looked up on the host and their gradients scatter-added there: a wrong id (padding, a copied
        // word, the start token) would put a gradient on a row the loss does not depend on, or miss one it does
        Loss loss = new CrossEntropyLoss();
        for (Seq2SeqStudent student : List.of(math, text)) {
            List<Sample> batch = (student == math ? MATH_TEST : TEXT_TEST).samples().subList(0, 6);
            StepGradients g = student.gradients(batch, loss, true);
            int checked = 0;
            for (String table : List.of("enc.emb", "dec.emb")) {
                float[] grad = g.parameters().get(table).dup('c').data().asFloat();
                org.nd4j.linalg.api.ndarray.INDArray weights = student.parameter(table);
                int width = (int) weights.size(1);
                // the two largest gradient entries, and one entry of a row the batch never reads (gradient 0)
                List<Integer> largest = java.util.stream.IntStream.range(0, grad.length).boxed()
                        .sorted((a, b) -> Float.compare(Math.abs(grad[b]), Math.abs(grad[a]))).limit(2).toList();
                int unread = java.util.stream.IntStream.range(0, grad.length).filter(k -> grad[k] == 0f)
                        .findFirst().orElseThrow();
                for (int k : List.of(largest.get(0), largest.get(1), unread)) {
                    long row = k / width;
                    long col = k % width;
                    float original = weights.getFloat(row, col);
                    float eps = 1e-2f;
                    weights.putScalar(new long[] {row, col}, original + eps);
                    double up = student.gradients(batch, loss, true).lossSum() / batch.size();
                    weights.putScalar(new long[] {row, col}, original - eps);
                    double down = student.gradients(batch, loss, true).lossSum() / batch.size();
                    weights.putScalar(new long[] {row, col}, original);
                    double numeric = (up - down) / (2 * eps);
                    String what = student.codec().name() + " " + table + "[" + row + ", " + col + "]";
                    assertThat(grad[k]).as(what).isCloseTo((float) numeric,
                            within((float) (0.05 * Math.abs(numeric) + 1e-4)));
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(6);
        }
    }

    @Test
    void theRecyclingSessionGivesSameDiffsOwnGradientsAndLogitsBitForBit() {
        // the students were trained, so the gradient session's cache holds arrays of earlier steps; batches of two
        // shapes alternate so that arrays come back from the cache with stale contents from another batch
        for (Seq2SeqStudent student : List.of(math, text)) {
            Dataset pool = student == math ? MATH_TEST : TEXT_TEST;
            for (int round = 0; round < 3; round++) {
                List<Sample> batch = pool.samples().subList(round, round + (round % 2 == 0 ? 6 : 9));
                Loss loss = round == 1 ? new CrossEntropyLoss() : SymmetricCrossEntropyLoss.defaults();
                StepGradients cached = student.gradients(batch, loss, true);
                StepGradients again = student.gradients(batch, loss, true);
                StepGradients reference = student.referenceGradients(batch, loss);
                String what = student.codec().name() + ", round " + round;
                List<Logits> logits = student.logits(batch);
                List<Logits> referenceLogits = student.referenceLogits(batch);
                for (int i = 0; i < batch.size(); i++) {
                    Logits z = logits.get(i);
                    assertThat(z.positions()).isEqualTo(referenceLogits.get(i).positions());
                    for (int t = 0; t < z.positions(); t++) {
                        assertThat(z.row(t)).as(what + ": logits of " + i + " at " + t)
                                .containsExactly(referenceLogits.get(i).row(t));
                    }
                }
                assertThat(cached.lossSum()).as(what).isEqualTo(reference.lossSum()).isEqualTo(again.lossSum());
                assertThat(cached.parameters().keySet()).as(what).isEqualTo(reference.parameters().keySet());
                for (String p : reference.parameters().keySet()) {
                    float[] want = reference.parameters().get(p).dup().data().asFloat();
                    assertThat(cached.parameters().get(p).dup().data().asFloat()).as(what + ": " + p)
                            .containsExactly(want);
                    assertThat(again.parameters().get(p).dup().data().asFloat()).as(what + ": " + p + " again")
                            .containsExactly(want);
                }
            }
        }
    }

    @Test
    void predictionsAndLogitsOnOtherThreadsEqualTheFirstThreads() throws Exception {
        // each thread runs the graph in a session of its own (RecyclingSession), as SameDiff does: two new threads
        // in turn, then the first again
        List<Sample> batch = MATH_TEST.samples().subList(0, 10);
        List<String> here = math.predict(batch);
        List<Logits> logitsHere = math.logits(batch);
        for (int i = 0; i < 2; i++) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                java.util.concurrent.Future<List<String>> there = pool.submit(() -> {
                    List<Logits> z = math.logits(batch);
                    for (int j = 0; j < batch.size(); j++) {
                        for (int t = 0; t < z.get(j).positions(); t++) {
                            assertThat(z.get(j).row(t)).containsExactly(logitsHere.get(j).row(t));
                        }
                    }
                    return math.predict(batch);
                });
                assertThat(there.get()).isEqualTo(here);
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(math.predict(batch)).isEqualTo(here);
    }

    @Test
    void invalidFilterIndicesAreReportedWithTheFilterAndBatch() {
        BatchFilter bad = new BatchFilter() {
            @Override
            public int[] keep(List<Logits> batch) {
                return new int[] {5, 1};
            }

            @Override
            public String name() {
                return "bad";
            }
        };
        Seq2SeqStudent s = student(new TrainingOptions(new CrossEntropyLoss(), bad, 4));
        assertThatThrownBy(() -> s.fit(MATH_TRAIN.head(8), 1, 1)).isInstanceOf(StudentException.class)
                .hasMessageContaining("[5, 1]");
    }

    // ---- errors ---------------------------------------------------------------------------------------

    @Test
    void clearErrors() {
        Task qa = Task.sequence("qa", TaskKind.EXTRACTIVE_QA, "", List.of("context", "question"), "answer",
                List.of());
        assertThatThrownBy(() -> Seq2SeqStudent.factory().create(qa, TrainingOptions.defaults(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MATH_WORD_PROBLEM");
        Seq2SeqStudent fresh = student(TrainingOptions.defaults(1));
        assertThatThrownBy(() -> fresh.fit(MATH_TRAIN, -1, 1)).hasMessageContaining("epochs must be >= 0");
        assertThat(fresh.fit(Dataset.empty(), 3, 1)).isEqualTo(Student.FitReport.NOTHING);
        assertThatThrownBy(() -> math.predict(MATH_TEST.samples(), 0)).hasMessageContaining("beamWidth");
        assertThatThrownBy(() -> MATH_CONFIG.toBuilder().heads(3).build())
                .hasMessageContaining("dModel must be divisible by heads");
        assertThatThrownBy(() -> MATH_CONFIG.toBuilder().beamWidth(0).build())
                .hasMessageContaining("beamWidth must be in [1, 64]");
        assertThatThrownBy(() -> Seq2SeqStudent.factory().load(Path.of("no-such-student.zip")))
                .isInstanceOf(StudentException.class).hasMessageContaining("no-such-student.zip");
    }

    // ---- helpers --------------------------------------------------------------------------------------

    static Seq2SeqStudent student(TrainingOptions options) {
        return Seq2SeqStudent.factory(MATH_CONFIG).create(SeqToyData.MATH, options);
    }

    static SeqCodec codecOf(Seq2SeqStudent s) {
        return s.codec();
    }

    static void assertSameLogits(List<Logits> a, List<Logits> b) {
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).positions()).isEqualTo(a.get(i).positions());
            assertThat(b.get(i).width()).isEqualTo(a.get(i).width());
            for (int t = 0; t < a.get(i).positions(); t++) {
                assertThat(b.get(i).row(t)).containsExactly(a.get(i).row(t), within(1e-5f));
            }
        }
    }

    static List<Integer> ranking(List<Logits> z) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, z.size()).boxed().toList());
        order.sort(Comparator.comparingDouble(i -> energy(z.get(i))));
        return order;
    }
}
