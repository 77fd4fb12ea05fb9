package io.github.goldkd.student.seq;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.GradientUpdater;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Adam on the host over a graph's parameters, in place, with global-norm clipping and decoupled weight decay: one
 * pass per parameter instead of the twenty-odd ND4J calls of an updater written with array ops, or SameDiff's own
 * updater, which only runs inside {@code SameDiff.fit} (a new execution session per batch, and a second forward
 * pass for students whose loss is computed on the host). The sequence students call their graphs through
 * {@link CachedGradients} and step here. Not thread-safe; the moments belong to one student.
 */
final class HostAdam {

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    /** Per parameter name: the first and second moment, shaped as the parameter. */
    private final Map<String, INDArray[]> moments = new LinkedHashMap<>();
    private long steps;

    HostAdam(double beta1, double beta2, double epsilon) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    /** The optimiser steps taken (restored with the moments). */
    long steps() {
        return steps;
    }

    /** The moments by parameter name (live arrays: read, do not keep). */
    Map<String, INDArray[]> moments() {
        return Collections.unmodifiableMap(moments);
    }

    /**
     * One step over {@code names} (a parameter without a gradient in {@code gradients} is left alone): the
     * gradients scaled by {@code min(1, clipNorm / |g|)} with |g| their global L2 norm ({@code clipNorm} =
     * infinity: no clipping), then per parameter {@link #update}, and with {@code weightDecay} > 0 the parameter
     * shrunk by {@code learningRate * weightDecay} of its value before the step (decoupled, as AdamW and DL4J's
     * {@code WeightDecay(coeff, true)}).
     */
    void step(List<String> names, Function<String, INDArray> parameters, Map<String, INDArray> gradients,
              double learningRate, double clipNorm, double weightDecay) {
        double norm2 = 0;
        if (clipNorm != Double.POSITIVE_INFINITY) {
            for (String p : names) {
                INDArray g = gradients.get(p);
                if (g != null) {
                    double n = g.norm2Number().doubleValue();
                    norm2 += n * n;
                }
            }
        }
        double norm = Math.sqrt(norm2);
        double clip = norm > clipNorm ? clipNorm / norm : 1.0;
        steps++;
        double c1 = 1 - Math.pow(beta1, steps);
        double c2 = 1 - Math.pow(beta2, steps);
        for (String p : names) {
            INDArray g = gradients.get(p);
            if (g == null) {
                continue;
            }
            INDArray param = parameters.apply(p);
            INDArray[] state = moments.computeIfAbsent(p, k -> new INDArray[] {
                    Nd4j.zeros(param.dataType(), param.shape()), Nd4j.zeros(param.dataType(), param.shape())});
            update(param, g, state[0], state[1], clip, c1, c2, learningRate, weightDecay);
        }
    }

    /**
     * One Adam step of one parameter, in place: m = b1 m + (1 - b1) c, v = b2 v + (1 - b2) c^2 with c = clip g,
     * then p -= lr (m / c1) / (sqrt(v / c2) + eps) (and, with weight decay, the decayed share lr * decay * p of
     * the parameter before the step). Without decay: the same float operations in the same order as the ND4J form
     * it replaced (each scalar rounded to float first, as ND4J's scalar ops do; no fused multiply-add), so the same
     * bits; a test holds it to that form.
     */
    void update(INDArray param, INDArray gradient, INDArray m, INDArray v, double clip, double c1, double c2,
                double lr, double weightDecay) {
        float[] w = HostArrays.values(writable(param));
        float[] g = HostArrays.values(gradient);
        float[] mv = HostArrays.values(writable(m));
        float[] vv = HostArrays.values(writable(v));
        boolean clipping = clip != 1.0;
        float clipF = (float) clip;
        float b1 = (float) beta1;
        float rest1 = (float) (1 - beta1);
        float b2 = (float) beta2;
        float rest2 = (float) (1 - beta2);
        float c1F = (float) c1;
        float c2F = (float) c2;
        float eps = (float) epsilon;
        float lrF = (float) lr;
        boolean decaying = weightDecay > 0;
        float decay = (float) (lr * weightDecay);
        for (int i = 0; i < w.length; i++) {
            float c = clipping ? g[i] * clipF : g[i];
            vv[i] = vv[i] * b2 + c * c * rest2;
            mv[i] = mv[i] * b1 + c * rest1;
            float denominator = (float) Math.sqrt(vv[i] / c2F) + eps;
            float decayed = decaying ? w[i] * decay : 0f;
            w[i] = w[i] - mv[i] / c1F / denominator * lrF;
            if (decaying) {
                w[i] -= decayed;
            }
        }
        HostArrays.set(param, w);
        HostArrays.set(m, mv);
        HostArrays.set(v, vv);
    }

    /** {@code a} itself, whose buffer holds exactly its values in row-major order, so that they can be set back. */
    private static INDArray writable(INDArray a) {
        if (!HostArrays.isPlain(a)) {
            throw new IllegalStateException("Adam on the host updates plain float arrays in place; got "
                    + a.dataType() + " " + a.ordering() + (a.isView() ? " view" : ""));
        }
        return a;
    }

    /**
     * Restores the state after {@code stepsTaken} steps: moments saved by {@link #writeMoments}, or kept by an
     * older file's SameDiff updater (DL4J's Adam keeps the same uncorrected m and v).
     */
    void restore(long stepsTaken, Map<String, INDArray[]> state) {
        moments.clear();
        for (Map.Entry<String, INDArray[]> e : state.entrySet()) {
            moments.put(e.getKey(), new INDArray[] {e.getValue()[0].dup('c'), e.getValue()[1].dup('c')});
        }
        steps = stepsTaken;
    }

    /** Prefixes of the constants that hold the moments in a saved graph ({@link #storeIn}), and the step count. */
    static final String M_PREFIX = "adam_m_";
    static final String V_PREFIX = "adam_v_";
    static final String STEPS = "adam_steps";

    /**
     * Puts the moments of {@code names} (zeros for a parameter not stepped yet) and the step count into {@code sd} as
     * constants, so that a student whose file is its graph saves them with it.
     */
    void storeIn(SameDiff sd, List<String> names) {
        for (String name : names) {
            INDArray[] mv = moments.get(name);
            INDArray weight = sd.getArrForVarName(name);
            putConstant(sd, M_PREFIX + name, mv == null ? Nd4j.zerosLike(weight) : mv[0]);
            putConstant(sd, V_PREFIX + name, mv == null ? Nd4j.zerosLike(weight) : mv[1]);
        }
        putConstant(sd, STEPS, Nd4j.scalar(DataType.LONG, steps));
    }

    private static void putConstant(SameDiff sd, String name, INDArray value) {
        if (sd.hasVariable(name)) {
            sd.getArrForVarName(name).assign(value);
        } else {
            sd.constant(name, value.dup());
        }
    }

    /**
     * Restores the state a loaded graph holds for {@code names} (shaped as in {@code built}): the constants of
     * {@link #storeIn}, else SameDiff's own Adam state (a file trained by {@code SameDiff.fit}, whose Adam keeps
     * the same uncorrected m and v, and counts its steps in the training config), else none (an untrained file).
     */
    void restoreFrom(SameDiff loaded, SameDiff built, List<String> names) {
        Map<String, INDArray[]> state = new LinkedHashMap<>();
        long taken = 0;
        Map<String, GradientUpdater> updaters = loaded.getUpdaterMap();
        if (!names.isEmpty() && loaded.hasVariable(M_PREFIX + names.get(0))) {
            for (String name : names) {
                state.put(name, new INDArray[] {loaded.getArrForVarName(M_PREFIX + name),
                        loaded.getArrForVarName(V_PREFIX + name)});
            }
            taken = loaded.getArrForVarName(STEPS).getLong(0);
        } else if (updaters != null && loaded.getTrainingConfig() != null) {
            for (String name : names) {
                if (updaters.get(name) instanceof AdamUpdater u && u.getM() != null) {
                    long[] shape = built.getArrForVarName(name).shape();
                    state.put(name, new INDArray[] {u.getM().reshape(u.getGradientReshapeOrder(), shape),
                            u.getV().reshape(u.getGradientReshapeOrder(), shape)});
                }
            }
            taken = loaded.getTrainingConfig().getIterationCount();
        }
        restore(taken, state);
    }

    /** Writes the moments (not the step count, which the students keep in their metadata). */
    void writeMoments(DataOutputStream out) throws IOException {
        out.writeInt(moments.size());
        for (Map.Entry<String, INDArray[]> e : moments.entrySet()) {
            out.writeUTF(e.getKey());
            Nd4j.write(e.getValue()[0], out);
            Nd4j.write(e.getValue()[1], out);
        }
        out.flush();
    }

    /** Reads what {@link #writeMoments} wrote (for {@link #restore}). */
    static Map<String, INDArray[]> readMoments(DataInputStream in) throws IOException {
        Map<String, INDArray[]> state = new LinkedHashMap<>();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            state.put(name, new INDArray[] {Nd4j.read(in), Nd4j.read(in)});
        }
        return state;
    }
}
