package io.github.goldkd.core;

import io.github.goldkd.core.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The labels {@link LabelPlanner} asks for, per plan, round and place in the round. */
class LabelPlannerTest {

    private static final Task TOPIC = Fixtures.topicTask(); // sports, politics, science

    @Test
    void balancedIsOneRoundRobinOverEverySlotOfTheRun() {
        // 2 train + 1 probe slots per round: round 0 is slots 0..2, round 1 is slots 3..5.
        LabelPlanner p = new LabelPlanner(TOPIC, LabelPlan.BALANCED, 2, 1, 42);
        assertThat(p.labels(0, GenerationMode.TRAIN, 0, 2)).containsExactly("sports", "politics");
        assertThat(p.labels(0, GenerationMode.PROBE, 0, 1)).containsExactly("science");
        assertThat(p.labels(1, GenerationMode.TRAIN, 0, 2)).containsExactly("sports", "politics");
        // the probe budget spent on extra train data continues after the batch: slot 3 + 2
        assertThat(p.labels(1, GenerationMode.TRAIN, 2, 1)).containsExactly("science");
        LabelPlanner fourPerRound = new LabelPlanner(TOPIC, LabelPlan.BALANCED, 3, 1, 42);
        assertThat(fourPerRound.labels(1, GenerationMode.TRAIN, 0, 3)).containsExactly("politics", "science", "sports");
    }

    @Test
    void uniformRandomRepeatsPerSeedAndRoundAndCoversEveryLabelEvenly() {
        LabelPlanner p = new LabelPlanner(TOPIC, LabelPlan.UNIFORM_RANDOM, 8, 8, 42);
        assertThat(p.labels(3, GenerationMode.TRAIN, 0, 20))
                .isEqualTo(new LabelPlanner(TOPIC, LabelPlan.UNIFORM_RANDOM, 8, 8, 42).labels(3, GenerationMode.TRAIN, 0, 20));
        assertThat(p.labels(3, GenerationMode.TRAIN, 0, 20)).isNotEqualTo(p.labels(4, GenerationMode.TRAIN, 0, 20));
        assertThat(p.labels(3, GenerationMode.TRAIN, 0, 20)).isNotEqualTo(p.labels(3, GenerationMode.PROBE, 0, 20));
        assertThat(p.labels(3, GenerationMode.TRAIN, 0, 20))
                .isNotEqualTo(new LabelPlanner(TOPIC, LabelPlan.UNIFORM_RANDOM, 8, 8, 43).labels(3, GenerationMode.TRAIN, 0, 20));
        Map<String, Integer> counts = new TreeMap<>();
        List<String> all = new ArrayList<>();
        for (int round = 0; round < 300; round++) {
            all.addAll(p.labels(round, GenerationMode.TRAIN, 0, 10));
        }
        all.forEach(l -> counts.merge(l, 1, Integer::sum));
        assertThat(counts.keySet()).containsExactly("politics", "science", "sports");
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(900, 1100));
    }

    @Test
    void aSequenceTaskGetsNoLabels() {
        LabelPlanner p = new LabelPlanner(Fixtures.mathTask(), LabelPlan.BALANCED, 4, 4, 42);
        assertThat(p.labels(2, GenerationMode.PROBE, 0, 3)).hasSize(3).containsOnlyNulls();
    }
}
