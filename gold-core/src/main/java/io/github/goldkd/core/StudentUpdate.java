package io.github.goldkd.core;

/** How the in-loop student is updated every {@code updateStudentEvery} rounds. */
public enum StudentUpdate {
    /** One more pass over all data so far, continuing from the current weights (the reference). */
    CONTINUE,
    /** A fresh student trained on all data so far. */
    RETRAIN
}
