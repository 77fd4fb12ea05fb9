package io.github.goldkd.core;

/**
 * The loop's settings as plain values: what {@link GoldDistiller.Builder} validated, what the run store
 * writes to {@code config.json} and what {@link GoldDistiller#resume} reads back. Components (generator,
 * student factory, scorer, selector, losses, filter) appear by name only.
 *
 * @param batchSize           train samples per round (B)
 * @param probeSize           probe samples per probe round
 * @param rounds              generation rounds (N)
 * @param feedbackEvery       feedback goes into every P-th train prompt (P)
 * @param updateStudentEvery  the in-loop student is updated every R rounds (R)
 * @param updateEpochs        passes over the data per in-loop update
 * @param studentUpdate       continue training or retrain from scratch
 * @param probePolicy         when probes are generated
 * @param feedbackMode        GOLD or one of the two no-feedback ablations
 * @param keepProbes          whether probe samples are training data
 * @param feedbackLifetime    replace or accumulate feedback
 * @param feedbackPoolLimit   maximum feedback examples kept when accumulating
 * @param labelPlan           how requested labels are chosen
 * @param finalEpochs         epochs of the final student's training
 * @param seed                the master seed
 * @param scorer              name of the OOD score
 * @param selector            name of the feedback selector
 * @param loopLoss            name of the in-loop student's loss
 * @param finalLoss           name of the final student's loss
 * @param batchFilter         name of the final training's batch filter
 * @param metric              name of the metric that scores students (monitoring, reports); run stores
 *                            written before it existed read back as the task kind's default
 */
public record GoldConfig(int batchSize, int probeSize, int rounds, int feedbackEvery, int updateStudentEvery,
                         int updateEpochs, StudentUpdate studentUpdate, ProbePolicy probePolicy,
                         FeedbackMode feedbackMode, boolean keepProbes, FeedbackLifetime feedbackLifetime,
                         int feedbackPoolLimit, LabelPlan labelPlan, int finalEpochs, long seed, String scorer,
                         String selector, String loopLoss, String finalLoss, String batchFilter, String metric) {

    /** This config with another number of rounds: the one setting a resumed run may change. */
    GoldConfig withRounds(int newRounds) {
        return new GoldConfig(batchSize, probeSize, newRounds, feedbackEvery, updateStudentEvery, updateEpochs,
                studentUpdate, probePolicy, feedbackMode, keepProbes, feedbackLifetime, feedbackPoolLimit, labelPlan,
                finalEpochs, seed, scorer, selector, loopLoss, finalLoss, batchFilter, metric);
    }

    /** Whether round {@code b} puts feedback into its train prompt (b % P == 0). */
    public boolean isFeedbackRound(int b) {
        return b % feedbackEvery == 0;
    }

    /** Whether round {@code b} starts with a student update (b % R == 0). */
    public boolean isUpdateRound(int b) {
        return b % updateStudentEvery == 0;
    }

    /** Whether round {@code b} is a probe round under the probe policy (before the feedback mode). */
    public boolean isProbeRound(int b) {
        return switch (probePolicy) {
            case EVERY_ROUND -> probeSize > 0;
            case FEEDBACK_ROUNDS -> probeSize > 0 && isFeedbackRound(b);
            case NEVER -> false;
        };
    }
}
