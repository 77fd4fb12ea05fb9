package io.github.goldkd.llm;

import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-made tasks of the three sequence kinds, small enough to read in a prompt, shared by the tests of the
 * sequence templates and of {@link LlmGenerator} on sequence tasks so that both render the same examples.
 */
public final class SequenceTasks {

    private SequenceTasks() {
    }

    /** An ordered field map from alternating names and values. */
    public static Map<String, String> fields(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    public static final Sample KOSCIUSZKO = Sample.withTarget("q2", fields(
            "context", "Mount Kosciuszko rises 2,228 metres above sea level.",
            "question", "How high is Mount Kosciuszko?"), "2,228 metres", List.of(), Origin.REAL);

    public static final Sample PENICILLIN = Sample.withTarget("q3", fields(
            "context", "Penicillin was discovered by Alexander Fleming in 1928.",
            "question", "Who discovered penicillin?"), "Alexander Fleming", List.of(), Origin.REAL);

    /** An extractive QA task ("squad") whose examples are {@code examples}, in this order. */
    public static Task qa(Sample... examples) {
        return new Task("squad", TaskKind.EXTRACTIVE_QA, "Questions about a Wikipedia paragraph.",
                List.of("context", "question"), List.of(), List.of(examples), null, null);
    }

    public static final Task MATH = Task.sequence("svamp", TaskKind.MATH_WORD_PROBLEM, "Simple math word problems.",
            List.of("body", "question"), null, List.of(
            Sample.withTarget("m1", fields("body", "Dan had $ 4. He bought a candy bar and has $ 3 left.",
                    "question", "How much did the candy bar cost?"), "( 4.0 - 3.0 )", List.of("1.0"), Origin.REAL)));

    public static final Task NL4OPT = Task.sequence("nl4opt", TaskKind.TEXT_GENERATION, "Formulate a linear program.",
            List.of("document"), "formulation", List.of(
            Sample.withTarget("n1", fields("document", "A farmer grows wheat and corn on at most 50 acres."),
                    "Variables: x: wheat, y: corn\nConstraints:\nx + y <= 50", List.of(), Origin.REAL)));
}
