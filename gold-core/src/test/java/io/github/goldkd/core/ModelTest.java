package io.github.goldkd.core;

import io.github.goldkd.core.metric.Metrics;
import io.github.goldkd.core.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Task, sample, dataset and logits: the value types. */
class ModelTest {

    @Test
    void taskValidatesLabelsFieldsAndDemonstrations() {
        Task t = Fixtures.topicTask();
        assertThat(t.labelNames()).containsExactly("sports", "politics", "science");
        assertThat(t.labelIndex("science")).isEqualTo(2);
        assertThatThrownBy(() -> t.labelIndex("weather"))
                .hasMessage("unknown label 'weather' for task 'topic', allowed: [sports, politics, science]");
        assertThatThrownBy(() -> Task.classification("x", "", List.of(new Label("a", "")), List.of()))
                .hasMessage("task 'x': a classification task needs at least 2 labels, has 1");
        assertThatThrownBy(() -> Task.classification("x", "", List.of(new Label("a", ""), new Label("a", "")), List.of()))
                .hasMessage("task 'x': duplicate label 'a'");
        assertThatThrownBy(() -> t.withDemonstrations(List.of(Sample.real("d9", "hi", "weather"))))
                .hasMessage("task 'topic': demonstration d9 has label 'weather', allowed: [sports, politics, science]");
        Task qa = new Task("squad", TaskKind.EXTRACTIVE_QA, "Answer from the context.", List.of("context", "question"),
                List.of(), List.of());
        assertThat(qa.kind().isSequence()).isTrue();
        assertThatThrownBy(() -> qa.withDemonstrations(List.of(Sample.real("q1", "only text", null))))
                .hasMessage("sample q1 has no input field 'context'");
    }

    @Test
    void sequenceTasksNameTheirOutputAndSpanFields() {
        Task qa = Fixtures.qaTask();
        assertThat(qa.outputField()).isEqualTo("answer");
        assertThat(qa.spanField()).isEqualTo("context");
        assertThat(Fixtures.mathTask().outputField()).isEqualTo("equation");
        assertThat(Fixtures.mathTask().spanField()).isNull();
        assertThat(Fixtures.generationTask().outputField()).isEqualTo("formulation");
        assertThat(Fixtures.topicTask().outputField()).isEqualTo("label");
        Sample notASpan = Sample.withTarget("q9", Map.of("context", "Rouen is in Normandy.", "question", "Where?"),
                "Paris", List.of(), Origin.DEMONSTRATION);
        assertThatThrownBy(() -> qa.withDemonstrations(List.of(notASpan)))
                .hasMessage("task 'qa': demonstration q9 has answer 'Paris', which is not a span of its 'context'");
        Sample noTarget = Sample.of("m1", Map.of("body", "b", "question", "q"), null, Origin.DEMONSTRATION);
        assertThatThrownBy(() -> Fixtures.mathTask().withDemonstrations(List.of(noTarget)))
                .hasMessage("task 'math': demonstration m1 has no target (its 'equation')");
        assertThatThrownBy(() -> new Task("x", TaskKind.EXTRACTIVE_QA, "", List.of("context", "question"), List.of(),
                List.of(), null, "title"))
                .hasMessage("task 'x': spanField 'title' is not an input field; allowed: [context, question]");
        assertThatThrownBy(() -> new Task("x", TaskKind.MATH_WORD_PROBLEM, "", List.of("body"), List.of(), List.of(),
                null, "body"))
                .hasMessage("task 'x': spanField is for extractive_qa tasks only, this task is math_word_problem");
        assertThatThrownBy(() -> Task.sequence("x", TaskKind.TEXT_GENERATION, "", List.of("document"), "document",
                List.of()))
                .hasMessage("task 'x': outputField 'document' is also an input field; allowed: a name not in [document]");
        assertThatThrownBy(() -> new Task("x", TaskKind.TEXT_GENERATION, "", List.of("document"),
                List.of(new Label("a", ""), new Label("b", "")), List.of()))
                .hasMessage("task 'x': a task of kind text_generation has no labels, has 2");
    }

    @Test
    void sentencePairTasksNameTheirPair() {
        List<Label> yesNo = List.of(new Label("entailment", ""), new Label("not_entailment", ""));
        Task qnli = new Task("qnli", TaskKind.CLASSIFICATION, "", List.of("question", "sentence"), yesNo, List.of());
        assertThat(qnli.pair()).isEmpty();
        assertThat(qnli.pairFields()).containsExactly("question", "sentence");
        assertThat(qnli.isPair()).isTrue();
        assertThat(qnli.pairTexts(Sample.of("p", Map.of("sentence", "It rains.", "question", "Does it rain?"),
                "entailment", Origin.REAL))).containsExactly("Does it rain?", "It rains.");
        assertThat(qnli.pairTexts(Sample.of("q", Map.of("question", "Why?"), null, Origin.TRAIN)))
                .containsExactly("Why?", "");
        assertThatThrownBy(() -> Fixtures.topicTask().pairTexts(Sample.real("t", "text", "sports")))
                .isInstanceOf(IllegalStateException.class);
        assertThat(Fixtures.topicTask().isPair()).isFalse();
        assertThat(Fixtures.qaTask().isPair()).isFalse();
        Task three = new Task("rte", TaskKind.CLASSIFICATION, "", List.of("id2", "premise", "hypothesis"), yesNo,
                List.of(), null, null, List.of("premise", "hypothesis"));
        assertThat(three.pairFields()).containsExactly("premise", "hypothesis");
        assertThatThrownBy(() -> new Task("x", TaskKind.CLASSIFICATION, "", List.of("a", "b"), yesNo, List.of(), null,
                null, List.of("a", "c")))
                .hasMessage("task 'x': pair must name two different input fields of [a, b], was [a, c]");
        assertThatThrownBy(() -> new Task("x", TaskKind.CLASSIFICATION, "", List.of("a", "b"), yesNo, List.of(), null,
                null, List.of("a", "a")))
                .hasMessage("task 'x': pair must name two different input fields of [a, b], was [a, a]");
    }

    @Test
    void referencesDefaultToTheTargetOrTheLabel() {
        Map<String, String> in = Map.of("context", "The Normans settled in 911.", "question", "When?");
        Sample several = Sample.withTarget("a", in, "911", List.of("911", "in 911"), Origin.REAL);
        assertThat(several.references()).containsExactly("911", "in 911");
        assertThat(several.output()).isEqualTo("911");
        Sample single = Sample.withTarget("b", in, "911", List.of(), Origin.REAL);
        assertThat(single.references()).containsExactly("911");
        // [target] given explicitly is the same sample as none given
        assertThat(Sample.withTarget("b", in, "911", List.of("911"), Origin.REAL)).isEqualTo(single);
        assertThat(Sample.real("c", "good", "positive").references()).containsExactly("positive");
        assertThat(Sample.real("d", "unlabelled", null).references()).isEmpty();
        // a math sample is scored against its value, not its expression
        Sample math = Sample.withTarget("e", Map.of("body", "3 and 4"), "( 3.0 + 4.0 )", List.of("7.0"), Origin.REAL);
        assertThat(math.references()).containsExactly("7.0");
        assertThat(math.withTarget("( 3.0 * 4.0 )").references()).containsExactly("( 3.0 * 4.0 )");
        assertThat(several.stamped("r00001-t-00", Origin.TRAIN, 1).references()).containsExactly("911", "in 911");
    }

    @Test
    void studentsAreScoredByAnyMetricOnTheirTextPredictions() {
        Task qa = Fixtures.qaTask();
        Student echo = studentPredicting(qa, samples -> samples.stream().map(x -> x.input("question")).toList());
        Map<String, String> q1 = Map.of("context", "The Normans came in 911.", "question", "The Normans");
        Map<String, String> q2 = Map.of("context", "Rollo led them.", "question", "led");
        Dataset data = Dataset.of(List.of(Sample.withTarget("1", q1, "Normans", List.of(), Origin.REAL),
                Sample.withTarget("2", q2, "Rollo", List.of("Rollo", "Rollo led"), Origin.REAL)));
        // "The Normans" normalises to "normans": an exact match; "led" vs "Rollo led": F1 2/3
        assertThat(echo.score(data, Metrics.exactMatch())).isEqualTo(0.5);
        assertThat(echo.score(data, Metrics.f1()))
                .isCloseTo((1.0 + 2.0 / 3.0) / 2, within(1e-12));
        assertThat(echo.score(Dataset.empty(), Metrics.f1())).isNaN();
        // a classifier's default prediction is the label with the largest logit; a sequence student must say
        Student noPredict = studentPredicting(qa, null);
        assertThatThrownBy(() -> noPredict.predict(data.samples())).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("EXTRACTIVE_QA");
    }

    /** A student that only predicts: with {@code predictor}, or with the interface's default when null. */
    private static Student studentPredicting(Task task, Function<List<Sample>, List<String>> predictor) {
        return new UntrainedStudent(task) {
            @Override
            public List<Logits> logits(List<Sample> samples) {
                return List.of();
            }

            @Override
            public List<String> predict(List<Sample> samples) {
                return predictor == null ? super.predict(samples) : predictor.apply(samples);
            }
        };
    }

    @Test
    void sampleIdsAndText() {
        assertThat(Sample.generatedId(12, GenerationMode.PROBE, 3)).isEqualTo("r00012-p-03");
        Sample s = new Sample("a", Map.of("context", "C"), null, "answer", Origin.TRAIN, 0);
        assertThat(s.text()).isEqualTo("C");
        assertThat(s.stamped("b", Origin.PROBE, 4)).extracting(Sample::id, Sample::origin, Sample::round)
                .containsExactly("b", Origin.PROBE, 4);
        assertThatThrownBy(() -> new Sample("a", Map.of(), "x", null, Origin.REAL, -1))
                .hasMessage("sample a has no input fields");
    }

    @Test
    void datasetSplitsShufflesAndGroupsDeterministically() {
        List<Sample> samples = IntStream.range(0, 20)
                .mapToObj(i -> Sample.real("s" + i, "text " + i, i % 3 == 0 ? "sports" : "science")).toList();
        Dataset d = Dataset.of(samples);
        assertThat(d.shuffle(1)).isEqualTo(d.shuffle(1)).isNotEqualTo(d.shuffle(2));
        assertThat(d.shuffle(1).samples()).containsExactlyInAnyOrderElementsOf(samples);
        Dataset.Split split = d.split(0.25, 7);
        assertThat(split.first().size()).isEqualTo(5);
        assertThat(split.second().size()).isEqualTo(15);
        assertThat(split.first().concat(split.second()).samples()).containsExactlyInAnyOrderElementsOf(samples);
        assertThat(d.groupByLabel()).containsOnlyKeys("sports", "science");
        assertThat(d.groupByLabel().get("sports").size()).isEqualTo(7);
        assertThatThrownBy(() -> d.split(1.5, 0)).hasMessage("split fraction must be in [0, 1], was 1.5");
    }

    @Test
    void logitsCarryClassRowsOrMaskedSequences() {
        Logits c = Logits.ofClasses(new float[] {0.1f, 2f, -1f}, 1);
        assertThat(c.positions()).isEqualTo(1);
        assertThat(c.isSequence()).isFalse();
        assertThat(c.argmax(0)).isEqualTo(1);
        assertThat(c.target(0)).isEqualTo(1);

        Logits s = Logits.ofSequence(new float[][] {{1, 2}, {3, 0}, {0, 0}}, new boolean[] {true, true, false},
                new int[] {1, 0, 0});
        assertThat(s.isSequence()).isTrue();
        assertThat(s.realPositions()).isEqualTo(2);
        assertThat(s.isReal(2)).isFalse();
        assertThat(s.get(1, 0)).isEqualTo(3f);
        assertThat(s.row(0)).containsExactly(1f, 2f);
        assertThatThrownBy(() -> Logits.ofSequence(new float[][] {{1, 2}, {3}}, null, null))
                .hasMessage("row 1 has width 1, expected 2");
        assertThatThrownBy(() -> Logits.ofClasses(new float[] {1, 2}, 2))
                .hasMessage("target must be -1 or in [0, 2), was 2");
        assertThatThrownBy(() -> Logits.ofClasses(new float[] {1, 2}).target(0))
                .hasMessage("these logits carry no targets");
    }

    @Test
    void rankBandSelectorRejectsBadBandsAndNaN() {
        assertThatThrownBy(() -> new RankBandSelector(0.9, 0.2))
                .hasMessage("selection band upper bound must be in (0.9, 1], was 0.2");
        assertThatThrownBy(() -> RankBandSelector.reference().select(new double[] {1, Double.NaN}, 0))
                .hasMessage("score of probe sample 1 is NaN");
        // floor(q * n) is decimal-exact: 0.29 * 100 is 28.999999999999996 in binary
        assertThat(new RankBandSelector(0.29, 0.57).rankRange(100)).containsExactly(29, 57);
        assertThat(new RankBandSelector(0.58, 0.7).rankRange(50)).containsExactly(29, 35);
        // ties keep batch order
        assertThat(new RankBandSelector(0.0, 1.0).select(new double[] {2, 1, 2, 1}, 0)).containsExactly(1, 3, 0, 2);
    }
}
