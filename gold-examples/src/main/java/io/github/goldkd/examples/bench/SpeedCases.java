package io.github.goldkd.examples.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The cases {@link SequenceSpeedBenchmark} knows, by name, each built for a thread count. */
final class SpeedCases {

    private SpeedCases() {
    }

    static Map<String, Function<Integer, SpeedCase>> all() {
        Map<String, Function<Integer, SpeedCase>> cases = new LinkedHashMap<>();
        return cases;
    }
}
