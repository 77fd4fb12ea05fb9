package io.github.goldkd.student;

import java.util.List;

/**
 * Hyper-parameters of the {@link TextCnnStudent} (Kim, 2014). Build with {@link #builder()}; every setting has
 * a default.
 *
 * @param embeddingDim token embedding size, >= 1 (default 64)
 * @param filters      feature maps per kernel width, >= 1 (default 64)
 * @param kernelWidths convolution widths in tokens, each >= 1 (default 3, 4, 5)
 * @param dropout      dropout rate before the output layer, in [0, 1) (default 0.5)
 * @param maxLength    tokens read per text, >= 1 (default 100)
 * @param minCount     occurrences a token needs to enter the vocabulary, >= 1 (default 1)
 * @param lowercase    whether text is lower-cased (default true)
 * @param l2           L2 weight decay, >= 0 (default 0)
 * @param training     the training loop's settings (defaults: Adam learning rate 0.002, batch 32, validation share
 *                     0.1, patience 3)
 */
public record TextCnnConfig(int embeddingDim, int filters, List<Integer> kernelWidths, double dropout, int maxLength,
                            int minCount, boolean lowercase, double l2, TrainingSettings training)
        implements StudentConfig {

    static final TrainingSettings DEFAULT_TRAINING = new TrainingSettings(0.002, 32, 0.1, 3);

    public TextCnnConfig {
        Checks.atLeast("embeddingDim", embeddingDim, 1);
        Checks.atLeast("filters", filters, 1);
        if (kernelWidths == null || kernelWidths.isEmpty()) {
            throw new IllegalArgumentException("kernelWidths must name at least one width, was " + kernelWidths);
        }
        kernelWidths = List.copyOf(kernelWidths);
        for (int w : kernelWidths) {
            Checks.atLeast("kernelWidths entry", w, 1);
        }
        Checks.dropout("dropout", dropout);
        Checks.atLeast("maxLength", maxLength, 1);
        Checks.atLeast("minCount", minCount, 1);
        Checks.nonNegative("l2", l2);
        Checks.notNull("training", training);
    }

    public static TextCnnConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().embeddingDim(embeddingDim).filters(filters).kernelWidths(kernelWidths).dropout(dropout)
                .maxLength(maxLength).minCount(minCount).lowercase(lowercase).l2(l2).training(training);
    }

    /** Builder of {@link TextCnnConfig}; validation happens in {@link #build()}. */
    public static final class Builder extends TrainingSettings.ConfigBuilder<Builder> {
        private int embeddingDim = 64;
        private int filters = 64;
        private List<Integer> kernelWidths = List.of(3, 4, 5);
        private double dropout = 0.5;
        private int maxLength = 100;
        private int minCount = 1;
        private boolean lowercase = true;
        private double l2 = 0;

        private Builder() {
            super(DEFAULT_TRAINING);
        }

        public Builder embeddingDim(int v) {
            embeddingDim = v;
            return this;
        }

        public Builder filters(int v) {
            filters = v;
            return this;
        }

        public Builder kernelWidths(List<Integer> v) {
            kernelWidths = v;
            return this;
        }

        public Builder dropout(double v) {
            dropout = v;
            return this;
        }

        public Builder maxLength(int v) {
            maxLength = v;
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

        public Builder l2(double v) {
            l2 = v;
            return this;
        }

        public TextCnnConfig build() {
            return new TextCnnConfig(embeddingDim, filters, kernelWidths, dropout, maxLength, minCount, lowercase, l2,
                    training());
        }
    }
}
