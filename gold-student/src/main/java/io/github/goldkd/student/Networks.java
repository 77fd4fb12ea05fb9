package io.github.goldkd.student;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** Small helpers around DL4J networks. */
final class Networks {

    private Networks() {
    }

    /** The {@link GoldLossFunction} of an output layer, or an exception naming what is there instead. */
    static GoldLossFunction lossOf(Layer outputLayer) {
        if (!(outputLayer.conf().getLayer() instanceof BaseOutputLayer out)) {
            throw new StudentException("layer " + outputLayer.conf().getLayer().getLayerName() + " is not an output layer");
        }
        ILossFunction fn = out.getLossFn();
        if (!(fn instanceof GoldLossFunction g)) {
            throw new StudentException("output layer loss is " + fn + ", expected a GoldLossFunction");
        }
        return g;
    }

    /** Ids padded with {@link Vocabulary#PAD_ID} to the longest row, and the mask of real positions. */
    static INDArray[] padded(int[][] rows) {
        int len = 1;
        for (int[] r : rows) {
            len = Math.max(len, r.length);
        }
        float[][] ids = new float[rows.length][len];
        float[][] mask = new float[rows.length][len];
        for (int i = 0; i < rows.length; i++) {
            for (int t = 0; t < rows[i].length; t++) {
                ids[i][t] = rows[i][t];
                mask[i][t] = 1f;
            }
        }
        return new INDArray[] {Nd4j.createFromArray(ids), Nd4j.createFromArray(mask)};
    }

}
