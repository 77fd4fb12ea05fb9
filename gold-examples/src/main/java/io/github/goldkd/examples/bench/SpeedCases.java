package io.github.goldkd.examples.bench;

import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.student.seq.SpanQaConfig;
import io.github.goldkd.student.seq.SpanQaStudent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The cases {@link SequenceSpeedBenchmark} knows, by name, each built for a thread count; students at their defaults. */
final class SpeedCases {

    private SpeedCases() {
    }

    static Map<String, Function<Integer, SpeedCase>> all() {
        Map<String, Function<Integer, SpeedCase>> cases = new LinkedHashMap<>();
        cases.put("qa", threads -> qa());
        return cases;
    }

    /** The span QA student at its defaults (bge's onnxruntime threads stay at 1: its cost is not compared). */
    static SpeedCase qa() {
        SpanQaConfig c = SpanQaConfig.defaults();
        Task task = Task.sequence("qa", TaskKind.EXTRACTIVE_QA, "synthetic extractive QA", List.of("context", "question"),
                "answer", List.of());
        return new SpanQaSpeedCase("qa", task, threads -> SpanQaStudent.factory(c), c.modelDim(), c.heads(),
                c.batchSize(), c.learningRate(), c.maxAnswerTokens(), SpanQaSpeedCase.FEATURES);
    }
}
