package io.github.goldkd.core;

import io.github.goldkd.core.testing.ControlledStudent;
import io.github.goldkd.core.testing.Faults;
import io.github.goldkd.core.testing.Fixtures;
import io.github.goldkd.core.testing.ScriptedGenerator;
import io.github.goldkd.core.testing.TestScorer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A second process for {@link RunStoreLockTest}: starts a run in the directory given as the argument, says
 * "round 0 committed" on standard output after its first round, and then waits there until its standard
 * input closes or it is killed.
 */
public final class RunHolderMain {

    private RunHolderMain() {
    }

    public static void main(String[] args) {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        DistillationListener pause = new DistillationListener() {
            @Override
            public void onRoundEnd(RoundReport report) {
                if (report.round() == 0) {
                    System.out.println("round 0 committed");
                    System.out.flush();
                    try {
                        while (in.readLine() != null) {
                            // wait
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };
        RunStoreLockTest.start(Path.of(args[0]), Faults.none()).listener(pause).build().run();
    }
}
