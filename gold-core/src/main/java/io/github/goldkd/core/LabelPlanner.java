package io.github.goldkd.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The label each requested sample of a batch gets, under the run's {@link LabelPlan}. The plan depends only
 * on the round, the batch's place in it and the master seed, never on what earlier batches delivered, so
 * a resumed run asks for the same labels as an uninterrupted one. Sequence tasks have no labels: every
 * slot is null.
 */
final class LabelPlanner {

    private final Task task;
    private final LabelPlan plan;
    private final int batchSize;
    private final int probeSize;
    private final long seed;

    LabelPlanner(Task task, LabelPlan plan, int batchSize, int probeSize, long seed) {
        this.task = Check.notNull("task", task);
        this.plan = Check.notNull("labelPlan", plan);
        this.batchSize = batchSize;
        this.probeSize = probeSize;
        this.seed = seed;
    }

    /**
     * The labels of {@code count} samples of round {@code round}, the first being the batch's sample
     * {@code firstIndex} (train batches continue at the batch size when the probe budget is spent on
     * extra train data).
     */
    List<String> labels(int round, GenerationMode mode, int firstIndex, int count) {
        if (task.kind().isSequence()) {
            return new ArrayList<>(Collections.nCopies(count, null));
        }
        List<String> names = task.labelNames();
        List<String> labels = new ArrayList<>(count);
        if (plan == LabelPlan.BALANCED) {
            // One round-robin over every sample slot of the run, so no label is favoured across rounds.
            long slot = (long) round * (batchSize + probeSize)
                    + (mode == GenerationMode.PROBE ? batchSize : firstIndex);
            for (int i = 0; i < count; i++) {
                labels.add(names.get((int) ((slot + i) % names.size())));
            }
        } else {
            Random r = new Random(Seeds.derive(seed, "labels-" + mode, round, firstIndex));
            for (int i = 0; i < count; i++) {
                labels.add(names.get(r.nextInt(names.size())));
            }
        }
        return labels;
    }
}
