package io.github.goldkd.student;

/**
 * Hyper-parameters of the {@link EncoderStudent}'s DL4J head. Build with {@link #builder()}; every setting has
 * a default.
 *
 * @param hiddenSize  size of the ReLU hidden layer, 0 for a linear head (default 0: on the sentiment benchmark,
 *                    trained on two domains and tested on a third, hidden layers fitted the training domains and
 *                    lost about half a point; see BENCHMARKS.md)
 * @param dropout     dropout rate on the head's input and hidden layer, in [0, 1) (default 0)
 * @param l2          L2 weight decay, >= 0 (default 1e-4)
 * @param training    the training loop's settings (defaults: Adam learning rate 0.001, batch 32, validation share
 *                    0.1, patience 3)
 * @param pairOverlap sentence-pair tasks only: whether the head also reads the {@link LexicalOverlap} features of
 *                    the pair (default true; see BENCHMARKS.md, "sentence pairs")
 * @param pairVectors sentence-pair tasks only: whether the head reads the two vectors u and v themselves besides
 *                    |u - v|, u * v and their cosine (default true, the Sentence-BERT features)
 */
public record EncoderStudentConfig(int hiddenSize, double dropout, double l2, TrainingSettings training,
                                   boolean pairOverlap, boolean pairVectors) implements StudentConfig {

    static final TrainingSettings DEFAULT_TRAINING = new TrainingSettings(0.001, 32, 0.1, 3);

    public EncoderStudentConfig {
        Checks.atLeast("hiddenSize", hiddenSize, 0);
        Checks.dropout("dropout", dropout);
        Checks.nonNegative("l2", l2);
        Checks.notNull("training", training);
    }

    public static EncoderStudentConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().hiddenSize(hiddenSize).dropout(dropout).l2(l2).training(training)
                .pairOverlap(pairOverlap).pairVectors(pairVectors);
    }

    /** Builder of {@link EncoderStudentConfig}; validation happens in {@link #build()}. */
    public static final class Builder extends TrainingSettings.ConfigBuilder<Builder> {
        private int hiddenSize = 0;
        private double dropout = 0;
        private double l2 = 1e-4;
        private boolean pairOverlap = true;
        private boolean pairVectors = true;

        private Builder() {
            super(DEFAULT_TRAINING);
        }

        public Builder hiddenSize(int v) {
            hiddenSize = v;
            return this;
        }

        public Builder dropout(double v) {
            dropout = v;
            return this;
        }

        public Builder l2(double v) {
            l2 = v;
            return this;
        }

        public Builder pairOverlap(boolean v) {
            pairOverlap = v;
            return this;
        }

        public Builder pairVectors(boolean v) {
            pairVectors = v;
            return this;
        }

        public EncoderStudentConfig build() {
            return new EncoderStudentConfig(hiddenSize, dropout, l2, training(), pairOverlap, pairVectors);
        }
    }
}
