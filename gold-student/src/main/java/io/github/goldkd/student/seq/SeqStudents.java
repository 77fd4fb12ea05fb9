package io.github.goldkd.student.seq;

import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.Logits;
import io.github.goldkd.student.StudentException;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import com.google.gson.JsonObject;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.student.GoldLossFunction;


/** What the SameDiff students of this package share: the loss entry of their files and their batch orders. */
final class SeqStudents {

    private SeqStudents() {
    }

    /** The {@code lossFunction} entry of a student file: the DL4J adapter's settings of the training loss. */
    static JsonObject lossJson(TrainingOptions options) {
        GoldLossFunction lf = GoldLossFunction.of(options.loss());
        JsonObject loss = new JsonObject();
        loss.addProperty("kind", lf.getKind());
        loss.addProperty("alpha", lf.getAlpha());
        loss.addProperty("beta", lf.getBeta());
        loss.addProperty("labelClamp", lf.getLabelClamp());
        if (lf.getLossClass() != null) {
            loss.addProperty("lossClass", lf.getLossClass());
        }
        return loss;
    }

    /** 0, 1, ..., n - 1. */
    static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    /**
     * Copies the named weights of a loaded graph into a freshly built one, by name: a file saved from an earlier
     * form of a student's graph holds the same variables for the same function.
     *
     * @throws StudentException when the loaded graph lacks one or holds it in another shape
     */
    static void takeWeights(SameDiff loaded, SameDiff built, List<String> names) {
        for (String name : names) {
            INDArray from = loaded.hasVariable(name) ? loaded.getArrForVarName(name) : null;
            INDArray to = built.getArrForVarName(name);
            if (from == null || !Arrays.equals(from.shape(), to.shape())) {
                throw new StudentException("the saved graph's " + name + " is " + (from == null ? "missing"
                        : Arrays.toString(from.shape())) + ", this configuration needs " + Arrays.toString(to.shape()));
            }
            to.assign(from);
        }
    }

    /** The graph's trainable variables, sorted by name. */
    static List<String> trainableNames(SameDiff sd) {
        List<String> names = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                names.add(v.name());
            }
        }
        Collections.sort(names);
        return List.copyOf(names);
    }

    /**
     * The indices {@code filter} keeps of a batch, checked: ascending, within the batch (every index for
     * {@link BatchFilter#NONE} without asking it).
     *
     * @throws StudentException when the filter returns anything else, naming the filter and its indices
     */
    static int[] kept(BatchFilter filter, List<Logits> batch) {
        int size = batch.size();
        if (filter == BatchFilter.NONE) {
            return range(size);
        }
        int[] keep = filter.keep(batch);
        for (int i = 0; i < keep.length; i++) {
            if (keep[i] < 0 || keep[i] >= size || (i > 0 && keep[i] <= keep[i - 1])) {
                throw new StudentException("batch filter " + filter.name() + " returned invalid indices "
                        + Arrays.toString(keep) + " for a batch of " + size + " (ascending, in [0, " + size
                        + ") expected)");
            }
        }
        return keep;
    }
}
