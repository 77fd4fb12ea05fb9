package io.github.goldkd.core;

/**
 * The loop settings of a {@link GoldDistiller.Builder} while they are being set: the mutable twin of
 * {@link GoldConfig}, holding the reference defaults of the GOLD paper's scripts until a setter changes
 * them. A fresh builder starts from {@link #GoldConfigDraft()}, a resumed one from the stored config
 * ({@link #of}); {@link #toConfig} makes the record once the builder has validated the values. The
 * components' names are not settings of their own: the builder takes them from the components at build.
 */
final class GoldConfigDraft {

    int batchSize = 8;
    /** Null until set: then equal to the batch size, whatever that is at build. */
    Integer probeSize;
    int rounds = 375;
    int feedbackEvery = 2;
    int updateStudentEvery = 25;
    int updateEpochs = 1;
    StudentUpdate studentUpdate = StudentUpdate.CONTINUE;
    ProbePolicy probePolicy = ProbePolicy.EVERY_ROUND;
    FeedbackMode feedbackMode = FeedbackMode.ON;
    boolean keepProbes = true;
    FeedbackLifetime feedbackLifetime = FeedbackLifetime.REPLACE;
    int feedbackPoolLimit = 32;
    LabelPlan labelPlan = LabelPlan.BALANCED;
    int finalEpochs = 5;
    long seed = 42;

    /** The reference defaults. */
    GoldConfigDraft() {
    }

    /** The settings of a stored run, for a builder that continues it. */
    static GoldConfigDraft of(GoldConfig c) {
        GoldConfigDraft d = new GoldConfigDraft();
        d.batchSize = c.batchSize();
        d.probeSize = c.probeSize();
        d.rounds = c.rounds();
        d.feedbackEvery = c.feedbackEvery();
        d.updateStudentEvery = c.updateStudentEvery();
        d.updateEpochs = c.updateEpochs();
        d.studentUpdate = c.studentUpdate();
        d.probePolicy = c.probePolicy();
        d.feedbackMode = c.feedbackMode();
        d.keepProbes = c.keepProbes();
        d.feedbackLifetime = c.feedbackLifetime();
        d.feedbackPoolLimit = c.feedbackPoolLimit();
        d.labelPlan = c.labelPlan();
        d.finalEpochs = c.finalEpochs();
        d.seed = c.seed();
        return d;
    }

    /** The probe size in effect: the one set, else the batch size. */
    int effectiveProbeSize() {
        return probeSize == null ? batchSize : probeSize;
    }

    /** The record of these settings and the components' names; the values are not checked here. */
    GoldConfig toConfig(String scorer, String selector, String loopLoss, String finalLoss, String batchFilter,
                        String metric) {
        return new GoldConfig(batchSize, effectiveProbeSize(), rounds, feedbackEvery, updateStudentEvery,
                updateEpochs, studentUpdate, probePolicy, feedbackMode, keepProbes, feedbackLifetime,
                feedbackPoolLimit, labelPlan, finalEpochs, seed, scorer, selector, loopLoss, finalLoss, batchFilter,
                metric);
    }
}
