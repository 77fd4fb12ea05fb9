package io.github.goldkd.student;

import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

import java.util.function.Supplier;

/**
 * A random generator of one network, for the randomness DL4J draws while it trains that network.
 *
 * <p>Why: in DL4J/ND4J 1.0.0-M2.1 dropout masks come from ND4J's generator of the calling thread
 * ({@code Nd4j.getRandom()}, a thread-local of {@code RandomFactory}; {@code Dropout} runs the random op
 * {@code DropOutInverted} through the executioner, which draws from it), and building a network re-seeds that
 * same generator with the configuration's seed (building the configuration does, and {@code init()} before it
 * initialises the weights). Seeding that generator at the start of a fit made a student's dropout depend on
 * whatever else used it on the thread meanwhile (a listener, another model), and every build or fit moved the
 * caller's generator. So each fit keeps its own generator state (the native generator's two 64-bit words,
 * {@code rootState}/{@code nodeState}), swaps it into the thread's generator around each training step and
 * swaps the caller's back afterwards; building a network restores the caller's state too. The weights still
 * follow the network configuration's {@code seed(...)}; shuffling and the validation split use
 * {@link java.util.SplittableRandom}s from the fit seed.
 *
 * <p>Not thread-safe: it belongs to the one thread that trains its network.
 */
final class NetworkRandom {

    private long rootState;
    private long nodeState;

    private NetworkRandom(long rootState, long nodeState) {
        this.rootState = rootState;
        this.nodeState = nodeState;
    }

    /** A generator started from {@code seed}, as ND4J's {@code setSeed} starts one. */
    static NetworkRandom seeded(long seed) {
        return isolated(() -> {
            Random thread = Nd4j.getRandom();
            thread.setSeed(seed);
            return new NetworkRandom(thread.rootState(), thread.nodeState());
        });
    }

    /** Runs {@code work} with this generator in place of the thread's; afterwards the thread's is as it was. */
    <T> T draw(Supplier<T> work) {
        Random thread = Nd4j.getRandom();
        long callerRoot = thread.rootState();
        long callerNode = thread.nodeState();
        thread.setStates(rootState, nodeState);
        try {
            return work.get();
        } finally {
            rootState = thread.rootState();
            nodeState = thread.nodeState();
            thread.setStates(callerRoot, callerNode);
        }
    }

    /**
     * Runs {@code work} and puts the thread's generator back where it was. The students build every network
     * through it: DL4J re-seeds the thread's generator with the configuration's seed while it builds the
     * configuration and initialises the weights.
     */
    static <T> T isolated(Supplier<T> work) {
        Random thread = Nd4j.getRandom();
        long callerRoot = thread.rootState();
        long callerNode = thread.nodeState();
        try {
            return work.get();
        } finally {
            thread.setStates(callerRoot, callerNode);
        }
    }
}
