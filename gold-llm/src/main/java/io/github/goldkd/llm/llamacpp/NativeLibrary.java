package io.github.goldkd.llm.llamacpp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the native library of {@code de.kherud:llama} without printing. Its loader (the static initialiser
 * of {@code LlamaModel}) writes "Extracted 'libjllama.so' to '...'" to {@code System.out} whenever it
 * extracts the library, and its failures to {@code System.err}; the binding offers no switch for that. So
 * the first load runs with both streams replaced: what the loading thread writes goes to the log (logger
 * {@value NativeLog#LOGGER_NAME}), what any other thread writes in that moment passes through unchanged.
 */
final class NativeLibrary {

    private static final Logger LOG = LoggerFactory.getLogger(NativeLog.LOGGER_NAME);

    private static boolean loaded; // guarded by NativeLibrary.class

    private NativeLibrary() {
    }

    /**
     * Initialises {@code de.kherud.llama.LlamaModel} (which loads the native library) once per class loader.
     *
     * @throws UnsatisfiedLinkError when the native library does not load (the binding's own error)
     */
    static synchronized void load() {
        if (loaded) {
            return;
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        Thread loader = Thread.currentThread();
        ByteArrayOutputStream printedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream printedErr = new ByteArrayOutputStream();
        Charset outEncoding = encoding("sun.stdout.encoding");
        Charset errEncoding = encoding("sun.stderr.encoding");
        PrintStream routedOut = routed(out, printedOut, loader, outEncoding);
        PrintStream routedErr = routed(err, printedErr, loader, errEncoding);
        System.setOut(routedOut);
        System.setErr(routedErr);
        boolean ok = false;
        try {
            Class.forName("de.kherud.llama.LlamaModel", true, NativeLibrary.class.getClassLoader());
            ok = true;
            loaded = true;
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("de.kherud.llama.LlamaModel is not on the class path", e);
        } finally {
            // leave a stream that someone else installed meanwhile alone
            if (System.out == routedOut) {
                System.setOut(out);
            }
            if (System.err == routedErr) {
                System.setErr(err);
            }
            for (String line : lines(printedOut, outEncoding)) {
                LOG.debug("{}", line);
            }
            for (String line : lines(printedErr, errEncoding)) {
                if (ok) {
                    LOG.debug("{}", line);
                } else {
                    LOG.warn("{}", line);
                }
            }
        }
    }

    /** A stream that captures the loader thread's bytes and passes every other thread's to {@code original}. */
    private static PrintStream routed(PrintStream original, ByteArrayOutputStream captured, Thread loader,
                                      Charset encoding) {
        OutputStream byThread = new OutputStream() {
            @Override
            public void write(int b) {
                if (Thread.currentThread() == loader) {
                    synchronized (captured) {
                        captured.write(b);
                    }
                } else {
                    original.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (Thread.currentThread() == loader) {
                    synchronized (captured) {
                        captured.write(b, off, len);
                    }
                } else {
                    original.write(b, off, len);
                }
            }

            @Override
            public void flush() throws IOException {
                if (Thread.currentThread() != loader) {
                    original.flush();
                }
            }
        };
        return new PrintStream(byThread, true, encoding);
    }

    /** The encoding the JVM gave the standard stream, so that other threads' text passes through unchanged. */
    private static Charset encoding(String property) {
        String name = System.getProperty(property);
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return Charset.defaultCharset();
        }
    }

    private static List<String> lines(ByteArrayOutputStream captured, Charset encoding) {
        List<String> out = new ArrayList<>();
        String text;
        synchronized (captured) {
            text = captured.toString(encoding);
        }
        for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        return out;
    }
}
