package io.github.goldkd.llm.llamacpp;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.LogLevel;
import de.kherud.llama.args.LogFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes llama.cpp's own log messages into SLF4J, logger {@value #LOGGER_NAME}: its debug messages at
 * trace (they come per request), everything else at debug, so that a library user sees them only when
 * asking for them.
 *
 * <p>The binding has two log paths. The server layer's log (model loading, per-request timings) cannot be
 * redirected; it is switched off with {@code --log-disable} when the model is loaded. The llama.cpp
 * callback ({@link LlamaModel#setLogger}) is global to the process and is reset by every model load, so it
 * is installed again after each one.
 */
final class NativeLog {

    static final String LOGGER_NAME = "io.github.goldkd.llm.llamacpp.native";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);

    private NativeLog() {
    }

    /** Installs the callback (call after every model load; loading resets it). */
    static synchronized void install() {
        LlamaModel.setLogger(LogFormat.TEXT, NativeLog::accept);
    }

    private static void accept(LogLevel level, String message) {
        if (message == null) {
            return;
        }
        String m = message.strip();
        if (m.isEmpty()) {
            return;
        }
        if (level == LogLevel.DEBUG) {
            LOG.trace("{}", m);
        } else {
            LOG.debug("[{}] {}", level, m);
        }
    }
}
