package io.github.goldkd.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PredictorTest {

    static final Task SENTIMENT = Task.classification("sentiment", "",
            List.of(new Label("neg", ""), new Label("pos", ""), new Label("neu", "")), List.of());
    static final Task NLI = new Task("nli", TaskKind.CLASSIFICATION, "", List.of("premise", "hypothesis"),
            List.of(new Label("yes", ""), new Label("no", "")), List.of());

    /**
     * Logits are a fixed function of the sample's inputs; each call sleeps a little so that concurrent calls
     * overlap, and a call made while another is running on the same instance is counted.
     */
    static class HashStudent extends UntrainedStudent {
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();
        volatile List<Sample> lastSamples;

        HashStudent(Task task) {
            super(task);
        }

        @Override
        public List<Logits> logits(List<Sample> samples) {
            if (running.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            try {
                calls.incrementAndGet();
                lastSamples = samples;
                Thread.sleep(2);
                List<Logits> out = new ArrayList<>();
                for (Sample s : samples) {
                    int h = s.inputs().toString().hashCode();
                    float[] z = new float[task().labels().size()];
                    for (int k = 0; k < z.length; k++) {
                        z[k] = ((h >>> (k * 5)) & 31) / 4f;
                    }
                    out.add(Logits.ofClasses(z));
                }
                return out;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
        }
    }

    static List<String> texts(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("text number " + i + (i % 3 == 0 ? " good" : " bad"));
        }
        return out;
    }

    @Test
    void labelsAreTheArgmaxAndProbabilitiesTheSoftmaxOfTheLogitsInOrder() {
        HashStudent student = new HashStudent(SENTIMENT);
        Predictor p = Predictor.of(student);
        List<String> texts = texts(30);
        List<String> labels = p.predict(texts);
        List<double[]> probabilities = p.probabilities(texts);
        List<Sample> asSamples = new ArrayList<>();
        for (String t : texts) {
            asSamples.add(Sample.real("x", t, null));
        }
        List<Logits> logits = student.logits(asSamples);
        assertThat(p.labels()).containsExactly("neg", "pos", "neu");
        assertThat(labels).hasSize(30);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(labels.get(i)).isEqualTo(SENTIMENT.labelNames().get(logits.get(i).argmax(0)));
            double[] z = new double[3];
            for (int k = 0; k < 3; k++) {
                z[k] = logits.get(i).get(0, k);
            }
            double[] softmax = new double[3];
            Loss.softmax(z, softmax);
            assertThat(probabilities.get(i)).containsExactly(softmax, within(1e-12));
        }
        assertThat(p.predict(texts.get(4))).isEqualTo(labels.get(4));
        assertThat(p.probabilities(texts.get(4))).containsExactly(probabilities.get(4), within(0.0));
        assertThat(p.predict(List.of())).isEmpty();
        // the samples carry the text in the task's one input field and no label
        p.predict(List.of("only"));
        assertThat(student.lastSamples.get(0).inputs()).isEqualTo(Map.of("text", "only"));
        assertThat(student.lastSamples.get(0).label()).isNull();
    }

    @Test
    void aTaskOfSeveralFieldsTakesFieldMapsAndSaysWhatIsMissing() {
        Predictor p = Predictor.of(new HashStudent(NLI));
        assertThatThrownBy(() -> p.predict(List.of("a text")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[premise, hypothesis]").hasMessageContaining("predictInputs");
        List<String> labels = p.predictInputs(List.of(Map.of("premise", "a", "hypothesis", "b")));
        assertThat(labels).hasSize(1).allMatch(l -> l.equals("yes") || l.equals("no"));
        assertThatThrownBy(() -> p.predictInputs(List.of(Map.of("premise", "a", "hypothesis", "b"),
                Map.of("premise", "a"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inputs[1]").hasMessageContaining("'hypothesis'");
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> Predictor.pooled(0, () -> new HashStudent(SENTIMENT)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("copies must be >= 1, was 0");
        HashStudent one = new HashStudent(SENTIMENT);
        assertThatThrownBy(() -> Predictor.pooled(2, () -> one))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same student twice");
        Predictor p = Predictor.of(new HashStudent(SENTIMENT));
        List<String> withNull = new ArrayList<>(List.of("a"));
        withNull.add(null);
        assertThatThrownBy(() -> p.predict(withNull)).hasMessageContaining("texts[1] is null");
    }

    @Test
    void aSequenceStudentPredictsTextAndHasNoClassProbabilities() {
        Task qa = Task.sequence("qa", TaskKind.EXTRACTIVE_QA, "", List.of("context", "question"), "answer", List.of());
        Student echo = new HashStudent(qa) {
            @Override
            public List<String> predict(List<Sample> samples) {
                return samples.stream().map(s -> s.input("question").toUpperCase()).toList();
            }
        };
        Predictor p = Predictor.of(echo);
        assertThat(p.predictInputs(List.of(Map.of("context", "c", "question", "who?")))).containsExactly("WHO?");
        assertThat(p.labels()).isEmpty();
        assertThatThrownBy(() -> p.probabilitiesOfInputs(List.of(Map.of("context", "c", "question", "q"))))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("classification");
    }

    @Test
    void fourThreadsGetWhatOneThreadGetsAndNoCopyServesTwoCallsAtOnce() throws Exception {
        List<HashStudent> made = new ArrayList<>();
        Predictor pooled = Predictor.pooled(4, () -> {
            synchronized (made) {
                HashStudent s = new HashStudent(SENTIMENT);
                made.add(s);
                return s;
            }
        });
        HashStudent single = new HashStudent(SENTIMENT);
        Predictor shared = Predictor.of(single);
        List<String> texts = texts(40);
        List<String> expected = Predictor.of(new HashStudent(SENTIMENT)).predict(texts);

        for (Predictor p : List.of(pooled, shared)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<List<String>>> results = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    Callable<List<String>> task = () -> {
                        start.await();
                        List<String> out = new ArrayList<>();
                        for (int i = 0; i < texts.size(); i += 5) {
                            out.addAll(p.predict(texts.subList(i, i + 5)));
                        }
                        return out;
                    };
                    results.add(pool.submit(task));
                }
                start.countDown();
                for (Future<List<String>> f : results) {
                    assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(made).hasSize(4);
        assertThat(made.stream().mapToInt(s -> s.calls.get()).sum()).isEqualTo(4 * 8);
        assertThat(made).allMatch(s -> s.overlaps.get() == 0);
        assertThat(single.calls.get()).isEqualTo(4 * 8);
        assertThat(single.overlaps.get()).isZero();
    }
}
