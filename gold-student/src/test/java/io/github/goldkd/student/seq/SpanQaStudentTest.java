package io.github.goldkd.student.seq;

import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.CrossEntropyLoss;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Loss;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.SymmetricCrossEntropyLoss;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.student.StudentException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The Student contract for the span QA student, on a tiny network (d 16, 2 heads). */
class SpanQaStudentTest {

    private static final SpanQaConfig TINY = SpanQaConfig.defaults().withModelDim(16, 2).withBatchSize(8)
            .withLearningRate(3e-3);
    private static SpanQaStudent.Factory factory;
    private static final Dataset DATA = ToyQa.train(24, 5);

    @BeforeAll
    static void open() {
        factory = SpanQaStudent.factory(TINY);
    }

    @AfterAll
    static void close() {
        factory.close();
    }

    private static SpanQaStudent fresh(long seed) {
        return factory.create(ToyQa.TASK, TrainingOptions.defaults(seed));
    }

    private static Sample qa(String id, String context, String question, String answer) {
        Map<String, String> in = new LinkedHashMap<>();
        in.put("context", context);
        in.put("question", question);
        return Sample.withTarget(id, in, answer, List.of(), Origin.REAL);
    }

    private static double energy(Logits l) {
        double sum = 0;
        for (int t = 0; t < l.positions(); t++) {
            double[] row = new double[l.width()];
            for (int k = 0; k < row.length; k++) {
                row[k] = l.get(t, k);
            }
            sum += -Loss.logSumExp(row);
        }
        return sum / l.positions();
    }

    private static void assertSameLogits(List<Logits> a, List<Logits> b, float tolerance) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).width()).isEqualTo(b.get(i).width());
            for (int t = 0; t < 2; t++) {
                for (int k = 0; k < a.get(i).width(); k++) {
                    assertThat(a.get(i).get(t, k)).isCloseTo(b.get(i).get(t, k), within(tolerance));
                }
            }
        }
    }

    @Test
    void logitsHaveAStartAndAnEndRowOverTheContextTokensWithTheGoldSpanAsTargets() {
        SpanQaStudent s = fresh(1);
        Sample x = DATA.get(0);
        Logits l = s.logits(List.of(x)).get(0);
        BgeTokenStates.Tokens ctx = factory.states().tokenize(x.input("context"));
        assertThat(l.positions()).isEqualTo(2);
        assertThat(l.width()).isEqualTo(ctx.size());
        assertThat(l.realPositions()).isEqualTo(2);
        assertThat(l.target(0)).isLessThanOrEqualTo(l.target(1));
        String covered = x.input("context").substring(ctx.start()[l.target(0)], ctx.end()[l.target(1)]);
        assertThat(covered).isEqualTo(x.target());
        assertThat(energy(l)).isFinite();
        // a prediction is a substring of the context
        String p = s.predict(List.of(x)).get(0);
        assertThat(x.input("context")).contains(p);
        assertThat(p).isNotEmpty();
    }

    /**
     * SQuAD's answer_start: when the answer's text occurs twice, the annotated occurrence is the target, not the
     * first; without it (a teacher-written sample) the first occurrence stays the target.
     */
    @Test
    void theTargetIsTheOccurrenceWhereTargetStartPointsElseTheFirst() {
        SpanQaStudent s = fresh(1);
        String context = "Paris hosted the fair in 1889. The tower built for it in Paris still stands.";
        int second = context.indexOf("Paris", 1);
        Map<String, String> in = new LinkedHashMap<>();
        in.put("context", context);
        in.put("question", "Where was the tower built?");
        Sample annotated = new Sample("a", in, null, "Paris", Origin.REAL, -1, List.of(), second);
        Sample unknown = Sample.withTarget("u", in, "Paris", List.of(), Origin.REAL);
        BgeTokenStates.Tokens ctx = factory.states().tokenize(context);
        Logits la = s.logits(List.of(annotated)).get(0);
        assertThat(ctx.start()[la.target(0)]).isEqualTo(second);
        assertThat(ctx.end()[la.target(1)]).isEqualTo(second + "Paris".length());
        Logits lu = s.logits(List.of(unknown)).get(0);
        assertThat(ctx.start()[lu.target(0)]).isZero();
        assertThat(lu.target(1)).isEqualTo(lu.target(0));
        // training follows the target: the annotated occurrence gains probability on its own, the first loses it
        SpanQaStudent trained = fresh(1);
        trained.fit(Dataset.of(List.of(annotated)), 30, 1);
        Logits after = trained.logits(List.of(annotated)).get(0);
        assertThat(after.get(0, la.target(0))).isGreaterThan(after.get(0, lu.target(0)));
        // an offset that does not point at the target in the span field is refused, naming the sample
        Map<String, String> swapped = new LinkedHashMap<>();
        swapped.put("context", "It stands in Paris.");
        swapped.put("question", "Paris hosted what?");
        Sample wrongField = new Sample("w", swapped, null, "Paris", Origin.REAL, -1, List.of(), 0);
        assertThatThrownBy(() -> s.logits(List.of(wrongField))).isInstanceOf(StudentException.class)
                .hasMessageContaining("sample w").hasMessageContaining("targetStart 0");
    }

    @Test
    void aTargetThatIsNotASpanHasNoTargetsAndIsSkippedInTraining() {
        SpanQaStudent s = fresh(1);
        Sample bad = qa("bad", "Oslo is a city in Norway.", "Where is Oslo?", "Sweden");
        Logits l = s.logits(List.of(bad)).get(0);
        assertThat(l.hasTargets()).isFalse();
        assertThat(s.fit(Dataset.of(List.of(bad)), 3, 1).epochs()).isZero();
        List<Logits> before = s.logits(List.of(bad));
        assertSameLogits(before, s.logits(List.of(bad)), 0f);
    }

    @Test
    void fitContinuesFromTheCurrentWeightsAndIsDeterministicForASeed() {
        SpanQaStudent a = fresh(3);
        SpanQaStudent b = fresh(3);
        assertSameLogits(a.logits(DATA.samples()), b.logits(DATA.samples()), 0f);
        double first = a.fit(DATA, 2, 11).trainLoss();
        b.fit(DATA, 2, 11);
        assertSameLogits(a.logits(DATA.samples()), b.logits(DATA.samples()), 0f);
        double second = a.fit(DATA, 2, 12).trainLoss();
        assertThat(second).isLessThan(first);
        SpanQaStudent other = fresh(4);
        assertThat(other.logits(List.of(DATA.get(0))).get(0).get(0, 0))
                .isNotEqualTo(fresh(3).logits(List.of(DATA.get(0))).get(0).get(0, 0));
    }

    @Test
    void saveAndLoadGiveIdenticalLogitsAndEnergyAndTrainingGoesOn(@TempDir Path dir) {
        SpanQaStudent s = factory.create(ToyQa.TASK, new TrainingOptions(new SymmetricCrossEntropyLoss(0.1, 1.0),
                BatchFilter.NONE, 9));
        s.fit(DATA, 1, 1);
        Path file = dir.resolve("qa.zip");
        s.save(file);
        SpanQaStudent back = factory.load(file);
        assertThat(back.trainingOptions().loss()).isEqualTo(s.trainingOptions().loss());
        assertThat(back.config()).isEqualTo(s.config());
        List<Logits> a = s.logits(DATA.samples());
        List<Logits> b = back.logits(DATA.samples());
        assertSameLogits(a, b, 0f);
        for (int i = 0; i < a.size(); i++) {
            assertThat(energy(b.get(i))).isFinite().isEqualTo(energy(a.get(i)));
        }
        assertThat(back.predict(DATA.samples())).isEqualTo(s.predict(DATA.samples()));
        // loadable by its path alone: student.json names the kind
        io.github.goldkd.core.Student byPath = io.github.goldkd.student.Students.load(file);
        assertThat(byPath).isInstanceOf(SpanQaStudent.class);
        assertSameLogits(a, byPath.logits(DATA.samples()), 0f);
        // the updater state travels too: the same next step from both
        s.fit(DATA, 1, 2);
        back.fit(DATA, 1, 2);
        assertSameLogits(s.logits(DATA.samples()), back.logits(DATA.samples()), 0f);
        assertThatThrownBy(() -> io.github.goldkd.student.EncoderStudent.factory(new FakeDim()).load(file))
                .isInstanceOf(StudentException.class).hasMessageContaining("span-qa");
    }

    /**
     * A student file written before answerTypes and weightDecay existed (its student.json has neither; simulated by
     * removing them from a file saved with both off) loads with both off, reads the 390 channels its graph was
     * built with, and gives the same logits.
     */
    @Test
    void aFileWithoutTheAnswerTypeSettingsLoadsWithThemOffAndTheSameLogits(@TempDir Path dir) throws Exception {
        SpanQaConfig old = TINY.withAnswerTypes(false).withWeightDecay(0).withAverageDecay(0).withLexicalSkip(false);
        try (SpanQaStudent.Factory oldFactory = SpanQaStudent.factory(old)) {
            SpanQaStudent s = oldFactory.create(ToyQa.TASK, TrainingOptions.defaults(2));
            s.fit(DATA, 1, 1);
            Path saved = dir.resolve("new.zip");
            s.save(saved);
            Path file = dir.resolve("old.zip");
            try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(saved.toFile());
                 java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(
                         java.nio.file.Files.newOutputStream(file))) {
                for (var entries = in.entries(); entries.hasMoreElements(); ) {
                    java.util.zip.ZipEntry entry = entries.nextElement();
                    byte[] bytes = in.getInputStream(entry).readAllBytes();
                    if (entry.getName().equals("student.json")) {
                        com.google.gson.JsonObject meta = com.google.gson.JsonParser.parseString(
                                new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).getAsJsonObject();
                        com.google.gson.JsonObject config = meta.getAsJsonObject("config");
                        assertThat(config.has("answerTypes")).isTrue();
                        config.remove("answerTypes");
                        config.remove("weightDecay");
                        config.remove("averageDecay");
                        config.remove("lexicalSkip");
                        bytes = meta.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    }
                    out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                    out.write(bytes);
                    out.closeEntry();
                }
            }
            SpanQaStudent back = factory.load(file);
            assertThat(back.config().answerTypes()).isFalse();
            assertThat(back.config().weightDecay()).isZero();
            assertThat(back.config().averageDecay()).isZero();
            assertThat(back.config().lexicalSkip()).isFalse();
            assertThat(back.averagedWeights()).isEmpty();
            assertThat(back.config().features()).isEqualTo(SpanQaStudent.BASE_FEATURES);
            assertSameLogits(s.logits(DATA.samples()), back.logits(DATA.samples()), 0f);
            assertSameLogits(s.logits(DATA.samples()),
                    io.github.goldkd.student.Students.load(file).logits(DATA.samples()), 0f);
        }
    }

    /**
     * The lexical skip: 4 more input channels, a trainable w_skip that starts from the overlap prior (an untrained
     * student already puts more start and end mass on the sentence that shares the question's words), trains, and
     * travels with the file.
     */
    @Test
    void theLexicalSkipStartsFromTheOverlapPriorTrainsAndTravelsWithTheFile(@TempDir Path dir) {
        String context = "Boris Kane was a pilot in Oslo. Clara Diaz was born in Lisbon in 1950 and worked there "
                + "as a chemist. Greta Olsen sold bread.";
        Sample q = qa("q", context, "In what year was Clara Diaz born in Lisbon?", "1950");
        int sentenceFrom = context.indexOf("Clara");
        int sentenceTo = context.indexOf("Greta");
        try (SpanQaStudent.Factory skipFactory = SpanQaStudent.factory(TINY.withLexicalSkip(true))) {
            assertThat(skipFactory.config().features())
                    .isEqualTo(SpanQaStudent.BASE_FEATURES + AnswerTypeFeatures.COUNT + LexicalOverlap.COUNT);
            BgeTokenStates.Tokens ctx = skipFactory.states().tokenize(context);
            for (long seed = 1; seed <= 3; seed++) {
                SpanQaStudent s = skipFactory.create(ToyQa.TASK, TrainingOptions.defaults(seed));
                Logits l = s.logits(List.of(q)).get(0);
                for (int row = 0; row < 2; row++) {
                    double in = 0;
                    double out = 0;
                    int nIn = 0;
                    for (int j = 0; j < l.width(); j++) {
                        boolean inside = ctx.start()[j] >= sentenceFrom && ctx.start()[j] < sentenceTo;
                        in += inside ? l.get(row, j) : 0;
                        out += inside ? 0 : l.get(row, j);
                        nIn += inside ? 1 : 0;
                    }
                    assertThat(in / nIn - out / (l.width() - nIn)).as("seed " + seed + " row " + row)
                            .isGreaterThan(1.0);
                }
            }
            SpanQaStudent s = skipFactory.create(ToyQa.TASK, TrainingOptions.defaults(5));
            org.nd4j.linalg.api.ndarray.INDArray before = s.trainedWeights().get("w_skip");
            assertThat(before.getFloat(0, 0, 0)).isEqualTo(1f);
            assertThat(before.getFloat(0, LexicalOverlap.COUNT - 1, 1)).isEqualTo(-1f);
            s.fit(DATA, 2, 1);
            assertThat(s.trainedWeights().get("w_skip").equalsWithEps(before, 1e-6)).isFalse();
            Path file = dir.resolve("skip.zip");
            s.save(file);
            SpanQaStudent back = skipFactory.load(file);
            assertThat(back.config().lexicalSkip()).isTrue();
            assertSameLogits(s.logits(DATA.samples()), back.logits(DATA.samples()), 0f);
            SpanQaStudent again = skipFactory.create(ToyQa.TASK, TrainingOptions.defaults(5));
            again.fit(DATA, 2, 1);
            assertSameLogits(s.logits(DATA.samples()), again.logits(DATA.samples()), 0f);
        }
    }

    @Test
    void paddingDoesNotChangeASamplesLogits() {
        SpanQaStudent s = fresh(5);
        Sample shortOne = qa("s", "Oslo is in Norway.", "Where is Oslo?", "Norway");
        Sample longOne = qa("l", "Bergen is a city on the west coast of Norway, known for rain, fish markets, "
                + "wooden houses, mountains, fjords, a funicular and a long history as a Hanseatic trading port.",
                "What is Bergen known for?", "rain");
        Logits alone = s.logits(List.of(shortOne)).get(0);
        Logits padded = s.logits(List.of(longOne, shortOne)).get(1);
        assertSameLogits(List.of(alone), List.of(padded), 1e-4f);
        assertThat(energy(padded)).isCloseTo(energy(alone), within(1e-4));
    }

    @Test
    void theBatchFilterSeesEachMiniBatchAndOnlyItsKeptSamplesTrain() {
        List<Integer> sizes = new ArrayList<>();
        BatchFilter first = new BatchFilter() {
            @Override
            public int[] keep(List<Logits> batch) {
                sizes.add(batch.size());
                for (Logits l : batch) {
                    assertThat(l.hasTargets()).isTrue();
                    assertThat(l.positions()).isEqualTo(2);
                }
                return new int[] {0};
            }

            @Override
            public String name() {
                return "first";
            }
        };
        SpanQaStudent filtered = factory.create(ToyQa.TASK, new TrainingOptions(new CrossEntropyLoss(), first, 6));
        SpanQaStudent all = fresh(6);
        filtered.fit(DATA, 1, 1);
        all.fit(DATA, 1, 1);
        assertThat(sizes).containsExactly(8, 8, 8);
        assertThat(filtered.logits(List.of(DATA.get(0))).get(0).get(0, 0))
                .isNotEqualTo(all.logits(List.of(DATA.get(0))).get(0).get(0, 0));
        BatchFilter broken = new BatchFilter() {
            @Override
            public int[] keep(List<Logits> batch) {
                return new int[] {1, 0};
            }

            @Override
            public String name() {
                return "broken";
            }
        };
        SpanQaStudent bad = factory.create(ToyQa.TASK, new TrainingOptions(new CrossEntropyLoss(), broken, 6));
        assertThatThrownBy(() -> bad.fit(DATA, 1, 1)).isInstanceOf(StudentException.class)
                .hasMessageContaining("broken");
    }

    @Test
    void nothingReachesStandardOutputDuringFitSaveAndLoad(@TempDir Path dir) {
        String printed = SeqStudentFixture.printedBy(() -> {
            SpanQaStudent s = fresh(8);
            s.fit(DATA, 1, 1);
            s.save(dir.resolve("s.zip"));
            factory.load(dir.resolve("s.zip")).fit(DATA, 1, 2);
        });
        assertThat(printed).isEmpty();
    }

    @Test
    void aContextLongerThan512TokensIsReadWholeAndItsLateAnswerLearned() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 55; i++) {
            sb.append("Line ").append(i).append(" of the log is about nothing much. ");
        }
        sb.append("The secret password is marmalade. ");
        for (int i = 0; i < 5; i++) {
            sb.append("Filler ").append(i).append(" ends here. ");
        }
        Sample x = qa("long", sb.toString(), "What is the secret password?", "marmalade");
        // a larger step size than the other tests: one sample, a few steps
        try (SpanQaStudent.Factory fast = SpanQaStudent.factory(TINY.withLearningRate(2e-2))) {
            SpanQaStudent s = fast.create(ToyQa.TASK, TrainingOptions.defaults(2));
            Logits l = s.logits(List.of(x)).get(0);
            assertThat(l.width()).isGreaterThan(520);
            assertThat(l.target(0)).isGreaterThan(512);
            assertThat(fast.states().encode(x.input("question"), x.input("context")).windows()).isEqualTo(2);
            s.fit(Dataset.of(List.of(x)), 15, 1);
            assertThat(s.predict(List.of(x))).containsExactly("marmalade");
        }
    }

    @Test
    void refusesOtherTasksAndBadSettingsWithTheirNames() {
        Task classification = Task.classification("sentiment", "", List.of(new Label("pos", ""),
                new Label("neg", "")), List.of());
        assertThatThrownBy(() -> factory.create(classification, TrainingOptions.defaults(1)))
                .isInstanceOf(StudentException.class).hasMessageContaining("extractive_qa");
        assertThatThrownBy(() -> TINY.withModelDim(30, 4)).hasMessageContaining("heads");
        assertThatThrownBy(() -> TINY.withLearningRate(0)).hasMessageContaining("learningRate");
        assertThatThrownBy(() -> TINY.withBatchSize(0)).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> TINY.withThreads(0)).hasMessageContaining("threads");
        assertThatThrownBy(() -> TINY.withWindows(600, 128)).hasMessageContaining("windowTokens");
        assertThatThrownBy(() -> TINY.withWindows(512, 400)).hasMessageContaining("windowOverlap");
        assertThatThrownBy(() -> TINY.withWeightDecay(-1e-3)).hasMessageContaining("weightDecay");
        assertThatThrownBy(() -> TINY.withAverageDecay(1)).hasMessageContaining("averageDecay");
        assertThatThrownBy(() -> TINY.withAverageDecay(-0.1)).hasMessageContaining("averageDecay");
        assertThatThrownBy(() -> TINY.withMaxAnswerTokens(0)).hasMessageContaining("maxAnswerTokens");
        assertThatThrownBy(() -> fresh(1).fit(DATA, -1, 1)).hasMessageContaining("epochs");
        assertThat(fresh(1).fit(Dataset.empty(), 3, 1).epochs()).isZero();
    }

    /**
     * Weight averaging: training is the same with and without it (the trained weights agree bit for bit), the
     * average is the running mean for the first steps and then an exponential moving average (decay 0.5: steps 1-3
     * weigh 0.25, 0.25, 0.5, where a plain mean would give a third each), the logits come from the average, and
     * save / load keeps both weight sets and the step count (same logits, same next step).
     */
    @Test
    void averagedWeightsFollowTheirDecayPredictAndTravelWithTheFile(@TempDir Path dir) {
        Dataset batch = Dataset.of(DATA.samples().subList(0, 8)); // one optimiser step per fit (batch 8)
        try (SpanQaStudent.Factory plainFactory = SpanQaStudent.factory(TINY.withAverageDecay(0));
             SpanQaStudent.Factory avgFactory = SpanQaStudent.factory(TINY.withAverageDecay(0.5))) {
            SpanQaStudent plain = plainFactory.create(ToyQa.TASK, TrainingOptions.defaults(12));
            SpanQaStudent avg = avgFactory.create(ToyQa.TASK, TrainingOptions.defaults(12));
            assertThat(plain.averagedWeights()).isEmpty();
            List<Map<String, org.nd4j.linalg.api.ndarray.INDArray>> steps = new ArrayList<>();
            for (int step = 1; step <= 3; step++) {
                plain.fit(batch, 1, step);
                avg.fit(batch, 1, step);
                steps.add(plain.trainedWeights());
            }
            Map<String, org.nd4j.linalg.api.ndarray.INDArray> trained = avg.trainedWeights();
            Map<String, org.nd4j.linalg.api.ndarray.INDArray> mean = avg.averagedWeights();
            assertThat(mean.keySet()).isEqualTo(steps.get(2).keySet()).contains("w_out", "b_out");
            for (String name : mean.keySet()) {
                assertThat(trained.get(name)).isEqualTo(steps.get(2).get(name));
                org.nd4j.linalg.api.ndarray.INDArray expected = steps.get(0).get(name).mul(0.25)
                        .addi(steps.get(1).get(name).mul(0.25)).addi(steps.get(2).get(name).mul(0.5));
                assertThat(mean.get(name).equalsWithEps(expected, 1e-6)).as(name).isTrue();
                assertThat(mean.get(name).equalsWithEps(trained.get(name), 1e-6)).as(name).isFalse();
            }
            // the logits are the average's, not the last step's; predicting leaves the trained weights alone
            List<Logits> averaged = avg.logits(DATA.samples());
            assertThat(averaged.get(0).get(0, 0)).isNotEqualTo(plain.logits(DATA.samples()).get(0).get(0, 0));
            assertThat(avg.trainedWeights()).isEqualTo(trained);
            Path file = dir.resolve("avg.zip");
            avg.save(file);
            SpanQaStudent back = avgFactory.load(file);
            assertThat(back.config().averageDecay()).isEqualTo(0.5);
            assertSameLogits(averaged, back.logits(DATA.samples()), 0f);
            avg.fit(batch, 1, 4);
            back.fit(batch, 1, 4);
            assertSameLogits(avg.logits(DATA.samples()), back.logits(DATA.samples()), 0f);
            assertThat(back.averagedWeights()).isEqualTo(avg.averagedWeights());
        }
    }

    /**
     * An ensemble predicts the best span of its members' start / end log-probabilities averaged (recomputed here
     * from each member's logits), one member predicts as itself, and members of another task are refused.
     */
    @Test
    void anEnsemblePicksTheBestSpanOfTheMembersAveragedLogProbabilities() {
        SpanQaStudent a = fresh(21);
        SpanQaStudent b = fresh(22);
        a.fit(DATA, 2, 1);
        b.fit(DATA, 1, 2);
        List<Sample> samples = DATA.samples();
        assertThat(SpanQaStudent.predictEnsemble(List.of(a), samples)).isEqualTo(a.predict(samples));
        List<Logits> la = a.logits(samples);
        List<Logits> lb = b.logits(samples);
        List<String> expected = new ArrayList<>();
        int differs = 0;
        for (int i = 0; i < samples.size(); i++) {
            int n = la.get(i).width();
            float[][] rows = new float[2][n];
            for (int r = 0; r < 2; r++) {
                double[] za = new double[n];
                double[] zb = new double[n];
                for (int j = 0; j < n; j++) {
                    za[j] = la.get(i).get(r, j);
                    zb[j] = lb.get(i).get(r, j);
                }
                double lseA = Loss.logSumExp(za);
                double lseB = Loss.logSumExp(zb);
                for (int j = 0; j < n; j++) {
                    rows[r][j] = (float) ((za[j] - lseA + zb[j] - lseB) / 2);
                }
            }
            int[] span = SpanQaStudent.bestSpan(Logits.ofSequence(rows, null, null), TINY.maxAnswerTokens());
            BgeTokenStates.Tokens ctx = factory.states().tokenize(samples.get(i).input("context"));
            expected.add(samples.get(i).input("context").substring(ctx.start()[span[0]], ctx.end()[span[1]]));
            if (!expected.get(i).equals(a.predict(List.of(samples.get(i))).get(0))) {
                differs++;
            }
        }
        assertThat(SpanQaStudent.predictEnsemble(List.of(a, b), samples)).isEqualTo(expected);
        assertThat(differs).as("the ensemble differs from its first member somewhere").isPositive();
        assertThatThrownBy(() -> SpanQaStudent.predictEnsemble(List.of(), samples))
                .isInstanceOf(IllegalArgumentException.class);
        try (SpanQaStudent.Factory narrow = SpanQaStudent.factory(TINY.withWindows(256, 64))) {
            SpanQaStudent other = narrow.create(ToyQa.TASK, TrainingOptions.defaults(1));
            assertThatThrownBy(() -> SpanQaStudent.predictEnsemble(List.of(a, other), samples))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("windows");
        }
    }

    @Test
    void bestSpanRespectsOrderAndMaximumLength() {
        Logits l = Logits.ofSequence(new float[][] {{0, 0, 5, 0, 0}, {1, 0, 0, 0, 4}}, null, null);
        assertThat(SpanQaStudent.bestSpan(l, 30)).containsExactly(2, 4);
        assertThat(SpanQaStudent.bestSpan(l, 2)).containsExactly(2, 2);
    }

    /** An encoder for the wrong-kind load check. */
    private static final class FakeDim implements io.github.goldkd.core.Encoder {
        @Override
        public int dimension() {
            return 4;
        }

        @Override
        public float[] encode(String text) {
            return new float[4];
        }

        @Override
        public String name() {
            return "fake";
        }
    }
}
