package io.github.goldkd.student.seq;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.core.metric.ArithmeticExpression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link Seq2SeqConfig#distractorRate()}: which samples a fit trains with an inserted sentence and how (one donor
 * sentence from another problem, at a sentence boundary, the target's expression unchanged), determinism, the
 * rate-0 path left exactly as it was, the setting's validation, refusal for text and round trip through a file.
 */
class DistractorAugmentationTest {

    private static final Dataset POOL = SeqToyData.math(2000, 3);

    private static Seq2SeqStudent student(double rate) {
        return Seq2SeqStudent.factory(Seq2SeqStudentTest.MATH_CONFIG.toBuilder().distractorRate(rate).build())
                .create(SeqToyData.MATH, TrainingOptions.defaults(1));
    }

    /** Every sentence of every body of the pool (the donors come from these). */
    private static Set<String> poolSentences(Dataset pool) {
        Set<String> out = new HashSet<>();
        for (Sample s : pool) {
            String body = s.input("body");
            for (int[] span : DistractorAugmentation.sentences(body)) {
                out.add(body.substring(span[0], span[1]));
            }
        }
        return out;
    }

    @Test
    void aboutTheRatesShareOfSamplesGetsExactlyOneDonorSentenceAndKeepsItsExpression() {
        Seq2SeqStudent student = student(0.5);
        List<Sample> trained = student.trainingSamples(POOL, 11, 1);
        assertThat(trained).hasSize(POOL.size());
        Set<String> donors = poolSentences(POOL);
        MathCodec codec = (MathCodec) student.codec();
        int augmented = 0;
        boolean slotsShifted = false;
        for (int i = 0; i < trained.size(); i++) {
            Sample original = POOL.get(i);
            Sample s = trained.get(i);
            if (s == original) {
                continue;
            }
            augmented++;
            // the question, the target and the references are the original's; only the body grew
            assertThat(s.id()).isEqualTo(original.id());
            assertThat(s.input("question")).isEqualTo(original.input("question"));
            assertThat(s.target()).isEqualTo(original.target());
            assertThat(s.references()).isEqualTo(original.references());
            List<int[]> spans = DistractorAugmentation.sentences(s.input("body"));
            List<String> sentences = new ArrayList<>();
            for (int[] span : spans) {
                sentences.add(s.input("body").substring(span[0], span[1]));
            }
            // exactly one sentence more, which is another problem's, holds a number, and none of the target's
            List<String> before = new ArrayList<>();
            for (int[] span : DistractorAugmentation.sentences(original.input("body"))) {
                before.add(original.input("body").substring(span[0], span[1]));
            }
            assertThat(sentences).hasSize(before.size() + 1);
            int at = 0;
            while (at < before.size() && sentences.get(at).equals(before.get(at))) {
                at++;
            }
            String inserted = sentences.get(at);
            List<String> rest = new ArrayList<>(sentences);
            rest.remove(at);
            assertThat(rest).as("the body around the inserted sentence").isEqualTo(before);
            assertThat(donors).contains(inserted);
            assertThat(before).doesNotContain(inserted);
            List<Double> numbers = MathCodec.numbersIn(inserted);
            assertThat(numbers).isNotEmpty();
            for (double v : MathCodec.targetNumbers(original.target())) {
                assertThat(numbers).doesNotContain(v);
            }
            // the target encodes to the same expression, so the same value, over the shifted slots
            SeqCodec.Source src = codec.source(s, 128);
            SeqCodec.Source originalSrc = codec.source(original, 128);
            int[] ids = codec.target(s, src, 32);
            int[] originalIds = codec.target(original, originalSrc, 32);
            assertThat(ids).isNotNull();
            assertThat(src.numbers()).hasSize(originalSrc.numbers().length + numbers.size());
            String expression = codec.render(ids, src);
            assertThat(expression).isEqualTo(codec.render(originalIds, originalSrc));
            assertThat(ArithmeticExpression.evaluate(expression).getAsDouble())
                    .isEqualTo(ArithmeticExpression.evaluate(original.target()).getAsDouble(), within(1e-9));
            slotsShifted |= !java.util.Arrays.equals(ids, originalIds);
        }
        // 2000 draws at 0.5: 4 standard deviations are 0.045
        assertThat(augmented / (double) trained.size()).isBetween(0.455, 0.545);
        assertThat(slotsShifted).as("a sentence inserted before the target's numbers moves their slots").isTrue();
        // at rate 1 every toy problem finds a donor within its tries
        List<Sample> all = student(1).trainingSamples(POOL, 11, 1);
        long unchanged = java.util.stream.IntStream.range(0, all.size()).filter(i -> all.get(i) == POOL.get(i)).count();
        assertThat(unchanged).isLessThanOrEqualTo(2);
    }

    @Test
    void theSameSeedAndEpochGiveTheSameSamplesAndAnotherEpochOthers() {
        Dataset pool = POOL.head(300);
        List<Sample> a = student(0.5).trainingSamples(pool, 5, 2);
        List<Sample> b = student(0.5).trainingSamples(pool, 5, 2);
        assertThat(a).isEqualTo(b);
        List<Sample> otherEpoch = student(0.5).trainingSamples(pool, 5, 3);
        List<Sample> otherSeed = student(0.5).trainingSamples(pool, 6, 2);
        assertThat(otherEpoch).isNotEqualTo(a);
        assertThat(otherSeed).isNotEqualTo(a);
    }

    @Test
    void aDonorHoldingANumberTheTargetUsesIsSkipped() {
        // a's second sentence holds 7 (b's target uses it), b's first 7 too (a's target uses it): each problem can
        // only take the other's remaining sentence
        Sample a = problem("a", "tom has 5 apples . ann gives him 7 more .", "( 5.0 + 7.0 )");
        Sample b = problem("b", "bob has 7 pens . he buys 9 more .", "( 7.0 + 9.0 )");
        DistractorAugmentation aug = new DistractorAugmentation(List.of(a, b), List.of("body", "question"), 1.0);
        assertThat(aug.donorCount()).isEqualTo(4);
        Set<String> intoA = new HashSet<>();
        Set<String> intoB = new HashSet<>();
        int plain = 0;
        for (int epoch = 1; epoch <= 40; epoch++) {
            // one donor in four fits, so a few of the 80 draws run out of tries: trained as written
            Sample intoThisA = aug.sample(0, 1, epoch, s -> true);
            Sample intoThisB = aug.sample(1, 1, epoch, s -> true);
            plain += (intoThisA == a ? 1 : 0) + (intoThisB == b ? 1 : 0);
            (intoThisA == a ? new HashSet<String>() : intoA).add(intoThisA.input("body"));
            (intoThisB == b ? new HashSet<String>() : intoB).add(intoThisB.input("body"));
        }
        assertThat(plain).isLessThan(20);
        // three places each: before either sentence or after the last
        assertThat(intoA).containsExactlyInAnyOrder(
                "he buys 9 more . tom has 5 apples . ann gives him 7 more .",
                "tom has 5 apples . he buys 9 more . ann gives him 7 more .",
                "tom has 5 apples . ann gives him 7 more . he buys 9 more .");
        assertThat(intoB).containsExactlyInAnyOrder(
                "tom has 5 apples . bob has 7 pens . he buys 9 more .",
                "bob has 7 pens . tom has 5 apples . he buys 9 more .",
                "bob has 7 pens . he buys 9 more . tom has 5 apples .");
        // a candidate the caller refuses (its target would not encode alike) is not used
        assertThat(aug.sample(0, 1, 1, s -> false)).isSameAs(a);
    }

    @Test
    void nothingGoesAfterAnOpenClauseOrAfterTheQuestion() {
        Sample open = problem("o", "tom has 5 apples . if he buys 3 bags of 4 ,", "( 5.0 + ( 3.0 * 4.0 ) )");
        Sample donor = problem("d", "ann has 8 pens .", "( 8.0 * 2.0 )");
        DistractorAugmentation aug = new DistractorAugmentation(List.of(open, donor), List.of("body", "question"), 1.0);
        Set<String> bodies = new HashSet<>();
        for (int epoch = 1; epoch <= 30; epoch++) {
            Sample s = aug.sample(0, 2, epoch, c -> true);
            if (s != open) {
                bodies.add(s.input("body"));
            }
        }
        assertThat(bodies).containsExactlyInAnyOrder("ann has 8 pens . tom has 5 apples . if he buys 3 bags of 4 ,",
                "tom has 5 apples . ann has 8 pens . if he buys 3 bags of 4 ,");
        // the open clause is no donor, "tom has 5 apples ." is
        assertThat(aug.donorCount()).isEqualTo(2);
        // one input field: its last sentence is the question, nothing goes after or into it
        Task oneField = Task.sequence("one", TaskKind.MATH_WORD_PROBLEM, "one field", List.of("text"), "equation",
                List.of());
        Sample a = Sample.withTarget("a", Map.of("text", "tom has 5 apples . ann gives 2 . how many now ?"),
                "( 5.0 + 2.0 )", List.of(), Origin.REAL);
        Sample b = Sample.withTarget("b", Map.of("text", "bob has 9 pens . how many ?"), "( 9.0 * 1.0 )", List.of(),
                Origin.REAL);
        DistractorAugmentation single = new DistractorAugmentation(List.of(a, b), oneField.inputFields(), 1.0);
        Set<String> texts = new HashSet<>();
        for (int epoch = 1; epoch <= 30; epoch++) {
            Sample s = single.sample(0, 3, epoch, c -> true);
            if (s != a) {
                texts.add(s.input("text"));
            }
        }
        assertThat(texts).containsExactlyInAnyOrder("bob has 9 pens . tom has 5 apples . ann gives 2 . how many now ?",
                "tom has 5 apples . bob has 9 pens . ann gives 2 . how many now ?");
    }

    @Test
    void sentencesEndAtAStopBeforeWhiteSpaceNotInsideADecimal() {
        String text = "It costs 2.5 dollars. He has $3.50 !  Is it 7? If he buys 4 ,";
        List<String> out = new ArrayList<>();
        for (int[] span : DistractorAugmentation.sentences(text)) {
            out.add(text.substring(span[0], span[1]));
        }
        assertThat(out).containsExactly("It costs 2.5 dollars.", "He has $3.50 !", "Is it 7?", "If he buys 4 ,");
        assertThat(DistractorAugmentation.inserted("a 1 . b 2 .", 6, "c 3 .")).isEqualTo("a 1 . c 3 . b 2 .");
        assertThat(DistractorAugmentation.inserted("a 1 . ", 6, "c 3 .")).isEqualTo("a 1 . c 3 .");
    }

    // ---- the student ---------------------------------------------------------------------------------

    /**
     * Rate 0 trains exactly as before the setting: the logits of a student trained for two epochs match, bit for
     * bit, those main (8701b8a) gave for the same student before distractor augmentation existed.
     */
    @Test
    void rateZeroTrainsBitForBitAsBeforeTheSettingAndAPositiveRateTrainsOtherwise() throws Exception {
        List<float[][]> recorded = recordedLogits();
        assertThat(Seq2SeqStudentTest.MATH_CONFIG.distractorRate()).isZero();
        Seq2SeqStudent plain = SeqStudentFixture.trained(Seq2SeqStudentTest.MATH_CONFIG, SeqToyData.MATH,
                SeqToyData.math(96, 1), 2);
        assertLogits(plain.logits(SeqToyData.math(3, 2).samples()), recorded, true);
        Seq2SeqConfig augmentedConfig = Seq2SeqStudentTest.MATH_CONFIG.toBuilder().distractorRate(0.5).build();
        Seq2SeqStudent augmented = SeqStudentFixture.trained(augmentedConfig, SeqToyData.MATH,
                SeqToyData.math(96, 1), 2);
        List<Logits> z = augmented.logits(SeqToyData.math(3, 2).samples());
        assertLogits(z, recorded, false);
        // and deterministic: the same seed trains the same augmented student
        Seq2SeqStudent again = SeqStudentFixture.trained(augmentedConfig, SeqToyData.MATH, SeqToyData.math(96, 1), 2);
        List<Logits> z2 = again.logits(SeqToyData.math(3, 2).samples());
        for (int i = 0; i < z.size(); i++) {
            for (int t = 0; t < z.get(i).positions(); t++) {
                assertThat(z2.get(i).row(t)).containsExactly(z.get(i).row(t));
            }
        }
    }

    private static List<float[][]> recordedLogits() throws Exception {
        List<float[][]> out = SeqStudentFixture.recordedLogits("seq2seq-math-fit-logits.txt");
        assertThat(out).hasSize(3);
        return out;
    }

    private static void assertLogits(List<Logits> z, List<float[][]> recorded, boolean same) {
        boolean allSame = true;
        for (int i = 0; i < recorded.size(); i++) {
            assertThat(z.get(i).positions()).isEqualTo(recorded.get(i).length);
            for (int t = 0; t < recorded.get(i).length; t++) {
                if (same) {
                    assertThat(z.get(i).row(t)).as("sample %d position %d", i, t).containsExactly(recorded.get(i)[t]);
                }
                allSame &= java.util.Arrays.equals(z.get(i).row(t), recorded.get(i)[t]);
            }
        }
        assertThat(allSame).isEqualTo(same);
    }

    @Test
    void aStudentOnFrozenBgeStatesTrainsOnTheAugmentedTextsToo() {
        // its sources are bge word pieces of the augmented text, so the check that the target encodes alike runs on
        // them; the slot values are the codec's, so the same donors pass
        Seq2SeqConfig bgeHalf = Seq2SeqBgeStudentTest.BGE_CONFIG.toBuilder().distractorRate(0.5).build();
        Seq2SeqStudent student = Seq2SeqStudent.factory(bgeHalf).create(SeqToyData.MATH, TrainingOptions.defaults(1));
        Dataset pool = POOL.head(64);
        List<Sample> trained = student.trainingSamples(pool, 4, 1);
        long augmented = java.util.stream.IntStream.range(0, trained.size())
                .filter(i -> trained.get(i) != pool.get(i)).count();
        assertThat(augmented).isBetween(16L, 48L);
        assertThat(trained).isEqualTo(student(0.5).trainingSamples(pool, 4, 1));
        Student.FitReport r = student.fit(pool, 1, 4);
        assertThat(r.trainLoss()).isFinite();
    }

    @Test
    void theRateIsValidatedHalfForMathOffForTextByDefaultRefusedForTextAndSavedWithTheStudent(@TempDir Path dir) {
        for (double bad : new double[] {-0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> Seq2SeqConfig.builder(TaskKind.MATH_WORD_PROBLEM).distractorRate(bad).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("distractorRate must be in [0, 1], was " + bad);
        }
        assertThat(Seq2SeqConfig.defaults(TaskKind.MATH_WORD_PROBLEM).distractorRate()).isEqualTo(0.5);
        assertThat(Seq2SeqConfig.defaults(TaskKind.TEXT_GENERATION).distractorRate()).isZero();
        Seq2SeqConfig half = Seq2SeqStudentTest.MATH_CONFIG.toBuilder().distractorRate(0.5).build();
        assertThat(half.toBuilder().build()).isEqualTo(half);
        Seq2SeqConfig textHalf = Seq2SeqConfig.builder(TaskKind.TEXT_GENERATION).distractorRate(0.5).build();
        assertThatThrownBy(() -> Seq2SeqStudent.factory(textHalf).create(SeqToyData.TEXT, TrainingOptions.defaults(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("distractorRate")
                .hasMessageContaining("MATH_WORD_PROBLEM").hasMessageContaining("TEXT_GENERATION")
                .hasMessageContaining("0.5");
        Seq2SeqStudent student = Seq2SeqStudent.factory(half).create(SeqToyData.MATH, TrainingOptions.defaults(1));
        student.save(dir.resolve("untrained.zip"));
        assertThat(Seq2SeqStudent.factory().load(dir.resolve("untrained.zip")).config()).isEqualTo(half);
        student.fit(SeqToyData.math(32, 1), 1, 1);
        student.save(dir.resolve("trained.zip"));
        Seq2SeqStudent back = Seq2SeqStudent.factory().load(dir.resolve("trained.zip"));
        assertThat(back.config().distractorRate()).isEqualTo(0.5);
        // the loaded student keeps augmenting alike: the same samples for the same seed and epoch
        assertThat(back.trainingSamples(POOL.head(100), 9, 1)).isEqualTo(student.trainingSamples(POOL.head(100), 9, 1));
    }

    private static Sample problem(String id, String body, String equation) {
        return Sample.withTarget(id, Map.of("body", body, "question", "how many ?"), equation, List.of(), Origin.REAL);
    }
}
