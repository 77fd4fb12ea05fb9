package io.github.goldkd.student.seq;

import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One forward and backward pass of a SameDiff graph, what {@code SameDiff.calculateGradientsAndOutputs} computes,
 * run on its gradient function through a {@link RecyclingSession} so that a training step reuses the arrays of
 * the step before.
 */
final class CachedGradients {

    /** The name SameDiff gives its gradient function ({@code SameDiff.GRAD_FN_KEY}, not public in M2.1). */
    private static final String GRAD_FUNCTION = "grad";

    private final RecyclingSession session;
    private final List<String> outputs;
    private final List<String> parameters;
    /** The gradient variables' names, by parameter. */
    private final List<String> gradientNames;
    private final Set<String> taken;

    /**
     * @param sd         the graph; its gradient function must already exist ({@code createGradFunction})
     * @param outputs    activations wanted besides the gradients (the loss)
     * @param parameters the variables whose gradients are wanted
     */
    CachedGradients(SameDiff sd, List<String> outputs, List<String> parameters) {
        SameDiff grad = sd.getFunction(GRAD_FUNCTION);
        if (grad == null) {
            throw new IllegalStateException("the graph has no gradient function: call createGradFunction first");
        }
        this.session = new RecyclingSession(grad, Operation.TRAINING);
        this.outputs = List.copyOf(outputs);
        List<String> names = new ArrayList<>();
        List<String> withGradient = new ArrayList<>();
        for (String p : parameters) {
            SDVariable gradient = sd.getVariable(p).getGradient();
            if (gradient != null) { // a variable the loss does not reach has none
                withGradient.add(p);
                names.add(gradient.name());
            }
        }
        this.parameters = List.copyOf(withGradient);
        this.gradientNames = List.copyOf(names);
        this.taken = Set.copyOf(names);
    }

    /**
     * The gradient pass of a graph whose loss is {@link TokenLoss#TRAIN_LOSS}, with the in-graph loss as its output:
     * builds the gradient function first (its "Added differentiated op" lines kept off standard output).
     */
    static CachedGradients ofLoss(SameDiff sd, List<String> parameters) {
        QuietStdout.run(() -> {
            sd.createGradFunction();
            return null;
        });
        return new CachedGradients(sd, List.of(TokenLoss.TOKEN_LOSS), parameters);
    }

    /** The requested outputs by name, and the gradients keyed by their parameter's name. */
    Result run(Map<String, INDArray> placeholders) {
        Map<String, INDArray> all = session.run(placeholders, outputs, taken);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String o : outputs) {
            out.put(o, all.get(o));
        }
        Map<String, INDArray> grads = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            grads.put(parameters.get(i), all.get(gradientNames.get(i)));
        }
        return new Result(out, grads);
    }

    record Result(Map<String, INDArray> outputs, Map<String, INDArray> gradients) {
    }
}
