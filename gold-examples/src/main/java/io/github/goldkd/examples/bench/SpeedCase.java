package io.github.goldkd.examples.bench;

import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.Task;

import java.util.List;
import java.util.Map;

/**
 * One student measured by {@link SequenceSpeedBenchmark}: how to build it, the data it trains and decodes on, and
 * the PyTorch harness's spec of the same network on the same shapes. Nothing here knows a student class: a case
 * takes any {@link StudentFactory} and {@link Task}.
 */
interface SpeedCase {

    /** The case's name in the table and on the command line. */
    String name();

    Task task();

    /** The student factory, its ND4J thread count set to {@code threads} where the student has that setting. */
    StudentFactory factory(int threads);

    /** Samples per training step (the student's mini-batch). */
    int batchSize();

    /** Exactly {@code steps * batchSize()} training samples, the same for the same seed. */
    List<Sample> trainData(int steps, long seed);

    /** Samples to decode, the same for the same seed ({@code train}: the training samples, already seen). */
    List<Sample> decodeData(int count, long seed, List<Sample> train);

    /**
     * The model part of the PyTorch spec ({@code model} and its section, and {@code decode} without
     * {@code sequences}), read off the student after it has been trained and has decoded {@code decoded}
     * (so that the harness decodes as many steps per sequence as the student did).
     */
    Map<String, Object> torchSpec(Student trained, List<Sample> train, List<Sample> decode, List<String> decoded);
}
