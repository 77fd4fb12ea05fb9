/**
 * An in-process LLM teacher: {@link io.github.goldkd.llm.llamacpp.LlamaCppChatModel} runs a GGUF model with
 * llama.cpp inside the JVM (optional dependency {@code de.kherud:llama:4.2.0}), with answers constrained by
 * GBNF grammars ({@link io.github.goldkd.llm.llamacpp.GbnfGrammar}) so that they always parse;
 * {@link io.github.goldkd.llm.llamacpp.TinyGguf} writes tiny random-weight models for tests and benchmarks.
 * Nothing in this package loads the native library until a model is built.
 */
package io.github.goldkd.llm.llamacpp;
