package io.github.goldkd.student.seq;

/**
 * Settings of {@link SpanQaStudent}. The architecture, exactly (a PyTorch mirror must match it):
 *
 * <pre>
 * input  per sample: the bge-small encoding of [CLS] question [SEP] context [SEP] (BgeTokenStates: frozen
 *        last_hidden_state, float16-rounded, long contexts merged from overlapping windows), T tokens
 * x      [B, F, T] (channels first; F = 390, or 390 + 89 = 479 with answerTypes), per token: the 384-d frozen
 *        state; segment (1 on context tokens);
 *        exact match (1 on a context token whose id occurs among the question's token ids); content exact match
 *        (the same, leaving out function words and punctuation); the share of content matches among the 2w + 1
 *        context tokens around it, for w = 3, 8, 16 (the sliding-window baseline's signal, as a feature); with
 *        answerTypes the 89 channels of AnswerTypeFeatures after them; with lexicalSkip the 4 channels of
 *        LexicalOverlap last (+ 4 to F). The exact-match features are 0 without exactMatch. Padded with zeros to
 *        the longest T of the batch;
 *        mask [B, T] = 1 on real tokens
 * proj   = relu(W_in x + b_in)                          W_in [F, d], per token, [B, d, T]
 * att    = MultiHeadAttention(q = k = v = proj, heads, head size d / heads, scaled dot product, keys masked by
 *          mask; W_q, W_k, W_v [heads, d / heads, d], W_o [d, d], no biases)          [B, d, T]
 * h      = proj + att                                                                       [B, d, T]
 * ffn    = h + W_2 relu(W_1 h + b_1) + b_2              W_1 [d, 2d], W_2 [2d, d], pointwise [B, d, T]
 * logits = W_out ffn + b_out                            W_out [d, 2], pointwise: row 0 start, row 1 end [B, 2, T]
 *          (+ W_skip lex with lexicalSkip: lex = the last 4 channels of x, W_skip [4, 2], pointwise, no bias)
 * loss   = options.loss() over the context columns of each row (a softmax over the context's tokens), the
 *          mean of the start and end terms, the mean over the kept samples of the batch
 * </pre>
 * Weights: Xavier-uniform from a {@code java.util.SplittableRandom} seeded with the training options' seed,
 * biases zero. Optimiser: Adam({@code learningRate}, 0.9, 0.999, 1e-8), decoupled weight decay {@code weightDecay},
 * no dropout, no schedule. (The graph holds x as token rows [B*T, F] and every per-token layer as a matrix product
 * on them, {@link AttentionBlock#rows}; the shapes above are the function's.)
 *
 * @param modelDim         d, the width of the trainable layers (divisible by {@code heads})
 * @param heads            attention heads
 * @param learningRate     Adam's step size
 * @param batchSize        samples per training step (and per inference chunk)
 * @param maxAnswerTokens  longest predicted span, in tokens
 * @param exactMatch       whether the exact-match feature is on (off: the feature is 0 everywhere)
 * @param threads          onnxruntime intra-op threads of the bge encoder; ND4J's follow OMP_NUM_THREADS
 * @param windowTokens     tokens per bge window, specials included (512 = the model's limit; less only in tests)
 * @param windowOverlap    tokens shared by consecutive windows of a long context ("doc stride" as an overlap)
 * @param cacheMegabytes   bound of the float16 token-state cache shared by the students of one factory
 * @param answerTypes      whether the answer-type features ({@link AnswerTypeFeatures}: word-shape flags per
 *                         context token, the question's type, their outer product) are appended to x. Student
 *                         files written before this setting existed lack it and load with it off (their graph
 *                         reads 390 channels), so they keep giving the same logits
 * @param weightDecay      decoupled weight decay per step, scaled by the learning rate (DL4J's
 *                         {@code WeightDecay(coeff, applyLR = true)}), on every trainable variable; 0 = none
 *                         (and what older files load with)
 * @param averageDecay     weight averaging: 0 = none (and what older files load with); otherwise the student
 *                         keeps, beside its trained weights, their running mean over the optimiser steps so far,
 *                         which becomes an exponential moving average with this decay per step once
 *                         {@code 1 / (1 - averageDecay)} steps have passed (decay of step t = min(averageDecay,
 *                         (t - 1) / t)); predictions and logits come from the averaged weights, training goes on
 *                         from the trained ones. Both sets (and the step count) are saved with the student
 * @param lexicalSkip      the sliding-window baseline's signal as a learned prior: the {@link LexicalOverlap}
 *                         channels (question-word overlap of the token's sentence and of a window around it,
 *                         weighted by rarity, and whether the token is a question word) are appended to x and
 *                         also added to the logits through a trainable linear skip, {@code logits += W_skip lex}
 *                         (W_skip [4, 2], pointwise, no bias, initialised to +1 on the three overlap channels and
 *                         -1 on the question-word channel for both rows, so that training starts from the lexical
 *                         prior and corrects it). Off in files written before it existed (their graph has neither)
 */
public record SpanQaConfig(int modelDim, int heads, double learningRate, int batchSize, int maxAnswerTokens,
                           boolean exactMatch, int threads, int windowTokens, int windowOverlap,
                           int cacheMegabytes, boolean answerTypes, double weightDecay, double averageDecay,
                           boolean lexicalSkip) {

    /**
     * Longest predicted span by default. Fixed on the inner fold of the SQuAD pool (train Computational complexity +
     * Southern California, validate Sky; Normans never read): val F1 0.143 / 0.183 / 0.276 / 0.204 / 0.256 at
     * epochs 1-5 against 0.130 / 0.147 / 0.258 / 0.165 / 0.249 with 30 tokens, EM higher or equal at every epoch.
     */
    static final int DEFAULT_MAX_ANSWER_TOKENS = 12;

    public SpanQaConfig {
        if (modelDim < 4 || modelDim > 4096) {
            throw new IllegalArgumentException("modelDim must be in [4, 4096], was " + modelDim);
        }
        if (heads < 1 || modelDim % heads != 0) {
            throw new IllegalArgumentException("heads must be >= 1 and divide modelDim " + modelDim + ", was " + heads);
        }
        if (!(learningRate > 0 && learningRate < 1)) {
            throw new IllegalArgumentException("learningRate must be in (0, 1), was " + learningRate);
        }
        if (batchSize < 1 || batchSize > 4096) {
            throw new IllegalArgumentException("batchSize must be in [1, 4096], was " + batchSize);
        }
        if (maxAnswerTokens < 1) {
            throw new IllegalArgumentException("maxAnswerTokens must be >= 1, was " + maxAnswerTokens);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
        if (windowTokens < 64 || windowTokens > BgeTokenStates.MAX_TOKENS) {
            throw new IllegalArgumentException("windowTokens must be in [64, " + BgeTokenStates.MAX_TOKENS
                    + "], was " + windowTokens);
        }
        int room = windowTokens - 3 - maxQuestionTokens(windowTokens);
        if (windowOverlap < 0 || windowOverlap >= room) {
            throw new IllegalArgumentException("windowOverlap must be in [0, " + room + ") for windowTokens "
                    + windowTokens + ", was " + windowOverlap);
        }
        if (cacheMegabytes < 0) {
            throw new IllegalArgumentException("cacheMegabytes must be >= 0, was " + cacheMegabytes);
        }
        if (!(weightDecay >= 0 && weightDecay < 1)) {
            throw new IllegalArgumentException("weightDecay must be in [0, 1), was " + weightDecay);
        }
        if (!(averageDecay >= 0 && averageDecay < 1)) {
            throw new IllegalArgumentException("averageDecay must be in [0, 1) (0 = no weight averaging), was "
                    + averageDecay);
        }
    }

    /**
     * d 128, 4 heads, Adam 2e-3, batch 16, answers up to 12 tokens, exact match on, 1 thread, 512/128 windows,
     * 256 MB, answer-type features on, weight decay 1e-4, no weight averaging, lexical skip on (the last four
     * fixed on folds inside the SQuAD pool, BENCHMARKS.md "Sequence students: extractive QA" and its subsections;
     * 12 tokens is about the 99th percentile of the inner pool's answers, 9 words, and beat 30 at every epoch there;
     * the lexical skip lifted the inner fold's validation F1, mean of three seeds, from 0.25-0.26 to 0.45 at its
     * best epoch).
     */
    public static SpanQaConfig defaults() {
        return new SpanQaConfig(128, 4, 2e-3, 16, DEFAULT_MAX_ANSWER_TOKENS, true, 1, BgeTokenStates.MAX_TOKENS,
                BgeTokenStates.DEFAULT_OVERLAP, 256, true, 1e-4, 0, true);
    }

    public SpanQaConfig withModelDim(int d, int h) {
        return new SpanQaConfig(d, h, learningRate, batchSize, maxAnswerTokens, exactMatch, threads, windowTokens,
                windowOverlap, cacheMegabytes, answerTypes, weightDecay, averageDecay, lexicalSkip);
    }

    public SpanQaConfig withLearningRate(double lr) {
        return new SpanQaConfig(modelDim, heads, lr, batchSize, maxAnswerTokens, exactMatch, threads, windowTokens,
                windowOverlap, cacheMegabytes, answerTypes, weightDecay, averageDecay, lexicalSkip);
    }

    public SpanQaConfig withBatchSize(int b) {
        return new SpanQaConfig(modelDim, heads, learningRate, b, maxAnswerTokens, exactMatch, threads, windowTokens,
                windowOverlap, cacheMegabytes, answerTypes, weightDecay, averageDecay, lexicalSkip);
    }

    public SpanQaConfig withExactMatch(boolean on) {
        return new SpanQaConfig(modelDim, heads, learningRate, batchSize, maxAnswerTokens, on, threads, windowTokens,
                windowOverlap, cacheMegabytes, answerTypes, weightDecay, averageDecay, lexicalSkip);
    }

    public SpanQaConfig withThreads(int n) {
        return new SpanQaConfig(modelDim, heads, learningRate, batchSize, maxAnswerTokens, exactMatch, n, windowTokens,
                windowOverlap, cacheMegabytes, answerTypes, weightDecay, averageDecay, lexicalSkip);
    }

    public SpanQaConfig withWindows(int tokens, int overlap) {
        return new SpanQaConfig(modelDim, heads, learningRate, batchSize, maxAnswerTokens, exactMatch, threads, tokens,
                overlap, cacheMegabytes, answerTypes, weightDecay, averageDecay, lexicalSkip);
    }

    public SpanQaConfig withMaxAnswerTokens(int n) {
        return new SpanQaConfig(modelDim, heads, learningRate, batchSize, n, exactMatch, threads, windowTokens,
                windowOverlap, cacheMegabytes, answerTypes, weightDecay, averageDecay, lexicalSkip);
    }

    public SpanQaConfig withAnswerTypes(boolean on) {
        return new SpanQaConfig(modelDim, heads, learningRate, batchSize, maxAnswerTokens, exactMatch, threads,
                windowTokens, windowOverlap, cacheMegabytes, on, weightDecay, averageDecay, lexicalSkip);
    }

    public SpanQaConfig withWeightDecay(double decay) {
        return new SpanQaConfig(modelDim, heads, learningRate, batchSize, maxAnswerTokens, exactMatch, threads,
                windowTokens, windowOverlap, cacheMegabytes, answerTypes, decay, averageDecay, lexicalSkip);
    }

    public SpanQaConfig withAverageDecay(double decay) {
        return new SpanQaConfig(modelDim, heads, learningRate, batchSize, maxAnswerTokens, exactMatch, threads,
                windowTokens, windowOverlap, cacheMegabytes, answerTypes, weightDecay, decay, lexicalSkip);
    }

    public SpanQaConfig withLexicalSkip(boolean on) {
        return new SpanQaConfig(modelDim, heads, learningRate, batchSize, maxAnswerTokens, exactMatch, threads,
                windowTokens, windowOverlap, cacheMegabytes, answerTypes, weightDecay, averageDecay, on);
    }

    /**
     * Channels per token of the network's input: 390, plus 89 with answer types, plus 4 with the lexical skip
     * (what a benchmark twin of the network must read to do the same work).
     */
    public int features() {
        return SpanQaStudent.BASE_FEATURES + (answerTypes ? AnswerTypeFeatures.COUNT : 0)
                + (lexicalSkip ? LexicalOverlap.COUNT : 0);
    }

    /** The question's cap for a window size: a quarter of it (128 of 512, BERT's SQuAD recipe uses 64). */
    static int maxQuestionTokens(int windowTokens) {
        return windowTokens / 4;
    }
}
