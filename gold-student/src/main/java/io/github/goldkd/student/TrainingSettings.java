package io.github.goldkd.student;

import com.google.gson.JsonObject;

/**
 * The settings of the training loop that every student shares ({@link AbstractStudent#fit}), held by each
 * student configuration ({@link BagOfEmbeddingsConfig#training()}, {@link TextCnnConfig#training()},
 * {@link EncoderStudentConfig#training()}); their builders set them through {@link ConfigBuilder}. The defaults
 * differ between students (the bag of embeddings trains with SGD, the others with Adam).
 *
 * @param learningRate       the optimiser's step size, > 0: SGD for the bag of embeddings (decayed linearly to 0 over
 *                           each fit call), Adam for the others
 * @param batchSize          samples per mini-batch, >= 1
 * @param validationFraction share of each fit's data held out for early stopping, in [0, 0.5]
 * @param patience           epochs without validation gain before stopping, 0 to never stop early
 */
public record TrainingSettings(double learningRate, int batchSize, double validationFraction, int patience) {

    public TrainingSettings {
        Checks.positive("learningRate", learningRate);
        Checks.atLeast("batchSize", batchSize, 1);
        Checks.fraction("validationFraction", validationFraction);
        Checks.atLeast("patience", patience, 0);
    }

    /** The name of these settings in a configuration's saved form. */
    static final String JSON_NAME = "training";

    /**
     * A saved configuration in the current layout: files written before this record existed hold its four
     * settings among the configuration's own, and are moved into a {@value #JSON_NAME} object here.
     */
    static JsonObject withNestedSettings(JsonObject savedConfig) {
        if (savedConfig.has(JSON_NAME)) {
            return savedConfig;
        }
        JsonObject config = savedConfig.deepCopy();
        JsonObject settings = new JsonObject();
        for (String name : new String[] {"learningRate", "batchSize", "validationFraction", "patience"}) {
            if (config.has(name)) {
                settings.add(name, config.remove(name));
            }
        }
        config.add(JSON_NAME, settings);
        return config;
    }

    /**
     * The part of a student configuration's builder that sets the training settings, so that each configuration's
     * builder offers them alike.
     *
     * @param <B> the configuration's builder
     */
    public abstract static class ConfigBuilder<B extends ConfigBuilder<B>> {
        private double learningRate;
        private int batchSize;
        private double validationFraction;
        private int patience;

        /** Starts from the student's defaults. */
        ConfigBuilder(TrainingSettings defaults) {
            training(defaults);
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        /** All four settings at once. */
        public B training(TrainingSettings settings) {
            learningRate = settings.learningRate();
            batchSize = settings.batchSize();
            validationFraction = settings.validationFraction();
            patience = settings.patience();
            return self();
        }

        public B learningRate(double v) {
            learningRate = v;
            return self();
        }

        public B batchSize(int v) {
            batchSize = v;
            return self();
        }

        public B validationFraction(double v) {
            validationFraction = v;
            return self();
        }

        public B patience(int v) {
            patience = v;
            return self();
        }

        /** The settings as set; validated here, when the configuration is built. */
        TrainingSettings training() {
            return new TrainingSettings(learningRate, batchSize, validationFraction, patience);
        }
    }
}
