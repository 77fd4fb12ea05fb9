package io.github.goldkd.examples.bench;

import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.student.seq.Seq2SeqConfig;
import io.github.goldkd.student.seq.Seq2SeqStudent;
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
        cases.put("math", threads -> seq2seq("math", TaskKind.MATH_WORD_PROBLEM, List.of("body", "question"),
                "equation", true, threads));
        cases.put("nl4opt", threads -> seq2seq("nl4opt", TaskKind.TEXT_GENERATION, List.of("document"), "output",
                false, threads));
        return cases;
    }

    /**
     * The seq2seq student at its defaults for the task kind, ND4J threads set, decoding greedily (the harness's
     * algorithm; math's default beam with plausible answers would time another) and without distractor sentences
     * (the harness trains on the synthetic problems as they are; math's default would lengthen the DL4J side's
     * sources). Source specials counted beside
     * the words: math 3 (pad, unk, num; the slots enter as numbers), text 2 (pad, unk).
     */
    static SpeedCase seq2seq(String name, TaskKind kind, List<String> inputs, String output, boolean math,
                             int threads) {
        Seq2SeqConfig c = Seq2SeqConfig.builder(kind).threads(threads).beamWidth(1).plausibleAnswers(false)
                .distractorRate(0).build();
        Task task = Task.sequence(name, kind, "synthetic " + name, inputs, output, List.of());
        Seq2SeqSpeedCase.Net net = new Seq2SeqSpeedCase.Net(c.dModel(), c.heads(), c.ffnSize(), c.encoderLayers(),
                c.decoderLayers(), c.maxSourceTokens(), c.maxTargetTokens(), c.batchSize(), c.learningRate(),
                c.warmupSteps(), c.clipNorm(), c.minTokenCount());
        return new Seq2SeqSpeedCase(name, task, t -> Seq2SeqStudent.factory(c), net, math, math ? 3 : 2);
    }

    /**
     * The span QA student at its defaults (bge's onnxruntime threads stay at 1: its cost is not compared); the
     * harness's network reads as many channels per token as the student's ({@link SpanQaConfig#features()}), but
     * not its lexical skip (a [4, 2] product into the logits, a sliver of a step).
     */
    static SpeedCase qa() {
        SpanQaConfig c = SpanQaConfig.defaults();
        Task task = Task.sequence("qa", TaskKind.EXTRACTIVE_QA, "synthetic extractive QA", List.of("context", "question"),
                "answer", List.of());
        return new SpanQaSpeedCase("qa", task, threads -> SpanQaStudent.factory(c), c.modelDim(), c.heads(),
                c.batchSize(), c.learningRate(), c.maxAnswerTokens(), c.features());
    }
}
