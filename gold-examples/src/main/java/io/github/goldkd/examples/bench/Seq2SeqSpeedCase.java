package io.github.goldkd.examples.bench;

import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.Task;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An encoder-decoder student (math word problems or free text) on {@link SyntheticSequences} of fixed shapes,
 * mirrored by the harness's {@code s2s} model. Sizes the student does not publish are read off it: the output
 * vocabulary V and the padded target length from its teacher-forced {@link Student#logits} (width V, or V + S when
 * it copies), the greedy step count of each decoded sequence from its prediction (output tokens + the end
 * token, at most {@code maxTargetTokens}). The source vocabulary is counted as the student builds it (words
 * seen {@code minTokenCount} times in the first training data, plus {@code sourceSpecials}): exact up to a few
 * special tokens, which do not change the timing.
 *
 * @param name           case name
 * @param task           the task the student is created for
 * @param factories      the student factory for a thread count
 * @param net            the network's sizes, as the student's configuration has them
 * @param math           math problems (no copy; the source's numbers become slots) or free text (copy)
 * @param sourceSpecials special source tokens the student adds to the counted words
 */
record Seq2SeqSpeedCase(String name, Task task, IntFunction<StudentFactory> factories, Net net, boolean math,
                        int sourceSpecials) implements SpeedCase {

    /** The network sizes of a Seq2SeqConfig (see its javadoc for the layers). */
    record Net(int dModel, int heads, int ffnSize, int encoderLayers, int decoderLayers, int maxSourceTokens,
               int maxTargetTokens, int batchSize, double learningRate, int warmupSteps, double clipNorm,
               int minTokenCount) {
    }

    // math: 19 words + 3 numbers in the body, 9 in the question (31 source tokens, SVAMP's mean), prefix target
    // of 5 tokens + end; text: 107 words + 8 numbers (NL4OPT's mean document), 72 + 8 target tokens + end
    static final int MATH_VOCABULARY = 1500;
    static final int MATH_BODY_WORDS = 19;
    static final int MATH_QUESTION_WORDS = 9;
    static final int MATH_NUMBERS = 3;
    static final int TEXT_VOCABULARY = 2000;
    static final int TEXT_SOURCE_WORDS = 107;
    static final int TEXT_NUMBERS = 8;
    static final int TEXT_TARGET_VOCABULARY = 60;
    static final int TEXT_TARGET_WORDS = 72;

    private static final Pattern MATH_TOKEN = Pattern.compile("\\d+(?:\\.\\d+)?|[-+*/]");
    /** The text codec's tokens: newline, numbers, words, single punctuation marks. */
    private static final Pattern TEXT_TOKEN =
            Pattern.compile("\\n|\\d+(?:[.,/]\\d+)*|\\.\\d+|[\\p{L}\\p{M}]+(?:'[\\p{L}]+)?|[^\\s\\p{L}\\d]");

    @Override
    public StudentFactory factory(int threads) {
        return factories.apply(threads);
    }

    @Override
    public int batchSize() {
        return net.batchSize();
    }

    /** Source tokens of every synthetic sample (cut as the student cuts them). */
    int sourceTokens() {
        int s = math ? MATH_BODY_WORDS + MATH_NUMBERS + MATH_QUESTION_WORDS : TEXT_SOURCE_WORDS + TEXT_NUMBERS;
        return Math.min(s, net.maxSourceTokens());
    }

    @Override
    public List<Sample> trainData(int steps, long seed) {
        return data(steps * net.batchSize(), seed);
    }

    /** Free text decodes up to 81 steps per sequence: a quarter as many sequences as math, at least 2. */
    @Override
    public List<Sample> decodeData(int count, long seed, List<Sample> train) {
        return data(math ? count : Math.max(2, count / 4), seed);
    }

    private List<Sample> data(int count, long seed) {
        return math
                ? SyntheticSequences.math(count, seed, MATH_VOCABULARY, MATH_BODY_WORDS, MATH_QUESTION_WORDS, MATH_NUMBERS)
                : SyntheticSequences.text(count, seed, TEXT_VOCABULARY, TEXT_SOURCE_WORDS, TEXT_NUMBERS,
                TEXT_TARGET_VOCABULARY, TEXT_TARGET_WORDS);
    }

    @Override
    public Map<String, Object> torchSpec(Student trained, List<Sample> train, List<Sample> decode, List<String> decoded) {
        int s = sourceTokens();
        Logits z = trained.logits(train.subList(0, 1)).get(0);
        int outVocab = math ? z.width() : z.width() - s;
        if (outVocab < 1) {
            throw new IllegalStateException("case " + name + ": logits width " + z.width() + " is not V"
                    + (math ? "" : " + S with S = " + s) + ": the synthetic source length does not match the student's");
        }
        List<String> sources = new ArrayList<>();
        for (Sample x : train) {
            sources.add(String.join(" ", x.inputs().values()));
        }
        int srcVocab = SyntheticSequences.frequentWords(sources, net.minTokenCount()) + sourceSpecials;
        List<Integer> steps = new ArrayList<>();
        for (String text : decoded) {
            steps.add(decodeSteps(text));
        }
        Map<String, Object> s2s = new LinkedHashMap<>();
        s2s.put("d", net.dModel());
        s2s.put("heads", net.heads());
        s2s.put("ffn", net.ffnSize());
        s2s.put("enc_layers", net.encoderLayers());
        s2s.put("dec_layers", net.decoderLayers());
        s2s.put("src_vocab", srcVocab);
        s2s.put("out_vocab", outVocab);
        s2s.put("copy", !math);
        s2s.put("src_len", s);
        s2s.put("tgt_len", z.positions());
        s2s.put("lr", net.learningRate());
        s2s.put("warmup", net.warmupSteps());
        s2s.put("clip", net.clipNorm());
        s2s.put("onehot", false);
        Map<String, Object> dec = new LinkedHashMap<>();
        dec.put("encode_batch", 64);
        dec.put("steps", steps);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("model", "s2s");
        spec.put("s2s", s2s);
        spec.put("decode", dec);
        return spec;
    }

    /** Greedy steps that wrote {@code text}: its output tokens plus the end token, at most maxTargetTokens. */
    int decodeSteps(String text) {
        Matcher m = (math ? MATH_TOKEN : TEXT_TOKEN).matcher(text);
        int tokens = 0;
        while (m.find()) {
            tokens++;
        }
        return Math.min(tokens + 1, net.maxTargetTokens());
    }
}
