package io.github.goldkd.student;

import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.CrossEntropyLoss;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.metric.Metrics;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Loss;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.SymmetricCrossEntropyLoss;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.TrainingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** What every student must do; one subclass per student kind. */
abstract class StudentContractTest {

    /** A factory with settings small enough for a quick test. */
    abstract StudentFactory factory();

    /** Epochs that learn the toy task. */
    abstract int epochs();

    static final Dataset TRAIN = ToyData.samples(150, 1);
    static final Dataset TEST = ToyData.samples(60, 2);

    AbstractStudent<?> create(long seed) {
        return (AbstractStudent<?>) factory().create(ToyData.TASK, TrainingOptions.defaults(seed));
    }

    AbstractStudent<?> create(TrainingOptions options) {
        return (AbstractStudent<?>) factory().create(ToyData.TASK, options);
    }

    static float[][] values(List<Logits> logits) {
        float[][] out = new float[logits.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = logits.get(i).row(0);
        }
        return out;
    }

    @Test
    void separableToyTaskReachesHighAccuracy() {
        Student s = create(1);
        Student.FitReport report = s.fit(TRAIN, epochs(), 7);
        assertThat(report.epochs()).isPositive();
        assertThat(report.trainLoss()).isFinite();
        assertThat(s.score(TEST, Metrics.accuracy())).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void predictionIsTheArgmaxOfTheLogitsAndProbabilitiesTheirSoftmax() {
        AbstractStudent<?> s = create(2);
        s.fit(TRAIN, 2, 3);
        List<Sample> samples = TEST.samples();
        List<Logits> logits = s.logits(samples);
        List<String> predicted = s.predict(samples);
        List<double[]> probabilities = s.probabilities(samples);
        assertThat(logits).hasSize(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            Logits z = logits.get(i);
            assertThat(z.width()).isEqualTo(3);
            assertThat(z.target(0)).isEqualTo(ToyData.TASK.labelIndex(samples.get(i).label()));
            assertThat(predicted.get(i)).isEqualTo(ToyData.TASK.labelNames().get(z.argmax(0)));
            double[] zd = new double[3];
            for (int k = 0; k < 3; k++) {
                zd[k] = z.get(0, k);
            }
            double[] softmax = new double[3];
            Loss.softmax(zd, softmax);
            for (int k = 0; k < 3; k++) {
                assertThat(probabilities.get(i)[k]).isCloseTo(softmax[k], within(1e-6));
            }
        }
        // a sample whose label the task does not know has no target
        Sample unlabelled = new Sample("u", Map.of("text", "great movie"), null, null, io.github.goldkd.core.Origin.PROBE, 0);
        assertThat(s.logits(List.of(unlabelled)).get(0).hasTargets()).isFalse();
    }

    @Test
    void saveThenLoadGivesIdenticalLogitsAndSettings(@TempDir Path dir) {
        TrainingOptions options = new TrainingOptions(new SymmetricCrossEntropyLoss(0.1, 1.0, 1e-3), BatchFilter.NONE, 5);
        AbstractStudent<?> s = create(options);
        s.fit(TRAIN, 2, 1);
        Path file = dir.resolve("sub").resolve("student.zip");
        s.save(file);
        AbstractStudent<?> back = (AbstractStudent<?>) factory().load(file);
        assertThat(values(back.logits(TEST.samples()))).isDeepEqualTo(values(s.logits(TEST.samples())));
        assertThat(back.task()).isEqualTo(s.task());
        assertThat(back.config()).isEqualTo(s.config());
        assertThat(back.trainingOptions().loss()).isEqualTo(options.loss());
        assertThat(back.trainingOptions().seed()).isEqualTo(5);
        // the loaded student keeps training
        back.fit(TRAIN, 1, 2);
        assertThat(values(back.logits(TEST.samples()))).isNotEqualTo(values(s.logits(TEST.samples())));
    }

    @Test
    void continuedTrainingChangesTheModel() {
        AbstractStudent<?> s = create(3);
        s.fit(TRAIN.head(60), 1, 1);
        float[][] before = values(s.logits(TEST.samples()));
        Object vocabulary = vocabularyOf(s);
        // new words: they must map to the unknown token, not grow the vocabulary
        List<Sample> more = new ArrayList<>(TRAIN.samples());
        more.add(Sample.real("new-1", "zebra quokka great", "pos"));
        s.fit(Dataset.of(more), 1, 2);
        float[][] after = values(s.logits(TEST.samples()));
        assertThat(after).isNotEqualTo(before);
        assertThat(vocabularyOf(s)).isEqualTo(vocabulary);
    }

    /** The student's vocabulary, or null for students without one. */
    Object vocabularyOf(AbstractStudent<?> s) {
        return null;
    }

    @Test
    void sameSeedsGiveTheSameModel() {
        AbstractStudent<?> a = create(4);
        AbstractStudent<?> b = create(4);
        a.fit(TRAIN, 2, 9);
        b.fit(TRAIN, 2, 9);
        assertThat(values(b.logits(TEST.samples()))).isDeepEqualTo(values(a.logits(TEST.samples())));
        AbstractStudent<?> c = create(4);
        c.fit(TRAIN, 2, 10);
        assertThat(values(c.logits(TEST.samples()))).isNotEqualTo(values(a.logits(TEST.samples())));
    }

    /** Logits on TEST of a student created with {@code initSeed} and trained 3 epochs with {@code fitSeed}. */
    private float[][] trainedLogits(long initSeed, long fitSeed) {
        AbstractStudent<?> s = create(initSeed);
        s.fit(TRAIN, 3, fitSeed);
        return values(s.logits(TEST.samples()));
    }

    @Test
    void twoStudentsTrainedInParallelThreadsGiveWhatTheyGiveOneAfterTheOther() throws Exception {
        float[][] first = trainedLogits(4, 9);
        float[][] second = trainedLogits(5, 10);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            // both threads start training together, so their steps interleave
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            java.util.concurrent.Future<float[][]> a = pool.submit(() -> {
                start.await();
                return trainedLogits(4, 9);
            });
            java.util.concurrent.Future<float[][]> b = pool.submit(() -> {
                start.await();
                return trainedLogits(5, 10);
            });
            assertThat(a.get()).isDeepEqualTo(first);
            assertThat(b.get()).isDeepEqualTo(second);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void trainingNeitherDependsOnNorMovesTheCallingThreadsNd4jGenerator() {
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(1);
        float[][] plain = trainedLogits(4, 9);

        // other work on the training thread between epochs (a listener drawing from ND4J's generator, as a
        // second model's dropout would) leaves this student's training as it was
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(2);
        AbstractStudent<?> s = create(4);
        s.addListener(r -> {
            org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(100 + r.epoch());
            org.nd4j.linalg.factory.Nd4j.rand(3, 3);
        });
        s.fit(TRAIN, 3, 9);
        assertThat(values(s.logits(TEST.samples()))).isDeepEqualTo(plain);

        // and creating and training a student leaves the thread's generator where it was
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(123);
        long expected = org.nd4j.linalg.factory.Nd4j.getRandom().nextLong();
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(123);
        trainedLogits(6, 11);
        assertThat(org.nd4j.linalg.factory.Nd4j.getRandom().nextLong()).isEqualTo(expected);
    }

    @Test
    void emptyDataIsANoOpAndTinyDataTrains() {
        AbstractStudent<?> s = create(5);
        float[][] untrained = values(s.logits(TEST.samples()));
        assertThat(s.fit(Dataset.empty(), 3, 1)).isEqualTo(Student.FitReport.NOTHING);
        assertThat(s.fit(TRAIN, 0, 1)).isEqualTo(Student.FitReport.NOTHING);
        assertThat(values(s.logits(TEST.samples()))).isDeepEqualTo(untrained);
        assertThat(s.logits(List.of())).isEmpty();

        Student.FitReport r = s.fit(TRAIN.head(8), 3, 1);
        assertThat(r.epochs()).isEqualTo(3);
        assertThat(r.validationScore()).isNaN(); // too few samples to hold some out
        for (float[] row : values(s.logits(TEST.samples()))) {
            for (float v : row) {
                assertThat(v).isFinite();
            }
        }
        Student.FitReport one = create(5).fit(TRAIN.head(1), 1, 1);
        assertThat(one.epochs()).isEqualTo(1);
    }

    /** Keeps the first half of every batch and records what it saw. */
    static final class HalfFilter implements BatchFilter {
        final List<List<Logits>> seen = new ArrayList<>();

        @Override
        public int[] keep(List<Logits> batch) {
            seen.add(batch);
            int[] keep = new int[Math.max(1, batch.size() / 2)];
            for (int i = 0; i < keep.length; i++) {
                keep[i] = i;
            }
            return keep;
        }

        @Override
        public String name() {
            return "half";
        }
    }

    @Test
    void batchFilterSeesTheCurrentLogitsAndOnlyKeptSamplesTrain() {
        HalfFilter filter = new HalfFilter();
        AbstractStudent<?> s = create(new TrainingOptions(new CrossEntropyLoss(), filter, 6));
        s.fit(TRAIN.head(40), 1, 1); // a first fit builds the vocabulary (no validation slice below 100 samples)
        filter.seen.clear();
        Dataset data = TRAIN.head(40);
        float[][] current = values(s.logits(data.samples()));
        List<Integer> trained = new ArrayList<>();
        s.addListener(r -> trained.add(r.samplesTrained()));
        s.fit(data, 1, 2);
        assertThat(filter.seen).isNotEmpty();
        int expected = 0;
        for (List<Logits> batch : filter.seen) {
            expected += Math.max(1, batch.size() / 2);
            for (Logits z : batch) {
                assertThat(z.hasTargets()).isTrue();
            }
        }
        assertThat(trained).containsExactly(expected);
        // the first batch is scored before any step of this fit: its logits are the network's current ones
        for (Logits z : filter.seen.get(0)) {
            boolean found = Arrays.stream(current).anyMatch(row -> close(row, z.row(0)));
            assertThat(found).as("logits %s are the current network's", z).isTrue();
        }
    }

    private static boolean close(float[] a, float[] b) {
        for (int k = 0; k < a.length; k++) {
            if (Math.abs(a[k] - b[k]) > 1e-4) {
                return false;
            }
        }
        return true;
    }

    @Test
    void earlyStoppingEndsOnceValidationStopsImprovingAndKeepsTheBestEpoch() {
        AbstractStudent<?> s = create(7);
        List<Double> accuracies = new ArrayList<>();
        s.addListener(r -> accuracies.add(r.validationAccuracy()));
        // a third of the labels are wrong at random: fitting them makes the validation loss rise, and
        // training stops
        List<Sample> noisy = new ArrayList<>();
        List<String> names = ToyData.TASK.labelNames();
        java.util.Random random = new java.util.Random(4);
        for (Sample x : ToyData.samples(300, 3)) {
            noisy.add(random.nextInt(3) == 0 ? x.withLabel(names.get((names.indexOf(x.label()) + 1) % 3)) : x);
        }
        Student.FitReport r = s.fit(Dataset.of(noisy), 200, 1);
        assertThat(accuracies).hasSize(r.epochs()).allSatisfy(a -> assertThat(a).isBetween(0.0, 1.0));
        assertThat(r.epochs()).isLessThan(200);
        assertThat(r.validationScore())
                .isEqualTo(accuracies.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    }

    @Test
    void rejectsSamplesWithoutATaskLabelAndNonClassificationTasks() {
        AbstractStudent<?> s = create(8);
        Dataset bad = Dataset.of(List.of(Sample.real("x1", "good", "pos"), Sample.real("x2", "bad", "maybe")));
        assertThatThrownBy(() -> s.fit(bad, 1, 1)).isInstanceOf(StudentException.class)
                .hasMessageContaining("x2").hasMessageContaining("maybe");
        Task qa = Task.sequence("qa", TaskKind.EXTRACTIVE_QA, "", List.of("context", "question"), null, List.of());
        assertThatThrownBy(() -> factory().create(qa, TrainingOptions.defaults(1)))
                .isInstanceOf(StudentException.class).hasMessageContaining("EXTRACTIVE_QA");
    }

    @Test
    void loadRefusesAnotherKindOfStudentFile(@TempDir Path dir) {
        Path file = dir.resolve("other.zip");
        otherKind().create(ToyData.TASK, TrainingOptions.defaults(1)).save(file);
        assertThatThrownBy(() -> factory().load(file)).isInstanceOf(StudentException.class)
                .hasMessageContaining("this factory loads");
    }

    /** A factory of a different student kind. */
    StudentFactory otherKind() {
        return BagOfEmbeddingsStudent.factory(BagOfEmbeddingsConfig.builder().embeddingDim(4).bigramBuckets(0).build());
    }
}
