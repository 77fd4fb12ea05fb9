package io.github.goldkd.student.seq;

import io.github.goldkd.core.TaskKind;

/**
 * Hyper-parameters of the {@link Seq2SeqStudent}. Build with {@link #builder(TaskKind)}; every setting has a
 * default for the task kind.
 *
 * <h2>The network, exactly (a PyTorch mirror must match it layer by layer)</h2>
 * Shapes: B batch, S source tokens (padded to the batch's longest, at most {@code maxSourceTokens}), T target
 * positions (padded likewise, at most {@code maxTargetTokens}), d = {@code dModel}, H = {@code heads},
 * dh = d / H, F = {@code ffnSize}, Vs source vocabulary, V output vocabulary, Vd = V + 1 (BOS) + Vs when the
 * codec copies, V + 1 otherwise.
 * <ol>
 *   <li>Source embedding: the rows Es[src id] [B,S,d] of Es [Vs,d], times sqrt(d), plus the sinusoidal
 *       table P[pos, 2i] = sin(pos / 10000^(2i/d)), P[pos, 2i+1] = cos(pos / 10000^(2i/d)). The rows are
 *       looked up on the host and their gradients summed into Es there ({@code sd.gather} cannot be trained in
 *       M2.1); graphs saved before that take one-hot(src ids) x Es in the graph, the same function.</li>
 *   <li>{@code encoderLayers} pre-norm encoder layers: x += MHA(LN(x), LN(x)) with the source padding bias;
 *       x += W2 relu(W1 LN(x) + b1) + b2 (W1 [d,F], W2 [F,d]). Final LN: the memory M [B,S,d].</li>
 *   <li>MHA(q, kv): per head h, Qh = q Wq_h, Kh = kv Wk_h, Vh = kv Wv_h (each [d,dh], no bias),
 *       softmax(Qh Kh^T / sqrt(dh) + bias) Vh; heads concatenated in order, then x Wo + bo (Wo [d,d]).
 *       Source padding bias: -1e9 on padded source columns ([B,1,S]); the decoder's self-attention adds a
 *       causal bias, -1e9 above the diagonal ([T,T]).</li>
 *   <li>Decoder input: BOS then the target shifted right; a token copied from source position j enters as
 *       id V + 1 + (source id at j). The rows of Ed [Vd,d] (looked up as the source's), times sqrt(d), plus
 *       the same sinusoids, plus, when the codec copies, C M [B,T,d] with C [B,T,S] one-hot at the copied
 *       source position (zero rows for generated tokens and BOS): an unknown copied name enters as its own
 *       encoder output, not only as {@code <unk>} (graphs saved before this term load and run without it).</li>
 *   <li>{@code decoderLayers} pre-norm decoder layers: x += MHA(LN(x), LN(x)) with the causal bias;
 *       x += MHA(LN(x), M) with the source padding bias; x += FFN(LN(x)). Final LN: h [B,T,d].</li>
 *   <li>Output: vocabulary logits h Wout + bout [B,T,V]; when the codec copies, copy scores
 *       (h Wc) M^T / sqrt(d) + source padding bias [B,T,S] (Wc [d,d]), concatenated after them: one softmax
 *       over [V ; S] (CopyNet style, so the logsumexp, hence the energy, stays meaningful).</li>
 * </ol>
 * <b>{@link Encoder#FROZEN_BGE}</b> (math only) replaces step 1 and reads the problem text itself: its frozen
 * bge-small-en-v1.5 token states X [B,S,384] ({@code [CLS] body question [SEP]}, bge's own word pieces, S counted
 * in them; computed once per problem and cached as float16, never back-propagated) become
 * X Wp + bp + one-hot(slot tag) Es [B,S,d] (Wp [384,d]; Es [{@code MathCodec.MAX_SLOTS} + 2, d], times sqrt(d)):
 * the slot tag tells the decoder which word pieces belong to number N0, N1, ... (tag 1 + k; 0 for other pieces,
 * {@code MAX_SLOTS} + 1 for numbers beyond the slots), since bge reads the numbers, not the slot names. No
 * sinusoids (bge's states carry their positions). Then {@code encoderLayers} trainable layers (0 allowed) and the
 * final LN as in step 2; the decoder is the same.
 * Weights: Xavier-uniform from the student's seed (embeddings N(0, 1/d)), biases 0, LayerNorm gain 1.
 * Training: Adam (beta 0.9/0.98, eps 1e-9) at {@code learningRate} with linear warm-up over
 * {@code warmupSteps} steps, gradients clipped to global L2 norm {@code clipNorm}; no dropout.
 *
 * @param dModel             model width d, >= 8 and divisible by {@code heads} (default 128)
 * @param heads              attention heads, >= 1 (default 4)
 * @param ffnSize            feed-forward inner size, >= 1 (default 256)
 * @param encoderLayers      encoder layers, >= 1 from scratch, >= 0 on frozen bge states (default 2)
 * @param decoderLayers      decoder layers, >= 1 (default 2)
 * @param maxSourceTokens    source tokens kept (the rest is cut), >= 4 (default 128 for math, 256 for text)
 * @param maxTargetTokens    target tokens kept and the decoding limit, >= 2 (default 32 for math, 192 for text)
 * @param batchSize          samples per mini-batch, >= 1 (default 32 for math, 16 for text)
 * @param learningRate       Adam learning rate after warm-up, > 0 (default 0.001)
 * @param warmupSteps        linear warm-up steps (counted over the student's life, so a continued fit does not
 *                           warm up again), >= 0 (default 200)
 * @param clipNorm           global gradient-norm clip, > 0 (default 1.0)
 * @param minTokenCount      occurrences in the first training data for a source token (and a text target
 *                           token) to enter a vocabulary, >= 1 (default 2)
 * @param maxVocabulary      largest source vocabulary, >= 16 (default 8000)
 * @param beamWidth          beam width of {@link Seq2SeqStudent#predict}, 1 = greedy, in [1, 64] (default 8 for math,
 *                           where {@code plausibleAnswers} needs a beam to choose from: on SVAMP 8 was above 4 on
 *                           both students measured both ways, +0.3 and +0.6 points, for 5-8 s more per 692
 *                           problems; 1 for text)
 * @param lengthPenalty      length normalisation exponent alpha of {@link BeamSearch} (GNMT: log-probability /
 *                           ((5 + n) / 6)^alpha, n tokens with the end), in [0, 2] (default 1.0)
 * @param threads            ND4J (OpenMP) threads set when the student is created, 0 = leave as configured,
 *                           in [0, 64] (default 0; the command line runs with one); also onnxruntime's intra-op
 *                           threads for {@link Encoder#FROZEN_BGE} (at least one)
 * @param encoder            where the encoder's input comes from: {@link Encoder#FROM_SCRATCH} (default) or
 *                           {@link Encoder#FROZEN_BGE} (math word problems only; needs the optional bge dependency)
 * @param plausibleAnswers   math word problems only (a text student refuses it when created): the prediction is,
 *                           among the beam's finished hypotheses in their score order, the first whose expression
 *                           evaluates to a finite value >= 0 that is, when every number of the problem is an
 *                           integer, integral (both within 1e-9, absolute up to 1 and relative beyond); if none
 *                           is, the best hypothesis as without it. A prior learnt from the shipped SVAMP pool
 *                           (MAWPS + ASDiv-A, 3,138 problems): 1 answer is negative, and of the 2,923 problems
 *                           whose numbers are all integers 49 (1.7 %) have a non-integral answer; a student that
 *                           picks the right operator with its operands swapped ({@code ( 28 - 30 )} for
 *                           {@code ( 30 - 28 )}) writes a negative answer, which this passes over for the beam's
 *                           next plausible hypothesis. Changes nothing with beam width 1 (one hypothesis).
 *                           Default true for math (on SVAMP at beam 8: +5.6 to +9.7 points of execution accuracy over
 *                           seven trained students, to 0.231-0.263; BENCHMARKS.md), false for text
 * @param distractorRate     math word problems only (a text student refuses a rate > 0 when created): the chance,
 *                           per training sample and epoch, that the sample is trained with one sentence of another
 *                           training problem's body inserted into its body (a sentence holding a number, at a
 *                           sentence boundary before the question; the target unchanged), so the student meets
 *                           numbers the answer does not use ({@link DistractorAugmentation}); in [0, 1]. Default
 *                           0.5 for math (on SVAMP from scratch, seeds 1-3, 12 epochs, beam 8 + plausible answers:
 *                           0.2876 / 0.2803 / 0.2659 against 0.2457 / 0.2413 / 0.2500 at 0, the one rate measured;
 *                           BENCHMARKS.md), 0 for text (every sample as written)
 */
public record Seq2SeqConfig(int dModel, int heads, int ffnSize, int encoderLayers, int decoderLayers,
                            int maxSourceTokens, int maxTargetTokens, int batchSize, double learningRate,
                            int warmupSteps, double clipNorm, int minTokenCount, int maxVocabulary,
                            int beamWidth, double lengthPenalty, int threads, Encoder encoder,
                            boolean plausibleAnswers, double distractorRate) {

    /** Where the encoder's input comes from. */
    public enum Encoder {
        /** Source words embedded by a trainable table learnt from the training data alone. */
        FROM_SCRATCH,
        /** Frozen bge-small token states of the problem text, projected to d by trainable layers. */
        FROZEN_BGE
    }

    public Seq2SeqConfig {
        if (encoder == null) {
            throw new IllegalArgumentException("encoder must be FROM_SCRATCH or FROZEN_BGE, was null");
        }
        atLeast("dModel", dModel, 8);
        atLeast("heads", heads, 1);
        if (dModel % heads != 0) {
            throw new IllegalArgumentException("dModel must be divisible by heads, was dModel " + dModel
                    + " and heads " + heads);
        }
        atLeast("ffnSize", ffnSize, 1);
        if (encoderLayers < (encoder == Encoder.FROZEN_BGE ? 0 : 1)) {
            throw new IllegalArgumentException("encoderLayers must be >= 1 (>= 0 with encoder FROZEN_BGE), was "
                    + encoderLayers + " with encoder " + encoder);
        }
        atLeast("decoderLayers", decoderLayers, 1);
        atLeast("maxSourceTokens", maxSourceTokens, 4);
        atLeast("maxTargetTokens", maxTargetTokens, 2);
        atLeast("batchSize", batchSize, 1);
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be a finite number > 0, was " + learningRate);
        }
        atLeast("warmupSteps", warmupSteps, 0);
        if (!(clipNorm > 0) || !Double.isFinite(clipNorm)) {
            throw new IllegalArgumentException("clipNorm must be a finite number > 0, was " + clipNorm);
        }
        atLeast("minTokenCount", minTokenCount, 1);
        atLeast("maxVocabulary", maxVocabulary, 16);
        if (beamWidth < 1 || beamWidth > 64) {
            throw new IllegalArgumentException("beamWidth must be in [1, 64], was " + beamWidth);
        }
        if (!(lengthPenalty >= 0 && lengthPenalty <= 2)) {
            throw new IllegalArgumentException("lengthPenalty must be in [0, 2], was " + lengthPenalty);
        }
        if (threads < 0 || threads > 64) {
            throw new IllegalArgumentException("threads must be in [0, 64], was " + threads);
        }
        if (!(distractorRate >= 0 && distractorRate <= 1)) {
            throw new IllegalArgumentException("distractorRate must be in [0, 1], was " + distractorRate);
        }
    }

    private static void atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
        }
    }

    /** The defaults for a task kind (math word problems or text generation). */
    public static Seq2SeqConfig defaults(TaskKind kind) {
        return builder(kind).build();
    }

    /** A builder holding the defaults for {@code kind}. */
    public static Builder builder(TaskKind kind) {
        Builder b = new Builder();
        if (kind == TaskKind.TEXT_GENERATION) {
            b.maxSourceTokens = 256;
            b.maxTargetTokens = 192;
            b.batchSize = 16;
        } else if (kind == TaskKind.MATH_WORD_PROBLEM) {
            b.beamWidth = 8;
            b.plausibleAnswers = true;
            b.distractorRate = 0.5;
        } else {
            throw new IllegalArgumentException("task kind must be MATH_WORD_PROBLEM or TEXT_GENERATION, was " + kind);
        }
        return b;
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.dModel = dModel;
        b.heads = heads;
        b.ffnSize = ffnSize;
        b.encoderLayers = encoderLayers;
        b.decoderLayers = decoderLayers;
        b.maxSourceTokens = maxSourceTokens;
        b.maxTargetTokens = maxTargetTokens;
        b.batchSize = batchSize;
        b.learningRate = learningRate;
        b.warmupSteps = warmupSteps;
        b.clipNorm = clipNorm;
        b.minTokenCount = minTokenCount;
        b.maxVocabulary = maxVocabulary;
        b.beamWidth = beamWidth;
        b.lengthPenalty = lengthPenalty;
        b.threads = threads;
        b.encoder = encoder;
        b.plausibleAnswers = plausibleAnswers;
        b.distractorRate = distractorRate;
        return b;
    }

    /** Builder of {@link Seq2SeqConfig}; validation happens in {@link #build()}. */
    public static final class Builder {
        private int dModel = 128;
        private int heads = 4;
        private int ffnSize = 256;
        private int encoderLayers = 2;
        private int decoderLayers = 2;
        private int maxSourceTokens = 128;
        private int maxTargetTokens = 32;
        private int batchSize = 32;
        private double learningRate = 0.001;
        private int warmupSteps = 200;
        private double clipNorm = 1.0;
        private int minTokenCount = 2;
        private int maxVocabulary = 8000;
        private int beamWidth = 1;
        private double lengthPenalty = 1.0;
        private int threads = 0;
        private Encoder encoder = Encoder.FROM_SCRATCH;
        private boolean plausibleAnswers = false;
        private double distractorRate = 0;

        private Builder() {
        }

        public Builder dModel(int v) {
            dModel = v;
            return this;
        }

        public Builder heads(int v) {
            heads = v;
            return this;
        }

        public Builder ffnSize(int v) {
            ffnSize = v;
            return this;
        }

        public Builder encoderLayers(int v) {
            encoderLayers = v;
            return this;
        }

        public Builder decoderLayers(int v) {
            decoderLayers = v;
            return this;
        }

        public Builder maxSourceTokens(int v) {
            maxSourceTokens = v;
            return this;
        }

        public Builder maxTargetTokens(int v) {
            maxTargetTokens = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        public Builder warmupSteps(int v) {
            warmupSteps = v;
            return this;
        }

        public Builder clipNorm(double v) {
            clipNorm = v;
            return this;
        }

        public Builder minTokenCount(int v) {
            minTokenCount = v;
            return this;
        }

        public Builder maxVocabulary(int v) {
            maxVocabulary = v;
            return this;
        }

        public Builder beamWidth(int v) {
            beamWidth = v;
            return this;
        }

        public Builder lengthPenalty(double v) {
            lengthPenalty = v;
            return this;
        }

        public Builder threads(int v) {
            threads = v;
            return this;
        }

        public Builder encoder(Encoder v) {
            encoder = v;
            return this;
        }

        public Builder plausibleAnswers(boolean v) {
            plausibleAnswers = v;
            return this;
        }

        public Builder distractorRate(double v) {
            distractorRate = v;
            return this;
        }

        public Seq2SeqConfig build() {
            return new Seq2SeqConfig(dModel, heads, ffnSize, encoderLayers, decoderLayers, maxSourceTokens,
                    maxTargetTokens, batchSize, learningRate, warmupSteps, clipNorm, minTokenCount, maxVocabulary,
                    beamWidth, lengthPenalty, threads, encoder, plausibleAnswers, distractorRate);
        }
    }
}
