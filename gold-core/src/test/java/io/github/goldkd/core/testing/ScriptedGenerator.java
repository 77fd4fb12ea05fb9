package io.github.goldkd.core.testing;

import io.github.goldkd.core.GeneratedBatch;
import io.github.goldkd.core.GenerationMode;
import io.github.goldkd.core.GenerationRequest;
import io.github.goldkd.core.GenerationStats;
import io.github.goldkd.core.Generator;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntBiFunction;

/**
 * A deterministic generator for tests: sample texts are a function of the request (mode, round, seed,
 * index, label and the feedback it carried), every request is recorded, and the number delivered can be
 * cut short per round and mode to simulate under-filled batches.
 */
public final class ScriptedGenerator implements Generator {

    private final List<GenerationRequest> requests = new ArrayList<>();
    private ToIntBiFunction<Integer, GenerationMode> deliver = (round, mode) -> Integer.MAX_VALUE;
    private Faults faults = Faults.none();
    private List<Sample> restored;

    /** Limits how many samples are delivered for a (round, mode); the rest is a shortfall. */
    public ScriptedGenerator deliver(ToIntBiFunction<Integer, GenerationMode> deliver) {
        this.deliver = deliver;
        return this;
    }

    /** Injects failures ("generate-train" / "generate-probe" events). */
    public ScriptedGenerator faults(Faults faults) {
        this.faults = faults;
        return this;
    }

    /** The samples handed to {@link #restore}, or null when it was not called. */
    public List<Sample> restored() {
        return restored;
    }

    @Override
    public void restore(List<Sample> generatedSoFar) {
        restored = List.copyOf(generatedSoFar);
    }

    public List<GenerationRequest> requests() {
        return requests;
    }

    @Override
    public GeneratedBatch generate(GenerationRequest request) {
        faults.hit(request.mode() == GenerationMode.TRAIN ? "generate-train" : "generate-probe");
        requests.add(request);
        int n = Math.min(request.count(), deliver.applyAsInt(request.round(), request.mode()));
        StringBuilder fb = new StringBuilder();
        for (Sample f : request.feedback()) {
            fb.append(f.id()).append(',');
        }
        List<Sample> out = new ArrayList<>();
        if (request.task().kind().isSequence()) {
            for (int i = 0; i < n; i++) {
                out.add(sequenceSample(request, i, fb.toString()));
            }
            return new GeneratedBatch(out, new GenerationStats(1, 0, 10L * n, 5L * n, Map.of()));
        }
        for (int i = 0; i < n; i++) {
            String text = request.mode() + " r" + request.round() + " #" + i + " " + request.labels().get(i) + " s"
                    + Long.toHexString(request.seed()) + " fb[" + fb + "]";
            out.add(new Sample("cand-" + i, Map.of("text", text), request.labels().get(i), null,
                    request.mode() == GenerationMode.TRAIN ? Origin.TRAIN : Origin.PROBE, -1));
        }
        return new GeneratedBatch(out, new GenerationStats(1, 0, 10L * n, 5L * n, Map.of()));
    }

    /**
     * A sequence sample whose inputs name the request and whose target fits the kind: a span of the QA
     * span field, an expression over numbers of the problem, a text for generation.
     */
    private static Sample sequenceSample(GenerationRequest request, int i, String feedback) {
        Task task = request.task();
        String tag = request.mode() + " r" + request.round() + " #" + i + " s" + Long.toHexString(request.seed())
                + " fb[" + feedback + "]";
        int a = request.round() + 1;
        int b = i + 2;
        Map<String, String> inputs = new LinkedHashMap<>();
        for (String f : task.inputFields()) {
            inputs.put(f, f + " of " + tag + " with " + a + " and " + b + " items");
        }
        String target = switch (task.kind()) {
            case EXTRACTIVE_QA -> a + " and " + b;
            case MATH_WORD_PROBLEM -> "( " + a + " * " + b + " )";
            default -> "answer " + (a * b) + " for " + tag.substring(0, tag.indexOf(" s"));
        };
        return new Sample("cand-" + i, inputs, null, target,
                request.mode() == GenerationMode.TRAIN ? Origin.TRAIN : Origin.PROBE, -1);
    }
}
