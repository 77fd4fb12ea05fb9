package io.github.goldkd.core.testing;

import java.util.HashMap;
import java.util.Map;

/** Throws a {@link InjectedFault} at the n-th occurrence (1-based) of one named event. */
public final class Faults {

    private final String event;
    private final int occurrence;
    private final Map<String, Integer> counts = new HashMap<>();

    private Faults(String event, int occurrence) {
        this.event = event;
        this.occurrence = occurrence;
    }

    public static Faults none() {
        return new Faults("", 0);
    }

    public static Faults at(String event, int occurrence) {
        return new Faults(event, occurrence);
    }

    /** Records an event; throws when it is the planned one. */
    public void hit(String name) {
        int n = counts.merge(name, 1, Integer::sum);
        if (name.equals(event) && n == occurrence) {
            throw new InjectedFault(name + " #" + n);
        }
    }

    /** How often an event happened. */
    public int count(String name) {
        return counts.getOrDefault(name, 0);
    }

    /** The planned crash. */
    public static final class InjectedFault extends RuntimeException {
        public InjectedFault(String message) {
            super("injected fault at " + message);
        }
    }
}
