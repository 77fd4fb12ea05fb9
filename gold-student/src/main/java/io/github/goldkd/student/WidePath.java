package io.github.goldkd.student;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;

import java.util.Arrays;
import java.util.List;

/**
 * The wide path of a wide &amp; deep pair student: a few pair features — the {@link LexicalOverlap} features, and
 * for the encoder student the {@link io.github.goldkd.student.seq.TokenAlignment} features after them —
 * standardised with the mean and standard deviation of the first training data, reach the logits through their
 * own linear map, added to the deep path's logits. Before the first fit the map is set to the logistic regression of the labels on
 * the standardised features (full-batch gradient descent, cross-entropy, L2 {@value #L2}: deterministic, no
 * seed), so a student whose deep path is still zero is the overlap baseline and training starts from there.
 *
 * <p>Why: concatenated into a wide input, the 8 overlap features sit beside hundreds of embedding dimensions
 * that fit the pool's topics first; on QNLI-style pairs tested on an unseen article word overlap is what
 * carries over (BENCHMARKS.md, "sentence pairs").
 *
 * <p>The standardisation is immutable once made; the fitted weights are returned to the student, which owns them.
 */
final class WidePath {

    /** Gradient-descent iterations of the warm start: the loss changes by < 1e-6 between the last ones here. */
    static final int ITERATIONS = 1000;
    static final double STEP = 0.5;
    /** L2 of the warm start's weights, as the overlap baseline of the pair benchmark. */
    static final double L2 = 1e-3;

    private final float[] mean;
    private final float[] scale;

    private WidePath(float[] mean, float[] scale) {
        if (mean.length == 0 || mean.length != scale.length) {
            throw new StudentException("the wide path's standardisation needs one mean and one scale per feature, got "
                    + mean.length + " means and " + scale.length + " scales");
        }
        this.mean = mean;
        this.scale = scale;
    }

    /**
     * The wide path of a first fit: the standardisation fitted on the overlap features of {@code train}'s pairs, and
     * the regression warm start on them ({@link #fit}).
     */
    record WarmStart(WidePath path, float[] weights) {
    }

    /**
     * {@link WarmStart} on the overlap features of {@code train}'s pairs, whose labels are {@code labels} (class
     * indices).
     */
    static WarmStart warmStart(Task task, List<Sample> train, int[] labels, int classes) {
        float[][] raw = new float[train.size()][];
        for (int i = 0; i < raw.length; i++) {
            List<String> ab = task.pairTexts(train.get(i));
            raw[i] = LexicalOverlap.features(ab.get(0), ab.get(1));
        }
        return warmStart(raw, labels, classes);
    }

    /** {@link WarmStart} on raw wide features (one row per sample, at least one row) with labels {@code labels}. */
    static WarmStart warmStart(float[][] raw, int[] labels, int classes) {
        WidePath path = standardising(raw);
        float[][] z = new float[raw.length][];
        for (int i = 0; i < raw.length; i++) {
            z[i] = path.standardise(raw[i]);
        }
        return new WarmStart(path, fit(z, labels, classes));
    }

    /** The standardisation of the raw wide features {@code raw} (one row per sample, at least one row). */
    static WidePath standardising(float[][] raw) {
        int n = raw.length;
        int d = raw[0].length;
        double[] m = new double[d];
        double[] v = new double[d];
        for (float[] row : raw) {
            for (int j = 0; j < d; j++) {
                m[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            m[j] /= Math.max(1, n);
        }
        for (float[] row : raw) {
            for (int j = 0; j < d; j++) {
                v[j] += (row[j] - m[j]) * (row[j] - m[j]);
            }
        }
        float[] mean = new float[d];
        float[] scale = new float[d];
        for (int j = 0; j < d; j++) {
            double sd = Math.sqrt(v[j] / Math.max(1, n));
            mean[j] = (float) m[j];
            scale[j] = sd > 1e-6 ? (float) sd : 1f; // a constant feature stays 0 after centring
        }
        return new WidePath(mean, scale);
    }

    /** How many features the path standardises. */
    int size() {
        return mean.length;
    }

    /** The standardised copy of raw wide features. */
    float[] standardise(float[] raw) {
        float[] z = new float[raw.length];
        for (int j = 0; j < raw.length; j++) {
            z[j] = (raw[j] - mean[j]) / scale[j];
        }
        return z;
    }

    /**
     * The warm start: weights [features][classes] (row-major, as a DL4J dense layer's W) followed by the bias
     * [classes], of the L2-regularised logistic regression of {@code labels} on the standardised features {@code z}.
     */
    static float[] fit(float[][] z, int[] labels, int classes) {
        int n = z.length;
        int d = z[0].length;
        double[] w = new double[d * classes + classes];
        double[] grad = new double[w.length];
        double[] p = new double[classes];
        for (int it = 0; it < ITERATIONS && n > 0; it++) {
            Arrays.fill(grad, 0);
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < classes; k++) {
                    double s = w[d * classes + k];
                    for (int j = 0; j < d; j++) {
                        s += z[i][j] * w[j * classes + k];
                    }
                    p[k] = s;
                    max = Math.max(max, s);
                }
                double sum = 0;
                for (int k = 0; k < classes; k++) {
                    p[k] = Math.exp(p[k] - max);
                    sum += p[k];
                }
                for (int k = 0; k < classes; k++) {
                    double e = p[k] / sum - (labels[i] == k ? 1 : 0);
                    for (int j = 0; j < d; j++) {
                        grad[j * classes + k] += e * z[i][j] / n;
                    }
                    grad[d * classes + k] += e / n;
                }
            }
            for (int q = 0; q < w.length; q++) {
                double reg = q < d * classes ? L2 * w[q] : 0;
                w[q] -= STEP * (grad[q] + reg);
            }
        }
        float[] out = new float[w.length];
        for (int q = 0; q < w.length; q++) {
            out[q] = (float) w[q];
        }
        return out;
    }

    /** Adds the wide logits of standardised features {@code z} under weights {@code w} [features][classes] to {@code logits}. */
    static void addLogits(float[] w, float[] z, float[] logits) {
        int c = logits.length;
        for (int j = 0; j < z.length; j++) {
            float v = z[j];
            int base = j * c;
            for (int k = 0; k < c; k++) {
                logits[k] += v * w[base + k];
            }
        }
    }

    /** Stores the standardisation in a student file's metadata. */
    void save(JsonObject meta) {
        JsonObject o = new JsonObject();
        o.add("mean", array(mean));
        o.add("scale", array(scale));
        meta.add(META, o);
    }

    /** The metadata entry of the standardisation; absent in files without a wide path. */
    static final String META = "overlapStandardisation";

    /**
     * The standardisation of {@code features} wide features saved in {@code meta}, or an exception naming
     * {@code what} when it is missing or of another size.
     */
    static WidePath read(JsonObject meta, String what, int features) {
        if (!meta.has(META)) {
            throw new StudentException(what + ": its configuration has a wide path but the file holds no " + META);
        }
        JsonObject o = meta.getAsJsonObject(META);
        WidePath path = new WidePath(floats(o.getAsJsonArray("mean")), floats(o.getAsJsonArray("scale")));
        if (path.size() != features) {
            throw new StudentException(what + ": its wide path standardises " + path.size()
                    + " features, its configuration reads " + features);
        }
        return path;
    }

    /**
     * A saved configuration as the current code reads it: a file saved before the wide path existed has neither
     * {@code pairWide} (read false: it was trained without one) nor {@code rateSetting}, which gets its default, so
     * that the loaded configuration is a valid one whose builder can switch the wide path on.
     */
    static JsonObject withWideSettings(JsonObject savedConfig, String rateSetting, double rateDefault) {
        if (savedConfig.has("pairWide") && savedConfig.has(rateSetting)) {
            return savedConfig;
        }
        JsonObject config = savedConfig.deepCopy();
        if (!config.has("pairWide")) {
            config.addProperty("pairWide", false);
        }
        if (!config.has(rateSetting)) {
            config.addProperty(rateSetting, rateDefault);
        }
        return config;
    }

    private static JsonArray array(float[] values) {
        JsonArray a = new JsonArray();
        for (float v : values) {
            a.add(v);
        }
        return a;
    }

    private static float[] floats(JsonArray a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsFloat();
        }
        return out;
    }
}
