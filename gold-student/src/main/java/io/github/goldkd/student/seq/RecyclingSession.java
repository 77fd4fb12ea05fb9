package io.github.goldkd.student.seq;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.config.ExecutionResult;
import org.nd4j.autodiff.samediff.config.SDValue;
import org.nd4j.autodiff.samediff.internal.FrameIter;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Runs a SameDiff graph call after call with an execution session whose arrays are reused between calls
 * ({@link StepMemory}), where {@code SameDiff.output} and {@code calculateGradientsAndOutputs} allocate most of
 * them afresh every call.
 *
 * <p>Why: the sequence students call their graphs thousands of times with the same few shapes (a training step per
 * batch, a decoder step per output token), and in 1.0.0-M2.1 the allocation and zeroing of op outputs was 40 % of
 * a seq2seq training step (BENCHMARKS.md): {@code calculateGradientsAndOutputs} switches its gradient function's
 * array cache off on every call, and SameDiff's cache ({@code ArrayCacheMemoryMgr}) only gets back what the
 * session releases, which in these graphs is two thirds of a call's arrays. The session is SameDiff's own
 * {@link InferenceSession} with two methods overridden (below), so the results are the same bits (tested against
 * SameDiff's calls).
 *
 * <p>The returned arrays belong to the caller.
 */
final class RecyclingSession {

    private final SameDiff graph;
    private final Operation phase;
    /**
     * One session per thread, as SameDiff keeps its own, but held weakly by the thread: a server that runs
     * predictions on ever new threads does not pile up the sessions (and the buffers their memory pools) of
     * threads that have ended, and a map owned by this object, not a ThreadLocal, lets them go with the student.
     */
    private final Map<Thread, Session> sessions = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * @param graph the graph to run (for gradients, its gradient function); its structure must not change after
     * @param phase {@link Operation#TRAINING} for a training step (what ops that read the phase see), else
     *              {@link Operation#INFERENCE}
     */
    RecyclingSession(SameDiff graph, Operation phase) {
        this.graph = graph;
        this.phase = phase;
    }

    /** The named outputs of one call, in the order asked for. */
    Map<String, INDArray> run(Map<String, INDArray> placeholders, List<String> outputs) {
        return run(placeholders, outputs, Set.of());
    }

    /**
     * The named outputs of one call and, after them, the variables in {@code taken}: computed and taken as the ops
     * write them rather than requested as outputs, because M2.1 copies the graph's whole variable map once per
     * requested output to check its name (6 % of a seq2seq training step for 60 gradients). A variable in
     * {@code taken} must not be read by any op of the graph (a gradient is not).
     */
    Map<String, INDArray> run(Map<String, INDArray> placeholders, List<String> outputs, Set<String> taken) {
        Session s = sessions.computeIfAbsent(Thread.currentThread(), t -> new Session(graph));
        s.memory.beginStep();
        s.taken = taken;
        s.took.clear();
        // the session gives arrays back to its memory only while the graph's cache flag is on, and SameDiff's
        // calculateGradientsAndOutputs switches it off on its gradient function at every call
        graph.setEnableCache(true);
        ExecutionResult result = s.output(outputs, placeholders, Map.of(), null, taken, List.of(),
                At.defaultAt(phase));
        Map<String, INDArray> all = new LinkedHashMap<>();
        if (result.hasValues()) {
            for (Map.Entry<String, SDValue> e : result.getValueOutputs().entrySet()) {
                all.put(e.getKey(), e.getValue().getTensorValue());
            }
        } else {
            all.putAll(ExecutionResult.unpack(result.getOutputs()));
        }
        s.memory.handOver(all.values());
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String o : outputs) {
            out.put(o, all.get(o));
        }
        for (String t : taken) {
            INDArray a = s.took.get(t);
            if (a == null) {
                throw new IllegalStateException("variable '" + t + "' was not computed by the call");
            }
            out.put(t, a);
        }
        s.took.clear();
        return out;
    }

    /**
     * SameDiff's session with three changes for a graph whose structure no longer changes: its memory is a
     * {@link StepMemory}; the subgraph a set of outputs needs is worked out once, not at every call (M2.1 walks
     * the graph from the outputs each time, matching every variable name against a regular expression: 9 % of a
     * seq2seq training step); and the variables of {@link #run(Map, List, Set)}'s {@code taken} are kept as their
     * ops write them.
     */
    private static final class Session extends InferenceSession {

        /** In the order the walk found them, which SameDiff keeps. */
        private record Subgraph(List<String> variables, List<String> ops, List<String> zeroInputOps) {
        }

        private final Map<Set<String>, Subgraph> subgraphs = new HashMap<>();
        private final StepMemory memory = new StepMemory();
        private Set<String> taken = Set.of();
        private final Map<String, INDArray> took = new HashMap<>();

        Session(SameDiff graph) {
            super(graph);
            setMmgr(memory);
        }

        @Override
        protected void initSubgraph(Set<String> variables) {
            Subgraph known = subgraphs.get(variables);
            if (known == null) {
                super.initSubgraph(variables);
                subgraphs.put(Set.copyOf(variables), new Subgraph(List.copyOf(subgraph), List.copyOf(subgraphOps),
                        List.copyOf(zeroInputOpsInSubgraph)));
                return;
            }
            // the fields are cleared before this call (zeroInputOpsInSubgraph never is: adding is what M2.1 does)
            subgraph.addAll(known.variables());
            subgraphOps.addAll(known.ops());
            zeroInputOpsInSubgraph.addAll(known.zeroInputOps());
        }

        @Override
        public ExecutionResult getOutputs(Pair<SameDiffOp, OpContext> opPair, FrameIter outputFrameIter,
                                          Set<VarId> opInputs, Set<VarId> allIterInputs,
                                          Set<String> constAndPhInputs, List<Listener> listeners, At at,
                                          MultiDataSet batch, Set<String> allReqVariables,
                                          Map<String, SDValue> otherPlaceHolders) {
            ExecutionResult out = super.getOutputs(opPair, outputFrameIter, opInputs, allIterInputs,
                    constAndPhInputs, listeners, at, batch, allReqVariables, otherPlaceHolders);
            if (!taken.isEmpty()) {
                List<String> names = opPair.getFirst().getOutputsOfOp();
                for (int i = 0; i < names.size(); i++) {
                    if (taken.contains(names.get(i))) {
                        // no op reads it, so the call above has just released it to the memory: take it back
                        INDArray a = out.resultOrValueAt(i, false);
                        memory.keep(a);
                        took.put(names.get(i), a);
                    }
                }
            }
            return out;
        }
    }
}
