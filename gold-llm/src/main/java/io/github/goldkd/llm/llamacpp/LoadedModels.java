package io.github.goldkd.llm.llamacpp;

import de.kherud.llama.LlamaModel;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The process's loaded llama.cpp models that no {@link LlamaCppChatModel} uses at the moment.
 *
 * <p>Why a pool: the binding (java-llama.cpp 4.2.0) cannot free a model. Its {@code close()} stops the worker
 * but leaves the model, its context and compute buffers allocated (java-llama.cpp issue 102); measured on the
 * tiny test model, every load/close cycle kept about 20 MB. So a closed chat model hands its native model back
 * here, and the next chat model built with the same file and load settings takes it instead of loading again:
 * memory is bounded by the number of models in use at once, not by the number of cycles. When the binding
 * frees memory on close, this class can close instead of keeping.
 */
final class LoadedModels {

    /** What makes two loads interchangeable: the same file contents (by path, size and time) and load settings. */
    record Key(String file, long size, long modified, int contextSize, int threads, String chatTemplate,
               boolean jinja) {
    }

    private static final Map<Key, Deque<LlamaModel>> IDLE = new HashMap<>();

    private LoadedModels() {
    }

    /** An idle model for {@code key}, or null. */
    static synchronized LlamaModel take(Key key) {
        Deque<LlamaModel> q = IDLE.get(key);
        if (q == null || q.isEmpty()) {
            return null;
        }
        LlamaModel m = q.pop();
        if (q.isEmpty()) {
            IDLE.remove(key);
        }
        return m;
    }

    /** Keeps a model no chat model uses any more, for the next {@link #take} with the same key. */
    static synchronized void giveBack(Key key, LlamaModel model) {
        IDLE.computeIfAbsent(key, k -> new ArrayDeque<>()).push(model);
    }

    /** How many loaded models wait for reuse. */
    static synchronized int idle() {
        int n = 0;
        for (Deque<LlamaModel> q : IDLE.values()) {
            n += q.size();
        }
        return n;
    }
}
