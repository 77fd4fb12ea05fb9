package io.github.goldkd.student.seq;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * What one training step of a sequence student computed: the parameter gradients by name, the summed loss of the
 * samples it kept and their count (a step whose batch filter kept nothing has none).
 */
record StepGradients(Map<String, INDArray> parameters, double lossSum, int kept) {

    static final StepGradients NONE = new StepGradients(Map.of(), 0, 0);
}
