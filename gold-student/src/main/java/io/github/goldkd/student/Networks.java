package io.github.goldkd.student;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import java.io.IOException;
import java.nio.file.Path;

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

    /**
     * The start of the configuration of a network trained by DL4J with Adam (the text CNN and the encoder head):
     * float parameters, Xavier initialisation from {@code seed}, L2 weight decay when {@code l2 > 0}.
     */
    static NeuralNetConfiguration.Builder adamConfiguration(long seed, double learningRate, double l2) {
        NeuralNetConfiguration.Builder nb = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(learningRate))
                .weightInit(WeightInit.XAVIER);
        if (l2 > 0) {
            nb.l2(l2);
        }
        return nb;
    }

    /** Restoring a student from a file's contents; may fail on its bytes. */
    @FunctionalInterface
    interface Restoring<T> {
        T restore() throws IOException;
    }

    /**
     * Runs {@code restoring}; a failure that is not already a {@link StudentException} becomes one that names
     * {@code file}.
     */
    static <T> T restore(Path file, Restoring<T> restoring) {
        try {
            return restoring.restore();
        } catch (StudentException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new StudentException("cannot load student from " + file + ": " + e.getMessage(), e);
        }
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
