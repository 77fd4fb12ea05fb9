package io.github.goldkd.llm.corpus;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Encoder;
import io.github.goldkd.core.GeneratedBatch;
import io.github.goldkd.core.GenerationMode;
import io.github.goldkd.core.GenerationRequest;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CorpusTeacherTest {

    private static final Task TASK = Task.classification("sentiment", "review sentiment",
            List.of(new Label("negative", "bad"), new Label("positive", "good")), List.of());

    private static final String[][] CLASS_WORDS = {
            {"bad", "awful", "hate", "poor", "terrible", "sad", "broken", "slow"},
            {"good", "great", "love", "excellent", "nice", "happy", "fresh", "fast"}};
    private static final int TOPICS = 8;

    /**
     * A synthetic pool: each text has class words, words of one topic (topic k chosen with weight
     * 1/(k+1), so topic 0 is the centre of each class and topic 7 a tail) and one unique filler word.
     */
    static List<Sample> pool(int perClass, long seed) {
        Random r = new Random(seed);
        double[] topicWeight = new double[TOPICS];
        double total = 0;
        for (int k = 0; k < TOPICS; k++) {
            topicWeight[k] = 1.0 / (k + 1);
            total += topicWeight[k];
        }
        List<Sample> out = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < perClass; i++) {
                double u = r.nextDouble() * total;
                int topic = 0;
                while (topic < TOPICS - 1 && (u -= topicWeight[topic]) >= 0) {
                    topic++;
                }
                List<String> words = new ArrayList<>();
                for (int j = 0; j < 3; j++) {
                    words.add(CLASS_WORDS[c][r.nextInt(CLASS_WORDS[c].length)]);
                }
                for (int j = 0; j < 3; j++) {
                    words.add("topic" + topic + "w" + r.nextInt(6));
                }
                words.add("filler" + c + "x" + i);
                Collections.shuffle(words, r);
                out.add(Sample.real((c == 0 ? "neg-" : "pos-") + i, String.join(" ", words),
                        c == 0 ? "negative" : "positive"));
            }
        }
        return out;
    }

    private static CorpusTeacher teacher(List<Sample> pool, double headTemperature, double labelNoise) {
        return CorpusTeacher.builder().task(TASK).pool(pool).headTemperature(headTemperature).labelNoise(labelNoise)
                .build();
    }

    private static GenerationRequest request(GenerationMode mode, List<String> labels, List<Sample> feedback,
                                             int round, long seed) {
        return new GenerationRequest(TASK, mode, labels, feedback, round, seed);
    }

    private static List<String> labels(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i % 2 == 0 ? "positive" : "negative");
        }
        return out;
    }

    private static List<String> texts(List<Sample> samples) {
        List<String> out = new ArrayList<>();
        samples.forEach(s -> out.add(s.text()));
        return out;
    }

    /** Mean centre rank, as a fraction of the class size, of n draws in rounds of 8. */
    private static double meanRankFraction(CorpusTeacher t, GenerationMode mode, int n, int classSize, long seed) {
        double sum = 0;
        int count = 0;
        for (int round = 0; count < n; round++) {
            GeneratedBatch b = t.generate(request(mode, labels(8), List.of(), round, seed + round));
            for (Sample s : b.samples()) {
                sum += t.centreRank(s.text()) / (double) classSize;
                count++;
            }
        }
        return sum / count;
    }

    @Test
    void trainDrawsFavourTheClassCentreProbeDrawsDoNot() {
        List<Sample> pool = pool(300, 1);
        for (long seed : new long[] {11, 12, 13}) {
            double train = meanRankFraction(teacher(pool, 0.1, 0.0), GenerationMode.TRAIN, 80, 300, seed);
            double probe = meanRankFraction(teacher(pool, 0.1, 0.0), GenerationMode.PROBE, 80, 300, seed);
            // rank decay exp(-rank / (0.1 n)): the first draws have mean rank about 0.1 n; uniform gives 0.5 n
            assertThat(train).as("train mean rank / n, seed %d", seed).isLessThan(0.2);
            assertThat(probe).as("probe mean rank / n, seed %d", seed).isBetween(0.35, 0.65);
        }
    }

    @Test
    void headTemperatureSetsTheStrengthOfTheBias() {
        List<Sample> pool = pool(300, 2);
        double strong = meanRankFraction(teacher(pool, 0.02, 0.0), GenerationMode.TRAIN, 40, 300, 5);
        double normal = meanRankFraction(teacher(pool, 0.1, 0.0), GenerationMode.TRAIN, 40, 300, 5);
        double weak = meanRankFraction(teacher(pool, 100.0, 0.0), GenerationMode.TRAIN, 40, 300, 5);
        assertThat(strong).isLessThan(normal);
        assertThat(normal).isLessThan(weak);
        assertThat(weak).isBetween(0.35, 0.65); // nearly uniform
    }

    @Test
    void theMostCentralTextsHaveTheCommonTopic() {
        List<Sample> pool = pool(300, 3);
        CorpusTeacher t = teacher(pool, 0.1, 0.0);
        int topic0InHead = 0;
        int head = 0;
        for (Sample s : pool) {
            if (t.centreRank(s.text()) < 20) {
                head++;
                topic0InHead += s.text().contains("topic0") ? 1 : 0;
            }
        }
        assertThat(head).isEqualTo(40);
        assertThat(topic0InHead).isGreaterThan(30); // topic 0 is about 37 % of the pool
    }

    @Test
    void feedbackDrawsAreCloserToTheFeedbackExample() {
        List<Sample> pool = pool(300, 4);
        Sample example = Sample.real("fb", "great love topic7w1 topic7w2 topic7w3 topic7w4", "positive");
        TfIdf space = TfIdf.fit(texts(pool));
        TfIdf.Sparse ex = space.vector(example.text());

        CorpusTeacher withFeedback = teacher(pool, 0.1, 0.0);
        CorpusTeacher plain = teacher(pool, 0.1, 0.0);
        double simFeedback = 0;
        double simPlain = 0;
        int tailFeedback = 0;
        int tailPlain = 0;
        int n = 0;
        for (int round = 0; round < 5; round++) {
            List<Sample> a = withFeedback.generate(request(GenerationMode.TRAIN, labels(8), List.of(example), round,
                    100 + round)).samples();
            List<Sample> b = plain.generate(request(GenerationMode.TRAIN, labels(8), List.of(), round, 100 + round))
                    .samples();
            for (int i = 0; i < 8; i++) {
                simFeedback += space.vector(a.get(i).text()).dot(ex);
                simPlain += space.vector(b.get(i).text()).dot(ex);
                tailFeedback += a.get(i).text().contains("topic7") ? 1 : 0;
                tailPlain += b.get(i).text().contains("topic7") ? 1 : 0;
                n++;
            }
        }
        // measured: about 0.12 against 0.03 (the pool's unique filler words keep all cosines small)
        assertThat(simFeedback / n).isGreaterThan(3 * simPlain / n);
        assertThat(tailFeedback).isGreaterThan(3 * tailPlain + 5);
    }

    @Test
    void feedbackExamplesArePickedAtRandomPerSample() {
        List<Sample> pool = pool(300, 5);
        Sample tail6 = Sample.real("a", "topic6w0 topic6w1 topic6w2 topic6w3", "positive");
        Sample tail7 = Sample.real("b", "topic7w0 topic7w1 topic7w2 topic7w3", "negative");
        CorpusTeacher t = teacher(pool, 0.02, 0.0);
        int six = 0;
        int seven = 0;
        for (int round = 0; round < 4; round++) {
            for (Sample s : t.generate(request(GenerationMode.TRAIN, labels(8), List.of(tail6, tail7), round, round))
                    .samples()) {
                six += s.text().contains("topic6") ? 1 : 0;
                seven += s.text().contains("topic7") ? 1 : 0;
            }
        }
        // both examples are imitated, whatever the requested label
        assertThat(six).isGreaterThan(5);
        assertThat(seven).isGreaterThan(5);
    }

    private static int noisyCount(CorpusTeacher t, GenerationMode mode, int rounds, int perRound, long seed) {
        int noisy = 0;
        for (int round = 0; round < rounds; round++) {
            for (Sample s : t.generate(request(mode, labels(perRound), List.of(), round, seed + round)).samples()) {
                noisy += t.poolLabel(s.text()).equals(s.label()) ? 0 : 1;
            }
        }
        return noisy;
    }

    @Test
    void labelNoiseRateMatchesTheSetting() {
        List<Sample> pool = pool(1500, 6);
        // 2,000 probe draws: Binomial(2000, 0.1) has mean 200 and sd 13.4; the bounds are 3.7 sd away
        assertThat(noisyCount(teacher(pool, 0.1, 0.1), GenerationMode.PROBE, 200, 10, 7)).isBetween(150, 250);
        // 1,000 train draws: mean 100, sd 9.5
        assertThat(noisyCount(teacher(pool, 0.1, 0.1), GenerationMode.TRAIN, 100, 10, 8)).isBetween(62, 138);
        // the returned label is always the requested one, noisy or not
        GeneratedBatch b = teacher(pool, 0.1, 0.5).generate(request(GenerationMode.TRAIN, labels(10), List.of(), 0, 1));
        assertThat(b.samples()).extracting(Sample::label).containsExactlyElementsOf(labels(10));
    }

    @Test
    void labelNoiseZeroAndOneAreExact() {
        List<Sample> pool = pool(200, 7);
        assertThat(noisyCount(teacher(pool, 0.1, 0.0), GenerationMode.TRAIN, 20, 10, 1)).isZero();
        assertThat(noisyCount(teacher(pool, 0.1, 1.0), GenerationMode.PROBE, 20, 10, 1)).isEqualTo(200);
    }

    @Test
    void noTextIsReturnedTwiceAndExhaustionIsReported() {
        List<Sample> pool = new ArrayList<>(pool(40, 8));
        // duplicates in the pool count once
        pool.add(Sample.real("dup-1", pool.get(0).text(), pool.get(0).label()));
        pool.add(Sample.real("dup-2", pool.get(45).text(), pool.get(45).label()));
        CorpusTeacher t = teacher(pool, 0.1, 0.2);
        assertThat(t.describe()).containsEntry("poolSize", 80).containsEntry("duplicateTextsDropped", 2);
        Set<String> seen = new HashSet<>();
        int produced = 0;
        int rejected = 0;
        int round = 0;
        Sample feedback = Sample.real("fb", "good topic3w1", "positive");
        while (t.remaining("positive") + t.remaining("negative") > 0) {
            assertThat(round).as("rounds needed to use up the pool").isLessThan(40);
            GenerationMode mode = round % 3 == 2 ? GenerationMode.PROBE : GenerationMode.TRAIN;
            GeneratedBatch b = t.generate(request(mode, labels(8), round % 2 == 0 ? List.of(feedback) : List.of(),
                    round, round));
            for (Sample s : b.samples()) {
                assertThat(seen.add(s.text())).as("returned twice: %s", s.text()).isTrue();
            }
            produced += b.samples().size();
            rejected += b.stats().rejected();
            assertThat(b.samples().size() + b.stats().rejected()).isEqualTo(8);
            round++;
        }
        assertThat(produced).isEqualTo(80);
        assertThat(rejected).isEqualTo(round * 8 - 80);
        assertThat(rejected).isPositive(); // the last rounds ran into exhaustion
        GeneratedBatch after = t.generate(request(GenerationMode.TRAIN, List.of("positive", "negative", "negative"),
                List.of(), round, 99));
        assertThat(after.samples()).isEmpty();
        assertThat(after.stats().rejects()).isEqualTo(Map.of("exhausted:positive", 1, "exhausted:negative", 2));
    }

    @Test
    void anExhaustedClassGivesAShorterBatch() {
        List<Sample> pool = List.of(
                Sample.real("p1", "good one", "positive"), Sample.real("p2", "good two", "positive"),
                Sample.real("p3", "good three", "positive"),
                Sample.real("n1", "bad one", "negative"), Sample.real("n2", "bad two", "negative"));
        CorpusTeacher t = teacher(pool, 0.1, 0.0);
        GeneratedBatch b = t.generate(request(GenerationMode.TRAIN,
                List.of("negative", "negative", "negative", "positive"), List.of(), 0, 3));
        assertThat(b.samples()).extracting(Sample::label).containsExactly("negative", "negative", "positive");
        assertThat(b.stats().rejects()).isEqualTo(Map.of("exhausted:negative", 1));
        assertThat(b.stats().requests()).isZero();
        assertThat(t.remaining("negative")).isZero();
        assertThat(t.remaining("positive")).isEqualTo(2);
    }

    @Test
    void noiseFallsBackToTheRequestedClassWhenNoOtherClassHasTextsLeft() {
        List<Sample> pool = List.of(
                Sample.real("p1", "good one", "positive"), Sample.real("p2", "good two", "positive"),
                Sample.real("p3", "good three", "positive"),
                Sample.real("n1", "bad one", "negative"), Sample.real("n2", "bad two", "negative"));
        CorpusTeacher t = teacher(pool, 0.1, 1.0);
        GeneratedBatch b = t.generate(request(GenerationMode.PROBE, List.of("positive", "positive", "positive"),
                List.of(), 0, 4));
        assertThat(b.samples()).extracting(s -> t.poolLabel(s.text()))
                .containsExactly("negative", "negative", "positive");
        assertThat(b.samples()).extracting(Sample::label).containsOnly("positive");
    }

    @Test
    void sameRequestsGiveTheSameSamples() {
        List<Sample> pool = pool(200, 9);
        Sample fb = Sample.real("fb", "love topic5w2 topic5w3", "positive");
        List<List<Sample>> first = run(teacher(pool, 0.1, 0.3), fb, 0);
        List<List<Sample>> second = run(teacher(pool, 0.1, 0.3), fb, 0);
        List<List<Sample>> otherSeed = run(teacher(pool, 0.1, 0.3), fb, 1000);
        assertThat(second).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
        assertThat(first.get(0).get(0).origin()).isEqualTo(Origin.TRAIN);
        assertThat(first.get(2).get(0).origin()).isEqualTo(Origin.PROBE);
        assertThat(first.get(2).get(0).round()).isEqualTo(2);
    }

    private static List<List<Sample>> run(CorpusTeacher t, Sample fb, long seedOffset) {
        List<List<Sample>> out = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
            GenerationMode mode = round % 3 == 2 ? GenerationMode.PROBE : GenerationMode.TRAIN;
            out.add(t.generate(request(mode, labels(8), round % 2 == 1 ? List.of(fb) : List.of(), round,
                    seedOffset + round)).samples());
        }
        return out;
    }

    @Test
    void markReturnedRebuildsTheStateOfAResumedRun() {
        List<Sample> pool = pool(100, 10);
        Sample fb = Sample.real("fb", "hate topic4w1", "negative");
        CorpusTeacher original = teacher(pool, 0.1, 0.1);
        List<Sample> earlier = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            // the loop restamps ids, origin and round; the text is what identifies a pool text
            List<Sample> feedback = round % 2 == 1 ? List.of(fb) : List.of();
            for (Sample s : original.generate(request(GenerationMode.TRAIN, labels(8), feedback, round, round))
                    .samples()) {
                earlier.add(s.stamped(Sample.generatedId(round, GenerationMode.TRAIN, earlier.size()), Origin.TRAIN,
                        round));
            }
        }
        GenerationRequest next = request(GenerationMode.TRAIN, labels(8), List.of(), 5, 5);
        List<Sample> expected = original.generate(next).samples();

        CorpusTeacher resumed = teacher(pool, 0.1, 0.1);
        List<Sample> withStrangers = new ArrayList<>(earlier);
        withStrangers.add(Sample.real("x", "a text that is not in the pool", "positive"));
        assertThat(resumed.markReturned(withStrangers)).isEqualTo(40);
        assertThat(resumed.markReturned(earlier)).isZero(); // idempotent
        assertThat(resumed.remaining("positive") + resumed.remaining("negative")).isEqualTo(200 - 40);
        assertThat(resumed.generate(next).samples()).isEqualTo(expected);

        // without it, the fresh teacher answers differently (it would repeat earlier texts)
        List<Sample> fresh = teacher(pool, 0.1, 0.1).generate(next).samples();
        assertThat(fresh).isNotEqualTo(expected);
        Set<String> earlierTexts = new HashSet<>(texts(earlier));
        assertThat(texts(fresh)).anyMatch(earlierTexts::contains);
        assertThat(texts(expected)).noneMatch(earlierTexts::contains);
    }

    @Test
    void returnedSamplesUseTheTasksInputFieldAndRequestedLabel() {
        Task task = new Task("s", TaskKind.CLASSIFICATION, "", List.of("sentence"),
                List.of(new Label("negative", ""), new Label("positive", "")), List.of());
        CorpusTeacher t = CorpusTeacher.builder().task(task).pool(Dataset.of(pool(20, 11))).labelNoise(0).build();
        GeneratedBatch b = t.generate(new GenerationRequest(task, GenerationMode.PROBE, List.of("negative"),
                List.of(), 3, 1));
        Sample s = b.samples().get(0);
        assertThat(s.inputs().keySet()).containsExactly("sentence");
        assertThat(s.label()).isEqualTo("negative");
        assertThat(s.origin()).isEqualTo(Origin.PROBE);
        assertThat(s.round()).isEqualTo(3);
    }

    @Test
    void multiFieldTasksReturnAllFieldsInTaskOrder() {
        Task nli = new Task("nli", TaskKind.CLASSIFICATION, "", List.of("premise", "hypothesis"),
                List.of(new Label("yes", ""), new Label("no", "")), List.of());
        List<Sample> pool = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pool.add(Sample.of("s" + i, Map.of("hypothesis", "h" + i, "premise", "p" + i), i % 2 == 0 ? "yes" : "no",
                    Origin.REAL));
        }
        CorpusTeacher t = CorpusTeacher.builder().task(nli).pool(pool).build();
        Sample s = t.generate(new GenerationRequest(nli, GenerationMode.TRAIN, List.of("yes"), List.of(), 0, 2))
                .samples().get(0);
        assertThat(s.inputs().keySet()).containsExactly("premise", "hypothesis");
        String n = s.input("premise").substring(1);
        assertThat(s.input("hypothesis")).isEqualTo("h" + n);
        assertThat(t.markReturned(List.of(s))).isZero(); // already returned
        assertThat(t.markReturned(List.of(pool.get(0), pool.get(1)))).isBetween(1, 2);

        List<Sample> bad = List.of(Sample.of("x", Map.of("premise", "p"), "yes", Origin.REAL),
                Sample.of("y", Map.of("premise", "q", "hypothesis", "r"), "no", Origin.REAL));
        assertThatThrownBy(() -> CorpusTeacher.builder().task(nli).pool(bad).build())
                .isInstanceOf(GoldException.class).hasMessageContaining("lacks input field 'hypothesis'");
    }

    /** A toy encoder: texts with the word "core" point one way, all others the other way. */
    private static final class MarkerEncoder implements Encoder {
        int calls;

        @Override
        public int dimension() {
            return 2;
        }

        @Override
        public float[] encode(String text) {
            calls++;
            return text.contains("core") ? new float[] {3f, 0f} : new float[] {0f, 0.5f};
        }

        @Override
        public String name() {
            return "marker";
        }
    }

    @Test
    void anyEncoderCanDefineSimilarity() {
        List<Sample> pool = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            // word overlap alone would not single out the "core" texts
            pool.add(Sample.real("p" + i, (i % 3 == 0 ? "edge" : "core") + " text number" + i, "positive"));
            pool.add(Sample.real("n" + i, "other text " + i, "negative"));
        }
        MarkerEncoder enc = new MarkerEncoder();
        CorpusTeacher t = CorpusTeacher.builder().task(TASK).pool(pool).encoder(enc).headTemperature(0.02)
                .labelNoise(0).build();
        for (Sample s : pool) {
            if (s.label().equals("positive")) {
                assertThat(t.centreRank(s.text()) < 20).as(s.text()).isEqualTo(s.text().startsWith("core"));
            }
        }
        assertThat(enc.calls).isEqualTo(60);
        assertThat(t.describe().get("similarity")).isEqualTo("encoder marker");
        // feedback ranks by the encoder too: an "edge"-like example pulls "edge" texts
        Sample fb = Sample.real("fb", "anything", "positive");
        List<Sample> got = t.generate(request(GenerationMode.TRAIN, List.of("positive", "positive", "positive"),
                List.of(fb), 0, 1)).samples();
        assertThat(got).allMatch(s -> s.text().startsWith("edge"));
    }

    @Test
    void describeNamesTheSimulationAndItsSettings() {
        CorpusTeacher t = CorpusTeacher.builder().task(TASK).pool(pool(10, 12)).headTemperature(0.25).labelNoise(0.05)
                .build();
        Map<String, Object> d = t.describe();
        assertThat(d).containsEntry("class", CorpusTeacher.class.getName())
                .containsEntry("simulation", true)
                .containsEntry("headTemperature", 0.25)
                .containsEntry("labelNoise", 0.05)
                .containsEntry("poolSize", 20)
                .containsEntry("poolPerLabel", Map.of("negative", 10, "positive", 10));
        assertThat((String) d.get("kind")).contains("simulated").contains("not a language model");
        assertThat((String) d.get("similarity")).startsWith("tf-idf");
        assertThat(t.toString()).contains("simulation");
    }

    @Test
    void requestsForUnknownLabelsFail() {
        CorpusTeacher t = teacher(pool(10, 13), 0.1, 0.1);
        assertThatThrownBy(() -> t.generate(request(GenerationMode.TRAIN, List.of("neutral"), List.of(), 0, 1)))
                .isInstanceOf(GoldException.class).hasMessageContaining("'neutral'")
                .hasMessageContaining("[negative, positive]");
        List<String> withNull = new ArrayList<>();
        withNull.add(null);
        assertThatThrownBy(() -> t.generate(request(GenerationMode.TRAIN, withNull, List.of(), 0, 1)))
                .isInstanceOf(GoldException.class).hasMessageContaining("'null'");
        assertThatThrownBy(() -> t.remaining("neutral")).isInstanceOf(GoldException.class);
    }

    @Test
    void builderValidatesEverySetting() {
        List<Sample> pool = pool(5, 14);
        // A bad setting is an IllegalArgumentException; a pool with bad content (below) a GoldException.
        assertThatThrownBy(() -> CorpusTeacher.builder().pool(pool).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("task is required, was null");
        // a classification pool (labels, no targets) is no pool for a sequence task
        Task qa = new Task("qa", TaskKind.EXTRACTIVE_QA, "", List.of("text"), List.of(), List.of());
        assertThatThrownBy(() -> CorpusTeacher.builder().task(qa).pool(pool).build())
                .hasMessageContaining("EXTRACTIVE_QA").hasMessageContaining("has no target (its 'answer')");
        for (double bad : new double[] {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> teacher(pool, bad, 0.1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("headTemperature must be a finite number > 0, was " + bad);
        }
        for (double bad : new double[] {-0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> teacher(pool, 0.1, bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("labelNoise must be in [0, 1], was " + bad);
        }
        assertThatThrownBy(() -> CorpusTeacher.builder().task(TASK).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pool must hold at least one labelled text per task label, was not set");
        assertThatThrownBy(() -> CorpusTeacher.builder().task(TASK).pool(List.of()).build())
                .isInstanceOf(GoldException.class)
                .hasMessage("pool must hold at least one labelled text per task label, was empty");
        List<Sample> foreign = new ArrayList<>(pool);
        foreign.add(Sample.real("z", "meh", "neutral"));
        assertThatThrownBy(() -> CorpusTeacher.builder().task(TASK).pool(foreign).build())
                .isInstanceOf(GoldException.class).hasMessageContaining("pool sample z has label 'neutral'").hasMessageContaining("[negative, positive]");
        List<Sample> onlyPositive = pool.stream().filter(s -> s.label().equals("positive")).toList();
        assertThatThrownBy(() -> CorpusTeacher.builder().task(TASK).pool(onlyPositive).build())
                .hasMessageContaining("no text labelled 'negative'");
        Encoder broken = new Encoder() {
            @Override
            public int dimension() {
                return 3;
            }

            @Override
            public float[] encode(String text) {
                return new float[2];
            }

            @Override
            public String name() {
                return "broken";
            }
        };
        assertThatThrownBy(() -> CorpusTeacher.builder().task(TASK).pool(pool).encoder(broken).build())
                .hasMessageContaining("encoder broken returned a vector of length 2, its dimension() is 3");
    }
}
