package io.github.goldkd.student;

/**
 * Hyper-parameters of the {@link BagOfEmbeddingsStudent}. Build with {@link #builder()}; every setting has a
 * default.
 *
 * @param embeddingDim  size of token and bigram embeddings, >= 1 (default 64)
 * @param hiddenSize    size of the optional ReLU hidden layer, 0 for none (default 0, as fastText)
 * @param maxLength     tokens read per text, the rest is cut, >= 1 (default 256)
 * @param bigramBuckets hashing buckets for word bigrams, 0 to use tokens only (default 50,000)
 * @param minCount      occurrences a token needs to enter the vocabulary, >= 1 (default 1)
 * @param lowercase     whether text is lower-cased (default true)
 * @param training      the training loop's settings (defaults: learning rate 0.8, SGD on the mean gradient of a
 *                      mini-batch, decayed linearly to 0 over each fit call as fastText does: fastText's default
 *                      rate of 0.1 per sample times the default batch of 8; batch 8; validation share 0.1;
 *                      patience 3)
 */
public record BagOfEmbeddingsConfig(int embeddingDim, int hiddenSize, int maxLength, int bigramBuckets, int minCount,
                                    boolean lowercase, TrainingSettings training) implements StudentConfig {

    static final TrainingSettings DEFAULT_TRAINING = new TrainingSettings(0.8, 8, 0.1, 3);

    public BagOfEmbeddingsConfig {
        Checks.atLeast("embeddingDim", embeddingDim, 1);
        Checks.atLeast("hiddenSize", hiddenSize, 0);
        Checks.atLeast("maxLength", maxLength, 1);
        Checks.atLeast("bigramBuckets", bigramBuckets, 0);
        Checks.atLeast("minCount", minCount, 1);
        Checks.notNull("training", training);
    }

    /** All defaults. */
    public static BagOfEmbeddingsConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder().embeddingDim(embeddingDim).hiddenSize(hiddenSize).maxLength(maxLength)
                .bigramBuckets(bigramBuckets).minCount(minCount).lowercase(lowercase).training(training);
    }

    /** Builder of {@link BagOfEmbeddingsConfig}; validation happens in {@link #build()}. */
    public static final class Builder extends TrainingSettings.ConfigBuilder<Builder> {
        private int embeddingDim = 64;
        private int hiddenSize = 0;
        private int maxLength = 256;
        private int bigramBuckets = 50_000;
        private int minCount = 1;
        private boolean lowercase = true;

        private Builder() {
            super(DEFAULT_TRAINING);
        }

        public Builder embeddingDim(int v) {
            embeddingDim = v;
            return this;
        }

        public Builder hiddenSize(int v) {
            hiddenSize = v;
            return this;
        }

        public Builder maxLength(int v) {
            maxLength = v;
            return this;
        }

        public Builder bigramBuckets(int v) {
            bigramBuckets = v;
            return this;
        }

        public Builder minCount(int v) {
            minCount = v;
            return this;
        }

        public Builder lowercase(boolean v) {
            lowercase = v;
            return this;
        }

        public BagOfEmbeddingsConfig build() {
            return new BagOfEmbeddingsConfig(embeddingDim, hiddenSize, maxLength, bigramBuckets, minCount, lowercase,
                    training());
        }
    }
}
