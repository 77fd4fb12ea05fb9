package io.github.goldkd.examples.bench;

import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.Task;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A span QA student on frozen token states, on {@link SyntheticSequences#qa} samples, mirrored by the harness's
 * {@code qa} model. The frozen bge encoder is not part of the comparison: the timed epoch and the decoding run on
 * samples whose token states the student has cached in the warm-up epoch (decoding reads the first training
 * samples), and the harness feeds float16 states of the same shape; the encoder's cost is the warm-up epoch's
 * extra time, reported beside. The context's token count comes from the student's logits (width = context
 * tokens); the question's from its word count (common words are one token each).
 *
 * @param name          case name
 * @param task          the task the student is created for (an extractive QA task)
 * @param factories     the student factory for a thread count
 * @param modelDim      d of the trainable layers
 * @param heads         attention heads
 * @param batchSize     samples per step and per inference chunk
 * @param learningRate  Adam's step size
 * @param maxAnswer     longest predicted span, in tokens
 * @param features      per-token input width of the network (state, segment, match features)
 */
record SpanQaSpeedCase(String name, Task task, IntFunction<StudentFactory> factories, int modelDim, int heads,
                       int batchSize, double learningRate, int maxAnswer, int features) implements SpeedCase {

    // SQuAD-like shapes: a 140-word context (about a SQuAD paragraph), an 11-word question, a 3-word answer
    static final int CONTEXT_WORDS = 140;
    static final int QUESTION_WORDS = 11;
    static final int ANSWER_WORDS = 3;

    @Override
    public StudentFactory factory(int threads) {
        return factories.apply(threads);
    }

    @Override
    public List<Sample> trainData(int steps, long seed) {
        return SyntheticSequences.qa(steps * batchSize, seed, CONTEXT_WORDS, QUESTION_WORDS, ANSWER_WORDS);
    }

    /** The first training samples (cycled): their token states are cached, so decoding times the network. */
    @Override
    public List<Sample> decodeData(int count, long seed, List<Sample> train) {
        List<Sample> out = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(train.get(i % train.size()));
        }
        return out;
    }

    @Override
    public Map<String, Object> torchSpec(Student trained, List<Sample> train, List<Sample> decode, List<String> decoded) {
        Logits z = trained.logits(train.subList(0, 1)).get(0);
        int contextTokens = z.width();
        int questionTokens = QUESTION_WORDS;
        Map<String, Object> qa = new LinkedHashMap<>();
        qa.put("state_dim", 384);
        qa.put("features", features);
        qa.put("d", modelDim);
        qa.put("heads", heads);
        qa.put("ffn", 2 * modelDim);
        // [CLS] question [SEP] context [SEP]
        qa.put("seq_len", questionTokens + contextTokens + 3);
        qa.put("context_start", questionTokens + 2);
        qa.put("lr", learningRate);
        qa.put("betas", List.of(0.9, 0.999)); // ND4J's Adam defaults
        qa.put("eps", 1e-8);
        qa.put("clip", 0);
        qa.put("warmup", 0);
        Map<String, Object> dec = new LinkedHashMap<>();
        dec.put("batch", batchSize);
        dec.put("max_answer", maxAnswer);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("model", "qa");
        spec.put("qa", qa);
        spec.put("decode", dec);
        return spec;
    }
}
