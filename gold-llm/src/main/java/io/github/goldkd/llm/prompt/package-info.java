/**
 * Prompt templates per task kind and the parser of the model's JSON answers.
 */
package io.github.goldkd.llm.prompt;
