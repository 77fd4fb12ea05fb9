package io.github.goldkd.student.seq;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.core.metric.Metrics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The span student learns a small synthetic QA task (two people per context, three relations) well enough to
 * answer about people, cities and occupations it never saw in training: test EM at least 0.3 (the untrained
 * student is near 0; the measurement of seq-students.md reached 0.31-0.34 on a harder three-way set with 2,000
 * samples). 300 training samples, 5 epochs, the default network.
 */
class SpanQaLearnsTest {

    @Test
    void learnsTheToyTaskOnUnseenNames() {
        try (SpanQaStudent.Factory f = SpanQaStudent.factory()) {
            SpanQaStudent s = f.create(ToyQa.TASK, TrainingOptions.defaults(7));
            Dataset train = ToyQa.train(300, 1, 2);
            Dataset test = ToyQa.test(100, 2, 2);
            double before = s.score(test, Metrics.exactMatch());
            s.fit(train, 5, 10);
            double after = s.score(test, Metrics.exactMatch());
            assertThat(before).isLessThan(0.15);
            assertThat(after).isGreaterThanOrEqualTo(0.3);
        }
    }
}
