/** Benchmarks of the library through its public API (programs, not part of any module's API). */
package io.github.goldkd.examples.bench;
