package io.github.goldkd.core;

import io.github.goldkd.core.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
                .hasMessage("selection band upper bound must be in (0.9, 1] (above the lower bound), was 0.2");
        assertThatThrownBy(() -> RankBandSelector.reference().select(new double[] {1, Double.NaN}, 0))
                .hasMessage("score of probe sample 1 is NaN");
        // floor(q * n) is decimal-exact: 0.29 * 100 is 28.999999999999996 in binary
        assertThat(new RankBandSelector(0.29, 0.57).rankRange(100)).containsExactly(29, 57);
        assertThat(new RankBandSelector(0.58, 0.7).rankRange(50)).containsExactly(29, 35);
        // ties keep batch order
        assertThat(new RankBandSelector(0.0, 1.0).select(new double[] {2, 1, 2, 1}, 0)).containsExactly(1, 3, 0, 2);
    }
}
