/** The benchmark of the in-process llama.cpp teacher (a program, not part of the library's API). */
package io.github.goldkd.llm.llamacpp.bench;
