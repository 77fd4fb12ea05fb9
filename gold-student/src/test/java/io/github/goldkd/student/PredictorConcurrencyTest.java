package io.github.goldkd.student;

import io.github.goldkd.core.Predictor;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.TrainingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** DL4J students behind a Predictor, called from 4 threads at once, give exactly what one thread gets. */
class PredictorConcurrencyTest {

    /** Labels and probabilities of {@code texts}, asked for in batches of {@code batch}. */
    private static List<Object> run(Predictor p, List<String> texts, int batch) {
        List<String> labels = new ArrayList<>();
        List<double[]> probabilities = new ArrayList<>();
        for (int i = 0; i < texts.size(); i += batch) {
            List<String> chunk = texts.subList(i, Math.min(texts.size(), i + batch));
            labels.addAll(p.predict(chunk));
            probabilities.addAll(p.probabilities(chunk));
        }
        return List.of(labels, probabilities);
    }

    @Test
    void fourThreadsGetTheSameLabelsAndProbabilitiesAsOne(@TempDir Path dir) throws Exception {
        List<Student> trained = List.of(
                BagOfEmbeddingsStudent.factory(BagOfEmbeddingsConfig.builder().embeddingDim(16).hiddenSize(8)
                        .bigramBuckets(200).build()).create(ToyData.TASK, TrainingOptions.defaults(3)),
                TextCnnStudent.factory(TextCnnConfig.builder().embeddingDim(8).filters(4).build())
                        .create(ToyData.TASK, TrainingOptions.defaults(3)));
        List<String> texts = new ArrayList<>();
        for (Sample s : ToyData.samples(120, 9)) {
            texts.add(s.text());
        }
        // Each thread asks in batches of its own size. The expected results are computed by one thread with the
        // same batches: the last bits of a probability depend on the batch a text is computed in (BLAS), not on
        // the thread.
        int[] batches = {9, 16, 25, 40};
        for (Student s : trained) {
            s.fit(StudentContractTest.TRAIN, 3, 4);
            Path file = dir.resolve(s.getClass().getSimpleName() + ".bin");
            s.save(file);
            Predictor one = Predictor.of(Students.load(file));
            List<List<Object>> expected = new ArrayList<>();
            for (int b : batches) {
                expected.add(run(one, texts, b));
            }
            for (Predictor p : List.of(Predictor.pooled(4, () -> Students.load(file)),
                    Predictor.of(Students.load(file)))) {
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<List<Object>>> futures = new ArrayList<>();
                    for (int b : batches) {
                        futures.add(pool.submit(() -> {
                            start.await();
                            return run(p, texts, b);
                        }));
                    }
                    start.countDown();
                    for (int t = 0; t < batches.length; t++) {
                        List<Object> r = futures.get(t).get(120, TimeUnit.SECONDS);
                        assertThat(r.get(0)).isEqualTo(expected.get(t).get(0));
                        @SuppressWarnings("unchecked")
                        List<double[]> got = (List<double[]>) r.get(1);
                        @SuppressWarnings("unchecked")
                        List<double[]> want = (List<double[]>) expected.get(t).get(1);
                        assertThat(got).hasSize(texts.size());
                        for (int i = 0; i < got.size(); i++) {
                            assertThat(got.get(i)).containsExactly(want.get(i));
                        }
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }
}
