package io.github.goldkd.core;

import java.util.Arrays;

/**
 * A student's pre-softmax output for one sample.
 *
 * <p>One type serves both kinds of task: a classifier gives one row (positions = 1) over the labels;
 * a sequence student gives one row per target position over its vocabulary, plus a mask that marks
 * real tokens (true) and padding (false). Targets, when known, are the class index of the sample's
 * label, or the teacher-forced token at each position; scores such as the negative log-likelihood
 * read them.
 *
 * <p>Values are stored row-major as floats (a 32-token × 32k-vocabulary sample is 4 MB); scorers compute
 * in double. Instances are immutable: the factories copy their arguments.
 */
public final class Logits {

    private final float[] values;
    private final int positions;
    private final int width;
    private final boolean[] mask;
    private final int[] targets;

    private Logits(float[] values, int positions, int width, boolean[] mask, int[] targets) {
        this.values = values;
        this.positions = positions;
        this.width = width;
        this.mask = mask;
        this.targets = targets;
    }

    /** Class logits of a classifier, without a known target. */
    public static Logits ofClasses(float... z) {
        return ofClasses(z, -1);
    }

    /**
     * Class logits of a classifier.
     *
     * @param target the index of the sample's label, or -1 when unknown
     */
    public static Logits ofClasses(float[] z, int target) {
        if (z.length == 0) {
            throw new IllegalArgumentException("logits need at least one class");
        }
        if (target < -1 || target >= z.length) {
            throw new IllegalArgumentException("target must be -1 or in [0, " + z.length + "), was " + target);
        }
        return new Logits(z.clone(), 1, z.length, null, target < 0 ? null : new int[] {target});
    }

    /**
     * Per-position logits of a sequence student.
     *
     * @param rows    one row per position, all of the same width (the vocabulary)
     * @param mask    true for real tokens, false for padding; {@code null} means all real
     * @param targets teacher-forced token per position, or {@code null} when unknown
     */
    public static Logits ofSequence(float[][] rows, boolean[] mask, int[] targets) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("sequence logits need at least one position");
        }
        int w = rows[0].length;
        if (w == 0) {
            throw new IllegalArgumentException("sequence logits need a vocabulary of at least one token");
        }
        float[] flat = new float[rows.length * w];
        for (int t = 0; t < rows.length; t++) {
            if (rows[t].length != w) {
                throw new IllegalArgumentException("row " + t + " has width " + rows[t].length + ", expected " + w);
            }
            System.arraycopy(rows[t], 0, flat, t * w, w);
        }
        return ofSequence(flat, rows.length, w, mask, targets);
    }

    /** Per-position logits from a row-major array of {@code positions * width} values (copied). */
    public static Logits ofSequence(float[] flat, int positions, int width, boolean[] mask, int[] targets) {
        if (positions <= 0 || width <= 0 || flat.length != (long) positions * width) {
            throw new IllegalArgumentException("flat logits of length " + flat.length + " do not match "
                    + positions + " positions x " + width + " width");
        }
        if (mask != null && mask.length != positions) {
            throw new IllegalArgumentException("mask length " + mask.length + " != positions " + positions);
        }
        if (targets != null) {
            if (targets.length != positions) {
                throw new IllegalArgumentException("targets length " + targets.length + " != positions " + positions);
            }
            for (int t : targets) {
                if (t < 0 || t >= width) {
                    throw new IllegalArgumentException("target token " + t + " outside [0, " + width + ")");
                }
            }
        }
        return new Logits(flat.clone(), positions, width, mask == null ? null : mask.clone(),
                targets == null ? null : targets.clone());
    }

    /** Number of rows: 1 for a classifier, the padded target length for a sequence student. */
    public int positions() {
        return positions;
    }

    /** Length of each row: the number of classes, or the vocabulary size. */
    public int width() {
        return width;
    }

    /** True when this came from a sequence student (built by {@code ofSequence}). */
    public boolean isSequence() {
        return positions > 1 || mask != null;
    }

    /** The logit of class (or token) {@code k} at position {@code t}. */
    public float get(int t, int k) {
        return values[t * width + k];
    }

    /** A copy of row {@code t}. */
    public float[] row(int t) {
        return Arrays.copyOfRange(values, t * width, (t + 1) * width);
    }

    /** Whether position {@code t} holds a real token (always true for classifiers). */
    public boolean isReal(int t) {
        return mask == null || mask[t];
    }

    /** Number of real positions. */
    public int realPositions() {
        if (mask == null) {
            return positions;
        }
        int n = 0;
        for (boolean m : mask) {
            if (m) {
                n++;
            }
        }
        return n;
    }

    /** Whether targets are known. */
    public boolean hasTargets() {
        return targets != null;
    }

    /** The target at position {@code t}: a class index or a token id. */
    public int target(int t) {
        if (targets == null) {
            throw new IllegalStateException("these logits carry no targets");
        }
        return targets[t];
    }

    /** Index of the largest logit of row {@code t}; ties go to the lower index. */
    public int argmax(int t) {
        int base = t * width;
        int best = 0;
        for (int k = 1; k < width; k++) {
            if (values[base + k] > values[base + best]) {
                best = k;
            }
        }
        return best;
    }

    /** Copies row {@code t} into {@code dst} (length {@code width}); the allocation-free access scorers use. */
    public void copyRow(int t, float[] dst) {
        System.arraycopy(values, t * width, dst, 0, width);
    }

    @Override
    public String toString() {
        return positions == 1 ? "Logits" + Arrays.toString(values)
                : "Logits[" + positions + " x " + width + ", real=" + realPositions() + "]";
    }
}
