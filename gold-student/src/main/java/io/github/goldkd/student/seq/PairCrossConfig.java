package io.github.goldkd.student.seq;

/**
 * Settings of {@link PairCrossStudent}. The architecture, exactly:
 *
 * <pre>
 * input  per sample: the bge-small encoding of [CLS] first [SEP] second [SEP] (the task's pair fields, e.g.
 *        question and sentence; BgeTokenStates: frozen last_hidden_state, float16-rounded, the first field cut to
 *        128 tokens, a long second field read in overlapping 512-token windows), T tokens
 * x      [B, F = 390, T], per token: the 384-d frozen state; segment (1 on the second field's tokens); exact match
 *        (1 on a token of either field whose id occurs among the other field's token ids); content exact match
 *        (the same, leaving out function words and punctuation); the share of content matches among the 2w + 1
 *        tokens of its own field around it, for w = 3, 8, 16. The exact-match features are 0 without exactMatch.
 * h      = the span QA student's block (AttentionBlock; shapes in SpanQaConfig): pointwise projection to d, one
 *          multi-head self-attention layer over both fields with a residual, a pointwise FFN with a residual
 *                                                                                            [B, d, T]
 * pooled = [h at [CLS], the mean of h over the second field's tokens, the max of h over them]   [B, 3d]
 * z      = [pooled, the 8 LexicalOverlap features of (first, second) when overlap] W_c + b_c  [B, classes]
 * loss   = options.loss() on z, the mean over the kept samples of the batch
 * </pre>
 * Weights: Xavier-uniform from a {@code java.util.SplittableRandom} seeded with the training options' seed,
 * biases zero. Optimiser: Adam({@code learningRate}, 0.9, 0.999, 1e-8) with decoupled weight decay
 * {@code weightDecay} (scaled by the learning rate), no dropout, no schedule.
 *
 * @param modelDim       d, the width of the trainable layers (divisible by {@code heads})
 * @param heads          attention heads
 * @param learningRate   Adam's step size
 * @param weightDecay    decoupled weight decay per step, times the learning rate (0 = none)
 * @param batchSize      samples per training step (and per inference chunk)
 * @param exactMatch     whether the exact-match features are on (off: 0 everywhere)
 * @param overlap        whether the 8 LexicalOverlap features enter the classifier beside the pooled vector
 * @param threads        onnxruntime intra-op threads of the bge encoder; ND4J's follow OMP_NUM_THREADS
 * @param cacheMegabytes bound of the float16 token-state cache shared by the students of one factory
 */
public record PairCrossConfig(int modelDim, int heads, double learningRate, double weightDecay, int batchSize,
                              boolean exactMatch, boolean overlap, int threads, int cacheMegabytes) {

    public PairCrossConfig {
        if (modelDim < 4 || modelDim > 4096) {
            throw new IllegalArgumentException("modelDim must be in [4, 4096], was " + modelDim);
        }
        if (heads < 1 || modelDim % heads != 0) {
            throw new IllegalArgumentException("heads must be >= 1 and divide modelDim " + modelDim + ", was " + heads);
        }
        if (!(learningRate > 0 && learningRate < 1)) {
            throw new IllegalArgumentException("learningRate must be in (0, 1), was " + learningRate);
        }
        if (!(weightDecay >= 0 && weightDecay < 1)) {
            throw new IllegalArgumentException("weightDecay must be in [0, 1), was " + weightDecay);
        }
        if (batchSize < 1 || batchSize > 4096) {
            throw new IllegalArgumentException("batchSize must be in [1, 4096], was " + batchSize);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
        if (cacheMegabytes < 0) {
            throw new IllegalArgumentException("cacheMegabytes must be >= 0, was " + cacheMegabytes);
        }
    }

    /** d 64, 4 heads, Adam 1e-3, no weight decay, batch 16, exact match and overlap on, 1 thread, 256 MB. */
    public static PairCrossConfig defaults() {
        return new PairCrossConfig(64, 4, 1e-3, 0, 16, true, true, 1, 256);
    }

    public PairCrossConfig withModelDim(int d, int h) {
        return new PairCrossConfig(d, h, learningRate, weightDecay, batchSize, exactMatch, overlap, threads,
                cacheMegabytes);
    }

    public PairCrossConfig withLearningRate(double lr) {
        return new PairCrossConfig(modelDim, heads, lr, weightDecay, batchSize, exactMatch, overlap, threads,
                cacheMegabytes);
    }

    public PairCrossConfig withWeightDecay(double wd) {
        return new PairCrossConfig(modelDim, heads, learningRate, wd, batchSize, exactMatch, overlap, threads,
                cacheMegabytes);
    }

    public PairCrossConfig withBatchSize(int b) {
        return new PairCrossConfig(modelDim, heads, learningRate, weightDecay, b, exactMatch, overlap, threads,
                cacheMegabytes);
    }

    public PairCrossConfig withExactMatch(boolean on) {
        return new PairCrossConfig(modelDim, heads, learningRate, weightDecay, batchSize, on, overlap, threads,
                cacheMegabytes);
    }

    public PairCrossConfig withOverlap(boolean on) {
        return new PairCrossConfig(modelDim, heads, learningRate, weightDecay, batchSize, exactMatch, on, threads,
                cacheMegabytes);
    }

    public PairCrossConfig withThreads(int n) {
        return new PairCrossConfig(modelDim, heads, learningRate, weightDecay, batchSize, exactMatch, overlap, n,
                cacheMegabytes);
    }
}
