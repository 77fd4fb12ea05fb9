/**
 * An in-process LLM teacher: {@link io.github.goldkd.llm.llamacpp.LlamaCppChatModel} runs a GGUF model with
 * llama.cpp inside the JVM (optional dependency {@code de.kherud:llama:4.2.0}), with answers constrained by
 * GBNF grammars ({@link io.github.goldkd.llm.llamacpp.GbnfGrammar}) so that they always parse. (The tiny
 * random-weight models of the tests and benchmarks are written by {@code TinyGguf}, a fixture in gold-llm's
 * test jar, not in this package's library jar.)
 * Nothing in this package loads the native library until a model is built.
 */
package io.github.goldkd.llm.llamacpp;
