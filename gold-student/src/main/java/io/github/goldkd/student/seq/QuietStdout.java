package io.github.goldkd.student.seq;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * SameDiff 1.0.0-M2.1 writes "Added differentiated op ..." to standard output for every op while it
 * builds the gradient function ({@code SameDiff.createGradFunction}, reached on the first {@code fit} and after
 * {@code load}); there is no switch for it. Library code never prints, so that one call runs with
 * {@code System.out} replaced by a stream that sends those lines to SLF4J (trace) and passes every other line
 * through to the original stream unchanged (another thread's output during the call is kept, only delayed to
 * its line end). Calls are serialised, so two students never swap the stream over each other. Both sequence
 * students build and load their graphs through it.
 */
final class QuietStdout {

    private static final Logger log = LoggerFactory.getLogger(QuietStdout.class);
    private static final String NOISE = "Added differentiated op";

    private QuietStdout() {
    }

    static synchronized <T> T run(Supplier<T> action) {
        PrintStream original = System.out;
        LineFilter filter = new LineFilter(original);
        PrintStream quiet = new PrintStream(filter, true, StandardCharsets.UTF_8);
        System.setOut(quiet);
        try {
            return action.get();
        } finally {
            quiet.flush();
            filter.finish();
            System.setOut(original);
        }
    }

    /** Buffers bytes up to each line end, then drops the SameDiff line or forwards it. */
    private static final class LineFilter extends OutputStream {
        private final PrintStream target;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineFilter(PrintStream target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) {
            line.write(b);
            if (b == '\n') {
                emit();
            }
        }

        private void emit() {
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (text.startsWith(NOISE)) {
                log.trace("{}", text.strip());
            } else {
                target.print(text);
                target.flush();
            }
        }

        synchronized void finish() {
            if (line.size() > 0) {
                emit();
            }
        }
    }
}
