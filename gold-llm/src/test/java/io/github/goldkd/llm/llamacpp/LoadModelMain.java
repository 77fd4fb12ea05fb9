package io.github.goldkd.llm.llamacpp;

import java.nio.file.Path;

/**
 * A fresh JVM for {@link NativeLibraryTest}: the binding extracts its native library once per JVM, so only a
 * new process shows what the first load prints. Writes the tiny GGUF to the path given, loads it, and prints
 * "loaded" (standard output works again afterwards).
 */
public final class LoadModelMain {

    private LoadModelMain() {
    }

    public static void main(String[] args) {
        Path file = TinyGguf.builder().seed(3).build().write(Path.of(args[0]));
        try (LlamaCppChatModel model = LlamaCppChatModel.builder().modelPath(file).contextSize(256).threads(1)
                .build()) {
            System.out.println("loaded " + model.modelName());
        }
        System.exit(0); // a native thread of the binding is not a daemon and would keep the JVM alive
    }
}
