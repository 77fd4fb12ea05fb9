/**
 * Filters that reject generated candidates, with a reason each: {@link io.github.goldkd.llm.filter.CandidateFilter}
 * for every kind (empty, over-long, duplicate, wrong label) and {@link io.github.goldkd.llm.filter.SequenceFilter}
 * for the rules of each sequence kind (an answer that is a span of the context, an expression over the
 * problem's numbers, length bounds).
 */
package io.github.goldkd.llm.filter;
