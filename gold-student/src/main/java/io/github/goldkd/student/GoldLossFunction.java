package io.github.goldkd.student;

import io.github.goldkd.core.CrossEntropyLoss;
import io.github.goldkd.core.Loss;
import io.github.goldkd.core.SymmetricCrossEntropyLoss;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.lang.reflect.Constructor;
import java.util.Objects;

/**
 * A gold-core {@link Loss} as a DL4J loss function, for output layers with {@code IDENTITY} activation so
 * that the network's output is the logits.
 *
 * <p>The math is the core loss's (value and gradient with respect to the logits, in double precision);
 * this class only moves rows in and out of ND4J, applies DL4J's per-example mask and chains the
 * gradient through the layer's activation. It is stored in the network's JSON configuration as the
 * loss kind and its parameters, so a saved network restores the same loss:
 * <ul>
 *   <li>{@code ce}: {@link CrossEntropyLoss};</li>
 *   <li>{@code sce}: {@link SymmetricCrossEntropyLoss} with {@code alpha}, {@code beta}, {@code labelClamp};</li>
 *   <li>{@code class}: any other {@code Loss} with a public no-argument constructor, by class name.</li>
 * </ul>
 * Labels must be one-hot rows. Masks may be per example ({@code [mb]} or {@code [mb, 1]}) or per output
 * when every row of the mask holds a single value; the mask value multiplies the example's score and
 * gradient, as in DL4J's own losses.
 */
public final class GoldLossFunction implements ILossFunction {

    private static final long serialVersionUID = 1L;

    @JsonProperty("kind")
    private final String kind;
    @JsonProperty("alpha")
    private final double alpha;
    @JsonProperty("beta")
    private final double beta;
    @JsonProperty("labelClamp")
    private final double labelClamp;
    @JsonProperty("lossClass")
    private final String lossClass;

    @JsonIgnore
    private transient Loss loss;

    /** The Jackson constructor; use {@link #of(Loss)} in code. */
    @JsonCreator
    public GoldLossFunction(@JsonProperty("kind") String kind, @JsonProperty("alpha") double alpha,
                            @JsonProperty("beta") double beta, @JsonProperty("labelClamp") double labelClamp,
                            @JsonProperty("lossClass") String lossClass) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.alpha = alpha;
        this.beta = beta;
        this.labelClamp = labelClamp;
        this.lossClass = lossClass;
        this.loss = build();
    }

    /**
     * Wraps a core loss.
     *
     * @throws StudentException for a loss that is neither CE nor SCE and has no public no-argument constructor
     */
    public static GoldLossFunction of(Loss loss) {
        Objects.requireNonNull(loss, "loss");
        if (loss instanceof CrossEntropyLoss) {
            return new GoldLossFunction("ce", 0, 0, 0, null);
        }
        if (loss instanceof SymmetricCrossEntropyLoss s) {
            return new GoldLossFunction("sce", s.alpha(), s.beta(), s.labelClamp(), null);
        }
        try {
            loss.getClass().getConstructor();
        } catch (NoSuchMethodException e) {
            throw new StudentException("loss " + loss.name() + " (" + loss.getClass().getName()
                    + ") cannot be stored in a DL4J configuration: it is neither ce nor sce and has no public"
                    + " no-argument constructor");
        }
        return new GoldLossFunction("class", 0, 0, 0, loss.getClass().getName());
    }

    /** The wrapped core loss. */
    public Loss loss() {
        if (loss == null) {
            loss = build(); // after Java deserialisation, which skips the transient field
        }
        return loss;
    }

    private Loss build() {
        switch (kind) {
            case "ce":
                return new CrossEntropyLoss();
            case "sce":
                return new SymmetricCrossEntropyLoss(alpha, beta, labelClamp);
            case "class":
                try {
                    Constructor<?> c = Class.forName(lossClass).getConstructor();
                    return (Loss) c.newInstance();
                } catch (ReflectiveOperationException | ClassCastException | NullPointerException e) {
                    throw new StudentException("cannot create loss class '" + lossClass + "'", e);
                }
            default:
                throw new StudentException("unknown loss kind '" + kind + "', allowed: ce, sce, class");
        }
    }

    public String getKind() {
        return kind;
    }

    public double getAlpha() {
        return alpha;
    }

    public double getBeta() {
        return beta;
    }

    public double getLabelClamp() {
        return labelClamp;
    }

    public String getLossClass() {
        return lossClass;
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        double[] scores = scores(labels, preOutput, activationFn, mask, null);
        double sum = 0;
        for (double s : scores) {
            sum += s;
        }
        return average ? sum / scores.length : sum;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        double[] scores = scores(labels, preOutput, activationFn, mask, null);
        return Nd4j.createFromArray(scores).reshape(scores.length, 1).castTo(preOutput.dataType());
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        double[][] grad = new double[(int) preOutput.size(0)][];
        scores(labels, preOutput, activationFn, mask, grad);
        return backprop(grad, preOutput, activationFn);
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                          IActivation activationFn, INDArray mask, boolean average) {
        double[][] grad = new double[(int) preOutput.size(0)][];
        double[] scores = scores(labels, preOutput, activationFn, mask, grad);
        double sum = 0;
        for (double s : scores) {
            sum += s;
        }
        return new Pair<>(average ? sum / scores.length : sum, backprop(grad, preOutput, activationFn));
    }

    /**
     * Per-example scores (mask applied); fills {@code grad} (dLoss/dLogits, mask applied) when not null.
     */
    private double[] scores(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                            double[][] grad) {
        if (preOutput.rank() != 2) {
            throw new StudentException("GoldLossFunction expects 2-d output [minibatch, classes], got shape "
                    + java.util.Arrays.toString(preOutput.shape()));
        }
        if (!java.util.Arrays.equals(labels.shape(), preOutput.shape())) {
            throw new StudentException("labels shape " + java.util.Arrays.toString(labels.shape())
                    + " != output shape " + java.util.Arrays.toString(preOutput.shape()));
        }
        Loss l = loss();
        double[][] z = activationFn.getActivation(preOutput.dup(), true).toDoubleMatrix();
        double[][] y = labels.toDoubleMatrix();
        double[] m = maskValues(mask, z.length);
        int width = z.length == 0 ? 0 : z[0].length;
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            double w = m == null ? 1.0 : m[i];
            if (w == 0.0) {
                // masked rows may carry all-zero labels; they contribute nothing
                if (grad != null) {
                    grad[i] = new double[width];
                }
                continue;
            }
            int target = oneHotIndex(y[i], i);
            out[i] = w * l.value(z[i], target);
            if (grad != null) {
                double[] g = new double[width];
                l.gradient(z[i], target, g);
                if (w != 1.0) {
                    for (int k = 0; k < width; k++) {
                        g[k] *= w;
                    }
                }
                grad[i] = g;
            }
        }
        return out;
    }

    private static INDArray backprop(double[][] grad, INDArray preOutput, IActivation activationFn) {
        INDArray dLdz = Nd4j.createFromArray(grad).castTo(preOutput.dataType());
        return activationFn.backprop(preOutput.dup(), dLdz).getFirst();
    }

    private static double[] maskValues(INDArray mask, int rows) {
        if (mask == null) {
            return null;
        }
        if (mask.size(0) != rows) {
            throw new StudentException("mask has " + mask.size(0) + " rows, output has " + rows);
        }
        double[] out = new double[rows];
        if (mask.rank() == 1 || (mask.rank() == 2 && mask.size(1) == 1)) {
            double[] flat = mask.reshape(rows).toDoubleVector();
            System.arraycopy(flat, 0, out, 0, rows);
            return out;
        }
        if (mask.rank() != 2) {
            throw new StudentException("GoldLossFunction supports per-example masks only, got mask of shape "
                    + java.util.Arrays.toString(mask.shape()));
        }
        double[][] mm = mask.toDoubleMatrix();
        for (int i = 0; i < rows; i++) {
            for (double v : mm[i]) {
                if (v != mm[i][0]) {
                    throw new StudentException("GoldLossFunction supports per-example masks only; mask row " + i
                            + " has different values per output");
                }
            }
            out[i] = mm[i].length == 0 ? 1.0 : mm[i][0];
        }
        return out;
    }

    private static int oneHotIndex(double[] row, int i) {
        int index = -1;
        for (int k = 0; k < row.length; k++) {
            if (row[k] == 1.0) {
                if (index >= 0) {
                    throw new StudentException("label row " + i + " is not one-hot");
                }
                index = k;
            } else if (row[k] != 0.0) {
                throw new StudentException("label row " + i + " is not one-hot (value " + row[k] + ")");
            }
        }
        if (index < 0) {
            throw new StudentException("label row " + i + " is all zeros but not masked");
        }
        return index;
    }

    @Override
    public String name() {
        return "gold:" + loss().name();
    }

    @Override
    public String toString() {
        return "GoldLossFunction(" + loss().name() + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GoldLossFunction g && g.kind.equals(kind) && Double.compare(g.alpha, alpha) == 0
                && Double.compare(g.beta, beta) == 0 && Double.compare(g.labelClamp, labelClamp) == 0
                && Objects.equals(g.lossClass, lossClass);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, alpha, beta, labelClamp, lossClass);
    }
}
