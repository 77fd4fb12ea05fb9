package io.github.goldkd.student;

/**
 * Hyper-parameters of the {@link BagOfEmbeddingsStudent}. Build with {@link #builder()}; every setting has a
 * default.
 *
 * @param embeddingDim       size of token and bigram embeddings, >= 1 (default 64)
 * @param hiddenSize         size of the optional ReLU hidden layer, 0 for none (default 0, as fastText)
 * @param maxLength          tokens read per text, the rest is cut, >= 1 (default 256)
 * @param bigramBuckets      hashing buckets for word bigrams, 0 to use tokens only (default 50,000)
 * @param minCount           occurrences a token needs to enter the vocabulary, >= 1 (default 1)
 * @param lowercase          whether text is lower-cased (default true)
 * @param learningRate       SGD step on the mean gradient of a mini-batch, decayed linearly to 0 over each
 *                           fit call as fastText does, > 0 (default 0.8: fastText's default rate of 0.1 per
 *                           sample times the default batch of 8)
 * @param batchSize          samples per mini-batch, >= 1 (default 8)
 * @param validationFraction share of each fit's data held out for early stopping, in [0, 0.5] (default 0.1)
 * @param patience           epochs without validation gain before stopping, 0 to never stop early (default 3)
 */
public record BagOfEmbeddingsConfig(int embeddingDim, int hiddenSize, int maxLength, int bigramBuckets, int minCount,
                                    boolean lowercase, double learningRate, int batchSize, double validationFraction,
                                    int patience) implements TrainingSchedule {

    public BagOfEmbeddingsConfig {
        Checks.atLeast("embeddingDim", embeddingDim, 1);
        Checks.atLeast("hiddenSize", hiddenSize, 0);
        Checks.atLeast("maxLength", maxLength, 1);
        Checks.atLeast("bigramBuckets", bigramBuckets, 0);
        Checks.atLeast("minCount", minCount, 1);
        Checks.positive("learningRate", learningRate);
        Checks.atLeast("batchSize", batchSize, 1);
        Checks.fraction("validationFraction", validationFraction);
        Checks.atLeast("patience", patience, 0);
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
                .bigramBuckets(bigramBuckets).minCount(minCount).lowercase(lowercase).learningRate(learningRate)
                .batchSize(batchSize).validationFraction(validationFraction).patience(patience);
    }

    /** Builder of {@link BagOfEmbeddingsConfig}; validation happens in {@link #build()}. */
    public static final class Builder {
        private int embeddingDim = 64;
        private int hiddenSize = 0;
        private int maxLength = 256;
        private int bigramBuckets = 50_000;
        private int minCount = 1;
        private boolean lowercase = true;
        private double learningRate = 0.8;
        private int batchSize = 8;
        private double validationFraction = 0.1;
        private int patience = 3;

        private Builder() {
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

        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder validationFraction(double v) {
            validationFraction = v;
            return this;
        }

        public Builder patience(int v) {
            patience = v;
            return this;
        }

        public BagOfEmbeddingsConfig build() {
            return new BagOfEmbeddingsConfig(embeddingDim, hiddenSize, maxLength, bigramBuckets, minCount, lowercase,
                    learningRate, batchSize, validationFraction, patience);
        }
    }
}
