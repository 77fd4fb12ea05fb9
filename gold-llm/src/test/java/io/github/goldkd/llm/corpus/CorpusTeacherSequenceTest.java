package io.github.goldkd.llm.corpus;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.goldkd.core.GeneratedBatch;
import io.github.goldkd.core.GenerationMode;
import io.github.goldkd.core.GenerationRequest;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.metric.ArithmeticExpression;
import io.github.goldkd.core.metric.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The corpus teacher on the sequence kinds: the behaviours of its class comment, kind by kind. */
class CorpusTeacherSequenceTest {

    private static final int TOPICS = 8;

    private static final Task QA = new Task("qa", TaskKind.EXTRACTIVE_QA, "answer from the context",
            List.of("context", "question"), List.of(), List.of(), null, null);
    private static final Task MATH = Task.sequence("math", TaskKind.MATH_WORD_PROBLEM, "write the equation",
            List.of("body", "question"), null, List.of());
    private static final Task GEN = Task.sequence("gen", TaskKind.TEXT_GENERATION, "write the formulation",
            List.of("document"), null, List.of());

    private static Task task(TaskKind kind) {
        return switch (kind) {
            case EXTRACTIVE_QA -> QA;
            case MATH_WORD_PROBLEM -> MATH;
            case TEXT_GENERATION -> GEN;
            case CLASSIFICATION -> throw new IllegalArgumentException("not a sequence kind");
        };
    }

    /** Topic k with weight 1/(k+1): topic 0 is the centre of the pool, topic 7 a tail. */
    private static int topic(Random r) {
        double total = 0;
        for (int k = 0; k < TOPICS; k++) {
            total += 1.0 / (k + 1);
        }
        double u = r.nextDouble() * total;
        int topic = 0;
        while (topic < TOPICS - 1 && (u -= 1.0 / (topic + 1)) >= 0) {
            topic++;
        }
        return topic;
    }

    private static String topicWords(Random r, int topic, int count) {
        List<String> words = new ArrayList<>();
        for (int j = 0; j < count; j++) {
            words.add("topic" + topic + "w" + r.nextInt(6));
        }
        return String.join(" ", words);
    }

    /**
     * A synthetic pool of {@code n} samples of the kind, each about one topic (see {@link #topic}) and with
     * unique words, so that inputs and targets are distinct. QA samples have two gold answers.
     */
    static List<Sample> pool(TaskKind kind, int n, long seed) {
        Random r = new Random(seed);
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int t = topic(r);
            String a = topicWords(r, t, 2);
            String b = topicWords(r, t, 2);
            String id = kind.name().toLowerCase() + "-" + i;
            switch (kind) {
                case EXTRACTIVE_QA -> {
                    String context = "The " + a + " tower stands near unique" + i + " harbour. Its " + b
                            + " gate was built in " + (1000 + i) + " by skilled local masons.";
                    Map<String, String> in = new LinkedHashMap<>();
                    in.put("context", context);
                    in.put("question", "Where does the " + a + " tower stand?");
                    out.add(Sample.withTarget(id, in, "unique" + i + " harbour",
                            List.of("unique" + i + " harbour", "near unique" + i + " harbour"), Origin.REAL));
                }
                case MATH_WORD_PROBLEM -> {
                    int x = 2 + r.nextInt(50);
                    int y = 2 + r.nextInt(50);
                    int z = 2 + r.nextInt(9);
                    String expr = switch (i % 3) {
                        case 0 -> "( " + x + ".0 + " + y + ".0 )";
                        case 1 -> "( ( " + x + ".0 * " + z + ".0 ) - " + y + ".0 )";
                        default -> "( " + (x * z) + ".0 / " + z + ".0 )";
                    };
                    Map<String, String> in = new LinkedHashMap<>();
                    in.put("body", a + " has " + x + " apples and " + b + " has " + y + " pears . case" + i + " .");
                    in.put("question", "how many fruits are there with " + z + " boxes ?");
                    double value = ArithmeticExpression.evaluate(expr).orElseThrow();
                    out.add(Sample.withTarget(id, in, expr, List.of(Double.toString(value)), Origin.REAL));
                }
                case TEXT_GENERATION -> out.add(Sample.withTarget(id,
                        Map.of("document", "A factory of " + a + " makes " + b + " and unique" + i + " goods."),
                        "maximize profit" + i + " subject to " + a + " <= " + (10 + i), List.of(), Origin.REAL));
                default -> throw new IllegalArgumentException(kind.name());
            }
        }
        return out;
    }

    private static CorpusTeacher teacher(Task task, List<Sample> pool, double headTemperature, double noise) {
        return CorpusTeacher.builder().task(task).pool(pool).headTemperature(headTemperature).labelNoise(noise)
                .build();
    }

    private static GenerationRequest request(Task task, GenerationMode mode, int count, List<Sample> feedback,
                                             int round, long seed) {
        return new GenerationRequest(task, mode, Collections.nCopies(count, null), feedback, round, seed);
    }

    private static Map<String, Sample> byText(List<Sample> pool) {
        Map<String, Sample> out = new HashMap<>();
        pool.forEach(s -> out.put(s.text(), s));
        return out;
    }

    /** Mean centre rank, as a fraction of the pool size, of n draws in batches of 8. */
    private static double meanRankFraction(CorpusTeacher t, Task task, GenerationMode mode, int n, int poolSize,
                                           long seed) {
        double sum = 0;
        int count = 0;
        for (int round = 0; count < n; round++) {
            for (Sample s : t.generate(request(task, mode, 8, List.of(), round, seed + round)).samples()) {
                int rank = t.centreRank(s.text());
                assertThat(rank).as("a pool sample: %s", s.text()).isNotNegative();
                sum += rank / (double) poolSize;
                count++;
            }
        }
        return sum / count;
    }

    @ParameterizedTest
    @EnumSource(value = TaskKind.class, names = {"EXTRACTIVE_QA", "MATH_WORD_PROBLEM", "TEXT_GENERATION"})
    void trainDrawsFavourThePoolCentreProbeDrawsDoNot(TaskKind kind) {
        List<Sample> pool = pool(kind, 400, 1);
        Task task = task(kind);
        for (long seed : new long[] {11, 12}) {
            double train = meanRankFraction(teacher(task, pool, 0.1, 0.1), task, GenerationMode.TRAIN, 80, 400, seed);
            double probe = meanRankFraction(teacher(task, pool, 0.1, 0.1), task, GenerationMode.PROBE, 80, 400, seed);
            // rank decay exp(-rank / (0.1 n)): the first draws have mean rank about 0.1 n; uniform gives 0.5 n
            assertThat(train).as("%s train mean rank / n, seed %d", kind, seed).isLessThan(0.2);
            assertThat(probe).as("%s probe mean rank / n, seed %d", kind, seed).isBetween(0.35, 0.65);
        }
        // and the centre is the common topic: the ranking is by the inputs' text, as for classification
        CorpusTeacher t = teacher(task, pool, 0.1, 0.0);
        long topic0InHead = pool.stream().filter(s -> t.centreRank(s.text()) < 40)
                .filter(s -> s.text().contains("topic0")).count();
        assertThat(topic0InHead).as("%s: topic 0 is about 37 %% of the pool", kind).isGreaterThan(30);
    }

    @ParameterizedTest
    @EnumSource(value = TaskKind.class, names = {"EXTRACTIVE_QA", "MATH_WORD_PROBLEM", "TEXT_GENERATION"})
    void feedbackExamplesPullDrawsTowardTheirNeighbours(TaskKind kind) {
        Task task = task(kind);
        List<Sample> pool = pool(kind, 400, 4);
        // a feedback example about the tail topic 7, with the task's input fields as the loop passes them
        Map<String, String> in = new LinkedHashMap<>();
        for (String f : task.inputFields()) {
            in.put(f, "topic7w1 topic7w2 topic7w3 topic7w4");
        }
        Sample example = Sample.withTarget("fb", in, "x", List.of(), Origin.TRAIN);
        TfIdf space = TfIdf.fit(pool.stream().map(Sample::text).toList());
        TfIdf.Sparse ex = space.vector(example.text());

        CorpusTeacher withFeedback = teacher(task, pool, 0.1, 0.1);
        CorpusTeacher plain = teacher(task, pool, 0.1, 0.1);
        double simFeedback = 0;
        double simPlain = 0;
        int tailFeedback = 0;
        int tailPlain = 0;
        for (int round = 0; round < 5; round++) {
            for (Sample s : withFeedback.generate(request(task, GenerationMode.TRAIN, 8, List.of(example), round,
                    100 + round)).samples()) {
                simFeedback += space.vector(s.text()).dot(ex);
                tailFeedback += s.text().contains("topic7") ? 1 : 0;
            }
            for (Sample s : plain.generate(request(task, GenerationMode.TRAIN, 8, List.of(), round, 100 + round))
                    .samples()) {
                simPlain += space.vector(s.text()).dot(ex);
                tailPlain += s.text().contains("topic7") ? 1 : 0;
            }
        }
        // measured for each kind: 10 of 40 draws on the example's topic against none, cosine sum 4.6 to 5.6 against 0
        assertThat(simFeedback).as("%s: summed cosine to the example", kind).isGreaterThan(3 * simPlain);
        assertThat(tailFeedback).as("%s: draws of the example's topic out of 40", kind).isGreaterThan(3 * tailPlain + 5);
    }

    @ParameterizedTest
    @EnumSource(value = TaskKind.class, names = {"EXTRACTIVE_QA", "MATH_WORD_PROBLEM", "TEXT_GENERATION"})
    void probeModeIgnoresFeedback(TaskKind kind) {
        Task task = task(kind);
        List<Sample> pool = pool(kind, 100, 5);
        Sample fb = pool.get(7);
        List<Sample> with = teacher(task, pool, 0.1, 0.1)
                .generate(request(task, GenerationMode.PROBE, 8, List.of(fb), 0, 3)).samples();
        List<Sample> without = teacher(task, pool, 0.1, 0.1)
                .generate(request(task, GenerationMode.PROBE, 8, List.of(), 0, 3)).samples();
        assertThat(with).isEqualTo(without);
        assertThat(with).allMatch(s -> s.origin() == Origin.PROBE);
    }

    /** Checks a returned sample against its pool sample and the kind's noise model; true when noisy. */
    private static boolean checkAndTellNoisy(TaskKind kind, Sample got, Map<String, Sample> poolByText,
                                             Set<String> poolTargets) {
        Sample clean = poolByText.get(got.text());
        assertThat(clean).as("returned inputs come from the pool: %s", got.text()).isNotNull();
        assertThat(got.inputs()).isEqualTo(clean.inputs());
        assertThat(got.label()).isNull();
        assertThat(got.target()).isNotBlank();
        if (got.target().equals(clean.target())) {
            assertThat(got.references()).isEqualTo(clean.references());
            return false;
        }
        // a wrong target is its own only reference: no gold answer contradicts it
        assertThat(got.references()).containsExactly(got.target());
        switch (kind) {
            case EXTRACTIVE_QA -> {
                assertThat(clean.input("context")).contains(got.target());
                assertThat(Metrics.exactMatch().score(got.target(), clean.references())).isZero();
            }
            case MATH_WORD_PROBLEM -> {
                assertThat(ArithmeticExpression.evaluate(got.target())).isPresent();
                assertThat(Metrics.executionAccuracy().score(got.target(), clean.references())).isZero();
                assertThat(Metrics.executionAccuracy().score(got.target(), List.of(clean.target()))).isZero();
                // the same numbers in the same places, one operator changed
                assertThat(ArithmeticExpression.numbers(got.target()))
                        .isEqualTo(ArithmeticExpression.numbers(clean.target()));
                assertThat(got.target()).hasSameSizeAs(clean.target());
                int differing = 0;
                for (int i = 0; i < got.target().length(); i++) {
                    if (got.target().charAt(i) != clean.target().charAt(i)) {
                        differing++;
                        assertThat("+-*/").contains(String.valueOf(got.target().charAt(i)));
                    }
                }
                assertThat(differing).isEqualTo(1);
            }
            case TEXT_GENERATION -> assertThat(poolTargets).contains(got.target());
            default -> throw new IllegalArgumentException(kind.name());
        }
        return true;
    }

    private static int noisyCount(TaskKind kind, List<Sample> pool, double noise, GenerationMode mode, int rounds,
                                  int perRound, long seed) {
        Task task = task(kind);
        CorpusTeacher t = teacher(task, pool, 0.1, noise);
        Map<String, Sample> poolByText = byText(pool);
        Set<String> poolTargets = new HashSet<>();
        pool.forEach(s -> poolTargets.add(s.target()));
        int noisy = 0;
        for (int round = 0; round < rounds; round++) {
            for (Sample s : t.generate(request(task, mode, perRound, List.of(), round, seed + round)).samples()) {
                noisy += checkAndTellNoisy(kind, s, poolByText, poolTargets) ? 1 : 0;
            }
        }
        return noisy;
    }

    @ParameterizedTest
    @EnumSource(value = TaskKind.class, names = {"EXTRACTIVE_QA", "MATH_WORD_PROBLEM", "TEXT_GENERATION"})
    void noiseRateMatchesTheSettingAndEachMistakeHasTheKindsShape(TaskKind kind) {
        List<Sample> pool = pool(kind, 2500, 6);
        // 2,000 probe draws: Binomial(2000, 0.1) has mean 200 and sd 13.4; the bounds are 3.7 sd away
        assertThat(noisyCount(kind, pool, 0.1, GenerationMode.PROBE, 200, 10, 7)).isBetween(150, 250);
        // 1,000 train draws: mean 100, sd 9.5
        assertThat(noisyCount(kind, pool, 0.1, GenerationMode.TRAIN, 100, 10, 8)).isBetween(62, 138);
        // every sample of this pool admits a mistake, so the extremes are exact
        assertThat(noisyCount(kind, pool, 0.0, GenerationMode.TRAIN, 20, 10, 9)).isZero();
        assertThat(noisyCount(kind, pool, 1.0, GenerationMode.PROBE, 20, 10, 9)).isEqualTo(200);
    }

    @Test
    void aSampleThatAdmitsNoMistakeKeepsItsCleanTarget() {
        // "x * 1" and "x / 1" have the same value, and a one-word context has no other span
        Sample math = Sample.withTarget("m", Map.of("body", "7 boxes of 1", "question", "how many ?"),
                "( 7.0 * 1.0 )", List.of("7.0"), Origin.REAL);
        CorpusTeacher tm = teacher(MATH, List.of(math), 0.1, 1.0);
        assertThat(tm.generate(request(MATH, GenerationMode.TRAIN, 1, List.of(), 0, 1)).samples())
                .containsExactly(new Sample("m", math.inputs(), null, "( 7.0 * 1.0 )", Origin.TRAIN, 0,
                        List.of("7.0")));
        Sample qa = Sample.withTarget("q", Map.of("context", "Paris.", "question", "Where?"), "Paris", List.of(),
                Origin.REAL);
        CorpusTeacher tq = teacher(QA, List.of(qa), 0.1, 1.0);
        assertThat(tq.generate(request(QA, GenerationMode.PROBE, 1, List.of(), 0, 1)).samples().get(0).target())
                .isEqualTo("Paris");
        Sample g1 = Sample.withTarget("g1", Map.of("document", "a"), "same", List.of(), Origin.REAL);
        Sample g2 = Sample.withTarget("g2", Map.of("document", "b"), "same", List.of(), Origin.REAL);
        CorpusTeacher tg = teacher(GEN, List.of(g1, g2), 0.1, 1.0);
        assertThat(tg.generate(request(GEN, GenerationMode.PROBE, 2, List.of(), 0, 1)).samples())
                .extracting(Sample::target).containsExactly("same", "same");
    }

    @ParameterizedTest
    @EnumSource(value = TaskKind.class, names = {"EXTRACTIVE_QA", "MATH_WORD_PROBLEM", "TEXT_GENERATION"})
    void noSampleIsReturnedTwiceAndExhaustionIsReported(TaskKind kind) {
        Task task = task(kind);
        List<Sample> pool = new ArrayList<>(pool(kind, 60, 8));
        // a duplicate of the inputs counts once
        pool.add(new Sample("dup", pool.get(3).inputs(), null, pool.get(3).target(), Origin.REAL, -1));
        CorpusTeacher t = teacher(task, pool, 0.1, 0.3);
        assertThat(t.describe()).containsEntry("poolSize", 60).containsEntry("duplicateTextsDropped", 1);
        assertThat(t.remaining()).isEqualTo(60);
        Sample feedback = pool.get(10);
        Set<String> seen = new HashSet<>();
        int produced = 0;
        int rejected = 0;
        int round = 0;
        while (t.remaining() > 0) {
            assertThat(round).as("rounds needed to use up the pool").isLessThan(20);
            GenerationMode mode = round % 3 == 2 ? GenerationMode.PROBE : GenerationMode.TRAIN;
            GeneratedBatch b = t.generate(request(task, mode, 8, round % 2 == 0 ? List.of(feedback) : List.of(),
                    round, round));
            for (Sample s : b.samples()) {
                assertThat(seen.add(s.text())).as("returned twice: %s", s.text()).isTrue();
            }
            produced += b.samples().size();
            rejected += b.stats().rejected();
            assertThat(b.samples().size() + b.stats().rejected()).isEqualTo(8);
            round++;
        }
        assertThat(produced).isEqualTo(60);
        assertThat(rejected).isEqualTo(round * 8 - 60).isPositive();
        GeneratedBatch after = t.generate(request(task, GenerationMode.TRAIN, 3, List.of(), round, 99));
        assertThat(after.samples()).isEmpty();
        assertThat(after.stats().rejects()).isEqualTo(Map.of("exhausted", 3));
    }

    @ParameterizedTest
    @EnumSource(value = TaskKind.class, names = {"EXTRACTIVE_QA", "MATH_WORD_PROBLEM", "TEXT_GENERATION"})
    void theTasksDemonstrationsAreNeverReturned(TaskKind kind) {
        List<Sample> pool = pool(kind, 30, 9);
        // the demonstrations as a task file gives them: same inputs, other ids, maybe without the references
        List<Sample> demos = List.of(pool.get(0).withTarget(pool.get(0).target()), pool.get(17).stamped("d2",
                Origin.REAL, -1));
        Task task = task(kind).withDemonstrations(demos);
        CorpusTeacher t = teacher(task, pool, 0.1, 0.2);
        assertThat(t.remaining()).isEqualTo(28);
        assertThat(t.describe()).containsEntry("demonstrationsExcluded", 2);
        Set<String> returned = new HashSet<>();
        for (int round = 0; round < 6; round++) {
            GenerationMode mode = round % 2 == 0 ? GenerationMode.TRAIN : GenerationMode.PROBE;
            // a demonstration as feedback pulls toward itself, and still is not returned
            t.generate(request(task, mode, 8, List.of(demos.get(1)), round, round)).samples()
                    .forEach(s -> returned.add(s.text()));
        }
        assertThat(returned).hasSize(28).doesNotContain(demos.get(0).text(), demos.get(1).text());
    }

    private static List<List<Sample>> run(CorpusTeacher t, Task task, Sample fb, long seedOffset) {
        List<List<Sample>> out = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
            GenerationMode mode = round % 3 == 2 ? GenerationMode.PROBE : GenerationMode.TRAIN;
            out.add(t.generate(request(task, mode, 8, round % 2 == 1 ? List.of(fb) : List.of(), round,
                    seedOffset + round)).samples());
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = TaskKind.class, names = {"EXTRACTIVE_QA", "MATH_WORD_PROBLEM", "TEXT_GENERATION"})
    void sameRequestsGiveTheSameSamples(TaskKind kind) {
        Task task = task(kind);
        List<Sample> pool = pool(kind, 200, 10);
        Sample fb = pool.get(42);
        List<List<Sample>> first = run(teacher(task, pool, 0.1, 0.3), task, fb, 0);
        assertThat(run(teacher(task, pool, 0.1, 0.3), task, fb, 0)).isEqualTo(first);
        assertThat(run(teacher(task, pool, 0.1, 0.3), task, fb, 1000)).isNotEqualTo(first);
        assertThat(first.get(0).get(0).origin()).isEqualTo(Origin.TRAIN);
        assertThat(first.get(2).get(0).origin()).isEqualTo(Origin.PROBE);
        assertThat(first.get(2).get(0).round()).isEqualTo(2);
        // noise at 0.3 over 48 samples: some noisy ones are part of what is reproduced
        Map<String, Sample> poolByText = byText(pool);
        assertThat(first.stream().flatMap(List::stream)
                .filter(s -> !s.target().equals(poolByText.get(s.text()).target()))).isNotEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = TaskKind.class, names = {"EXTRACTIVE_QA", "MATH_WORD_PROBLEM", "TEXT_GENERATION"})
    void restoreRebuildsTheStateOfAResumedRun(TaskKind kind) {
        Task task = task(kind);
        List<Sample> pool = pool(kind, 120, 11);
        Sample fb = pool.get(5);
        CorpusTeacher original = teacher(task, pool, 0.1, 0.3);
        List<Sample> earlier = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            // the loop restamps ids, origin and round; the inputs identify a pool sample, noisy target or not
            List<Sample> feedback = round % 2 == 1 ? List.of(fb) : List.of();
            for (Sample s : original.generate(request(task, GenerationMode.TRAIN, 8, feedback, round, round))
                    .samples()) {
                earlier.add(s.stamped(Sample.generatedId(round, GenerationMode.TRAIN, earlier.size()), Origin.TRAIN,
                        round));
            }
        }
        GenerationRequest next = request(task, GenerationMode.TRAIN, 8, List.of(), 5, 5);
        List<Sample> expected = original.generate(next).samples();

        CorpusTeacher resumed = teacher(task, pool, 0.1, 0.3);
        resumed.restore(earlier);
        assertThat(resumed.remaining()).isEqualTo(120 - 40);
        assertThat(resumed.markReturned(earlier)).isZero(); // idempotent
        assertThat(resumed.generate(next).samples()).isEqualTo(expected);

        Set<String> earlierTexts = new HashSet<>();
        earlier.forEach(s -> earlierTexts.add(s.text()));
        List<Sample> fresh = teacher(task, pool, 0.1, 0.3).generate(next).samples();
        assertThat(fresh).isNotEqualTo(expected);
        assertThat(fresh).anyMatch(s -> earlierTexts.contains(s.text()));
        assertThat(expected).noneMatch(s -> earlierTexts.contains(s.text()));
    }

    @Test
    void returnedSamplesCarryTheTasksFieldsTargetAndReferences() {
        List<Sample> pool = pool(TaskKind.EXTRACTIVE_QA, 20, 12);
        CorpusTeacher t = teacher(QA, pool, 0.1, 0.0);
        Sample s = t.generate(request(QA, GenerationMode.PROBE, 1, List.of(), 3, 1)).samples().get(0);
        Sample clean = byText(pool).get(s.text());
        assertThat(s.inputs().keySet()).containsExactly("context", "question");
        assertThat(s.id()).isEqualTo(clean.id());
        assertThat(s.label()).isNull();
        assertThat(s.target()).isEqualTo(clean.target());
        assertThat(s.references()).hasSize(2).isEqualTo(clean.references());
        assertThat(s.origin()).isEqualTo(Origin.PROBE);
        assertThat(s.round()).isEqualTo(3);
    }

    @Test
    void describeNamesTheNoiseModelOfTheKind() {
        assertThat(teacher(QA, pool(TaskKind.EXTRACTIVE_QA, 10, 1), 0.1, 0.1).describe())
                .containsEntry("targetNoise", "another span of the same context").containsEntry("poolSize", 10)
                .doesNotContainKey("poolPerLabel");
        assertThat(teacher(MATH, pool(TaskKind.MATH_WORD_PROBLEM, 10, 1), 0.1, 0.1).describe().get("targetNoise"))
                .isEqualTo("one operator of the expression changed");
        assertThat(teacher(GEN, pool(TaskKind.TEXT_GENERATION, 10, 1), 0.1, 0.1).describe().get("targetNoise"))
                .isEqualTo("the target of another pool sample");
    }

    @Test
    void sequenceRequestsAndPoolsAreValidated() {
        CorpusTeacher t = teacher(MATH, pool(TaskKind.MATH_WORD_PROBLEM, 10, 1), 0.1, 0.1);
        assertThatThrownBy(() -> t.generate(new GenerationRequest(MATH, GenerationMode.TRAIN, List.of("positive"),
                List.of(), 0, 1))).isInstanceOf(GoldException.class).hasMessageContaining("'positive'")
                .hasMessageContaining("must be null");
        assertThatThrownBy(() -> t.remaining("positive")).isInstanceOf(GoldException.class)
                .hasMessageContaining("use remaining()");

        Map<String, String> in = Map.of("context", "The tower stands near the harbour.", "question", "Where?");
        assertThatThrownBy(() -> teacher(QA, List.of(Sample.withTarget("a", in, "by the sea", List.of(),
                Origin.REAL)), 0.1, 0.1)).isInstanceOf(GoldException.class)
                .hasMessageContaining("pool sample a").hasMessageContaining("not a span of its 'context'");
        assertThatThrownBy(() -> teacher(QA, List.of(Sample.of("b", in, null, Origin.REAL)), 0.1, 0.1))
                .hasMessageContaining("pool sample b").hasMessageContaining("has no target (its 'answer')");
        Map<String, String> m = Map.of("body", "3 and 4", "question", "sum ?");
        assertThatThrownBy(() -> teacher(MATH, List.of(Sample.withTarget("c", m, "3 plus 4", List.of(), Origin.REAL)),
                0.1, 0.1)).hasMessageContaining("pool sample c").hasMessageContaining("does not evaluate");
        assertThatThrownBy(() -> teacher(MATH, List.of(Sample.withTarget("d", Map.of("body", "3"), "3", List.of(),
                Origin.REAL)), 0.1, 0.1)).hasMessageContaining("lacks input field 'question'");
        assertThatThrownBy(() -> teacher(GEN, List.of(), 0.1, 0.1)).hasMessageContaining("at least one sample with "
                + "a target").hasMessageContaining("empty");
    }

    // ------------------------------------------------------------------ real data

    /** The first 200 rows of MAWPS + ASDiv-A (the SVAMP pool): body + question in, the equation out. */
    private static List<Sample> mawpsSlice() throws IOException {
        List<Sample> out = new ArrayList<>();
        try (InputStream in = Objects.requireNonNull(CorpusTeacherSequenceTest.class
                .getResourceAsStream("mawps-asdiv-a-first200.jsonl"), "test resource");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                Map<String, String> inputs = new LinkedHashMap<>();
                inputs.put("body", o.get("body").getAsString());
                inputs.put("question", o.get("question").getAsString());
                out.add(Sample.withTarget(o.get("id").getAsString(), inputs, o.get("equation").getAsString(),
                        List.of(Double.toString(o.get("answer").getAsDouble())), Origin.REAL));
            }
        }
        return out;
    }

    @Test
    void onRealMathProblemsTheTeacherIsBiasedImitatesAndMakesOperatorMistakes() throws IOException {
        List<Sample> pool = mawpsSlice();
        assertThat(pool).hasSize(200);
        TfIdf space = TfIdf.fit(pool.stream().map(Sample::text).toList());
        double[] centre = new double[space.vocabularySize()];
        pool.forEach(s -> space.vector(s.text()).addTo(centre, 1.0));

        // head bias: train draws are closer to the pool's centre than probe draws, measured on our own vectors
        double train = 0;
        double probe = 0;
        CorpusTeacher trainTeacher = teacher(MATH, pool, 0.1, 0.1);
        CorpusTeacher probeTeacher = teacher(MATH, pool, 0.1, 0.1);
        for (int round = 0; round < 5; round++) {
            for (Sample s : trainTeacher.generate(request(MATH, GenerationMode.TRAIN, 8, List.of(), round, round))
                    .samples()) {
                train += space.vector(s.text()).dot(centre);
            }
            for (Sample s : probeTeacher.generate(request(MATH, GenerationMode.PROBE, 8, List.of(), round, round))
                    .samples()) {
                probe += space.vector(s.text()).dot(centre);
            }
        }
        // measured: 481 against 352 (summed, unnormalised centre)
        assertThat(train).isGreaterThan(1.2 * probe);

        // imitation: a problem about speed pulls the few problems about miles, which plain train draws (central,
        // so about money and objects) do not reach
        Sample example = Sample.withTarget("fb", Map.of("body", "a car travels 60 miles per hour for 3 hours .",
                "question", "how many miles does it travel ?"), "( 60.0 * 3.0 )", List.of(), Origin.TRAIN);
        TfIdf.Sparse ex = space.vector(example.text());
        double simFeedback = 0;
        double simPlain = 0;
        int milesFeedback = 0;
        int milesPlain = 0;
        CorpusTeacher imitating = teacher(MATH, pool, 0.1, 0.1);
        CorpusTeacher plain = teacher(MATH, pool, 0.1, 0.1);
        for (int round = 0; round < 3; round++) {
            for (Sample s : imitating.generate(request(MATH, GenerationMode.TRAIN, 10, List.of(example), round,
                    round)).samples()) {
                simFeedback += space.vector(s.text()).dot(ex);
                milesFeedback += s.text().contains("miles") ? 1 : 0;
            }
            for (Sample s : plain.generate(request(MATH, GenerationMode.TRAIN, 10, List.of(), round, round))
                    .samples()) {
                simPlain += space.vector(s.text()).dot(ex);
                milesPlain += s.text().contains("miles") ? 1 : 0;
            }
        }
        // 8 of the 197 problems mention miles: 30 uniform draws would find about 1
        assertThat(pool.stream().filter(s -> s.text().contains("miles")).count()).isEqualTo(8);
        assertThat(milesFeedback).isGreaterThanOrEqualTo(5).isGreaterThan(milesPlain + 4);
        // measured: 3.8 against 1.0
        assertThat(simFeedback).isGreaterThan(2 * simPlain);

        // noise: every real equation has an operator whose change is a real mistake, and each one is checked
        Map<String, Sample> poolByText = byText(pool);
        CorpusTeacher noisy = teacher(MATH, pool, 0.1, 1.0);
        int wrong = 0;
        for (int round = 0; round < 25; round++) {
            for (Sample s : noisy.generate(request(MATH, GenerationMode.PROBE, 8, List.of(), round, round))
                    .samples()) {
                wrong += checkAndTellNoisy(TaskKind.MATH_WORD_PROBLEM, s, poolByText, Set.of()) ? 1 : 0;
            }
        }
        // the slice repeats 3 problems (same body and question), which the pool holds once
        int distinct = poolByText.size();
        assertThat(distinct).isEqualTo(197);
        assertThat(noisy.describe()).containsEntry("poolSize", distinct).containsEntry("duplicateTextsDropped", 3);
        assertThat(noisy.remaining()).isZero();
        assertThat(wrong).isEqualTo(distinct);
    }

    /** The first 40 SQuAD questions on the Normans: context + question in, the first answer out, all answers. */
    private static List<Sample> squadSlice() throws IOException {
        List<Sample> out = new ArrayList<>();
        try (InputStream in = Objects.requireNonNull(CorpusTeacherSequenceTest.class
                .getResourceAsStream("squad-normans-first40.jsonl"), "test resource");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                Map<String, String> inputs = new LinkedHashMap<>();
                inputs.put("context", o.get("context").getAsString());
                inputs.put("question", o.get("question").getAsString());
                List<String> answers = new ArrayList<>();
                o.getAsJsonArray("answers").forEach(a -> answers.add(a.getAsString()));
                out.add(Sample.withTarget(o.get("id").getAsString(), inputs, answers.get(0), answers, Origin.REAL));
            }
        }
        return out;
    }

    @Test
    void onRealSquadQuestionsEveryMistakeIsAnotherSpanOfTheContext() throws IOException {
        List<Sample> pool = squadSlice();
        assertThat(pool).hasSize(40).anyMatch(s -> s.references().size() > 1);
        Map<String, Sample> poolByText = byText(pool);
        CorpusTeacher t = teacher(QA, pool, 0.1, 1.0);
        int wrong = 0;
        for (int round = 0; round < 5; round++) {
            GenerationMode mode = round % 2 == 0 ? GenerationMode.TRAIN : GenerationMode.PROBE;
            for (Sample s : t.generate(request(QA, mode, 8, List.of(), round, round)).samples()) {
                wrong += checkAndTellNoisy(TaskKind.EXTRACTIVE_QA, s, poolByText, Set.of()) ? 1 : 0;
                // of similar length: one word fewer up to one more than the gold target
                int goldWords = poolByText.get(s.text()).target().split("\\s+").length;
                assertThat(s.target().split("\\s+").length).as(s.target())
                        .isBetween(Math.max(1, goldWords - 1), goldWords + 1);
            }
        }
        // a Wikipedia paragraph always has another span
        assertThat(wrong).isEqualTo(40);
        assertThat(t.remaining()).isZero();
    }
}
