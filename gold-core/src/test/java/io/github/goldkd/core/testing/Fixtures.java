package io.github.goldkd.core.testing;

import io.github.goldkd.core.Label;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;

import java.util.List;
import java.util.Map;

/** Small tasks for tests. */
public final class Fixtures {

    private Fixtures() {
    }

    /** A three-label topic task with one demonstration per label. */
    public static Task topicTask() {
        return Task.classification("topic", "Classify the topic of a sentence.",
                List.of(new Label("sports", "about sport"), new Label("politics", "about politics"),
                        new Label("science", "about science")),
                List.of(Sample.of("d0", Map.of("text", "The match ended in a draw."), "sports", Origin.DEMONSTRATION),
                        Sample.of("d1", Map.of("text", "Parliament passed the bill."), "politics", Origin.DEMONSTRATION),
                        Sample.of("d2", Map.of("text", "The probe reached Jupiter."), "science", Origin.DEMONSTRATION)));
    }
}
