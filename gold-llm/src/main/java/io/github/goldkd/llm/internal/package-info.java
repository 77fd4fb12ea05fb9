/**
 * Helpers of the chat-model clients and the generator (retry timing, rate limiting, redaction, hashing).
 * Not part of the public API: they may change without notice.
 */
package io.github.goldkd.llm.internal;
