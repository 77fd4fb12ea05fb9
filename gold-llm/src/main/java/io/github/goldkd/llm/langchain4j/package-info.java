/**
 * langchain4j chat models as GOLD teachers: {@link io.github.goldkd.llm.langchain4j.LangChain4jChatModel} wraps
 * any langchain4j 1.x {@code ChatModel} (optional dependency {@code dev.langchain4j:langchain4j-core}, plus the
 * provider's module). Nothing in this package is loaded unless the adapter is used.
 */
package io.github.goldkd.llm.langchain4j;
