/**
 * The generator side of GOLD.
 *
 * <ul>
 *   <li>The chat-model API: {@link io.github.goldkd.llm.ChatModel} with {@link io.github.goldkd.llm.ChatRequest},
 *       {@link io.github.goldkd.llm.ChatMessage}, {@link io.github.goldkd.llm.ResponseFormat},
 *       {@link io.github.goldkd.llm.ChatResponse}, {@link io.github.goldkd.llm.TokenUsage} and the exceptions
 *       under {@link io.github.goldkd.llm.LlmException} (retriable and non-retriable apart).</li>
 *   <li>HTTP clients: {@link io.github.goldkd.llm.OpenAiChatModel} (OpenAI-compatible servers) and
 *       {@link io.github.goldkd.llm.OllamaChatModel}, on {@link io.github.goldkd.llm.HttpChatModel} (retries,
 *       timeouts, concurrency, rate limits, structured-output fallback).</li>
 *   <li>The teacher: {@link io.github.goldkd.llm.LlmGenerator} (a {@code gold-core} generator) with its
 *       {@link io.github.goldkd.llm.RequestCache} and {@link io.github.goldkd.llm.Budget}; the few-shot
 *       teacher-as-solver baseline {@link io.github.goldkd.llm.LlmPredictor} (the paper's "LLM" row, every
 *       task kind), both sending their requests through one fan-out (cache, budget, pool).</li>
 * </ul>
 * Prompts and answer parsing are in {@code prompt}, sample filters in {@code filter}; the offline
 * corpus-backed teacher is in {@code corpus}.
 */
package io.github.goldkd.llm;
