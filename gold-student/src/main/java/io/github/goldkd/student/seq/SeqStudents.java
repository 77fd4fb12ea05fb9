package io.github.goldkd.student.seq;

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

}
