package io.github.goldkd.core.testing;

import io.github.goldkd.core.Label;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;

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

    /** An extractive QA task (context + question, the answer a span of the context). */
    public static Task qaTask() {
        return new Task("qa", TaskKind.EXTRACTIVE_QA, "Answer the question with a span of the context.",
                List.of("context", "question"), List.of(), List.of(
                        Sample.withTarget("d0", Map.of("context", "The Normans settled in Normandy in 911.",
                                "question", "When did the Normans settle?"), "911", List.of("911", "in 911"),
                                Origin.DEMONSTRATION)), null, null);
    }

    /** A math word problem task (body + question, the target an arithmetic expression). */
    public static Task mathTask() {
        return Task.sequence("math", TaskKind.MATH_WORD_PROBLEM, "Write the equation that answers the problem.",
                List.of("body", "question"), null, List.of(Sample.withTarget("d0", Map.of("body",
                        "Tom has 3 apples and buys 4 more.", "question", "How many apples does he have?"),
                        "( 3.0 + 4.0 )", List.of("7.0"), Origin.DEMONSTRATION)));
    }

    /** A text generation task with a custom output field. */
    public static Task generationTask() {
        return Task.sequence("lp", TaskKind.TEXT_GENERATION, "Write the formulation.", List.of("document"),
                "formulation", List.of(Sample.withTarget("d0", Map.of("document", "Maximise profit of x and y."),
                        "max: 2 x + 3 y", List.of(), Origin.DEMONSTRATION)));
    }

    /** The task of each sequence kind. */
    public static List<Task> sequenceTasks() {
        return List.of(qaTask(), mathTask(), generationTask());
    }
}
