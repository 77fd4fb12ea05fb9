package io.github.goldkd.student;

/**
 * Hyper-parameters of the {@link EncoderStudent}'s DL4J head. Build with {@link #builder()}; every setting has
 * a default.
 *
 * @param hiddenSize         size of the ReLU hidden layer, 0 for a linear head (default 0: on the sentiment
 *                           benchmark, trained on two domains and tested on a third, hidden layers fitted the
 *                           training domains and lost about half a point; see BENCHMARKS.md)
 * @param dropout            dropout rate on the head's input and hidden layer, in [0, 1) (default 0)
 * @param learningRate       Adam learning rate, > 0 (default 0.001)
 * @param l2                 L2 weight decay, >= 0 (default 1e-4)
 * @param batchSize          samples per mini-batch, >= 1 (default 32)
 * @param validationFraction share of each fit's data held out for early stopping, in [0, 0.5] (default 0.1)
 * @param patience           epochs without validation gain before stopping, 0 to never stop early (default 3)
 * @param pairOverlap        sentence-pair tasks only: whether the head also reads the {@link LexicalOverlap}
 *                           features of the pair (default true; see BENCHMARKS.md, "sentence pairs")
 * @param pairVectors        sentence-pair tasks only: whether the head reads the two vectors u and v themselves
 *                           besides |u - v|, u * v and their cosine (default true, the Sentence-BERT features)
 */
public record EncoderStudentConfig(int hiddenSize, double dropout, double learningRate, double l2, int batchSize,
                                   double validationFraction, int patience, boolean pairOverlap,
                                   boolean pairVectors) implements TrainingSchedule {

    public EncoderStudentConfig {
        Checks.atLeast("hiddenSize", hiddenSize, 0);
        Checks.dropout("dropout", dropout);
        Checks.positive("learningRate", learningRate);
        Checks.nonNegative("l2", l2);
        Checks.atLeast("batchSize", batchSize, 1);
        Checks.fraction("validationFraction", validationFraction);
        Checks.atLeast("patience", patience, 0);
    }

    /** A configuration with the pair settings on, the form of the record before it had that setting. */
    public EncoderStudentConfig(int hiddenSize, double dropout, double learningRate, double l2, int batchSize,
                                double validationFraction, int patience) {
        this(hiddenSize, dropout, learningRate, l2, batchSize, validationFraction, patience, true, true);
    }

    public static EncoderStudentConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().hiddenSize(hiddenSize).dropout(dropout).learningRate(learningRate).l2(l2)
                .batchSize(batchSize).validationFraction(validationFraction).patience(patience)
                .pairOverlap(pairOverlap).pairVectors(pairVectors);
    }

    /** Builder of {@link EncoderStudentConfig}; validation happens in {@link #build()}. */
    public static final class Builder {
        private int hiddenSize = 0;
        private double dropout = 0;
        private double learningRate = 0.001;
        private double l2 = 1e-4;
        private int batchSize = 32;
        private double validationFraction = 0.1;
        private int patience = 3;
        private boolean pairOverlap = true;
        private boolean pairVectors = true;

        private Builder() {
        }

        public Builder hiddenSize(int v) {
            hiddenSize = v;
            return this;
        }

        public Builder dropout(double v) {
            dropout = v;
            return this;
        }

        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        public Builder l2(double v) {
            l2 = v;
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

        public Builder pairOverlap(boolean v) {
            pairOverlap = v;
            return this;
        }

        public Builder pairVectors(boolean v) {
            pairVectors = v;
            return this;
        }

        public EncoderStudentConfig build() {
            return new EncoderStudentConfig(hiddenSize, dropout, learningRate, l2, batchSize, validationFraction,
                    patience, pairOverlap, pairVectors);
        }
    }
}
