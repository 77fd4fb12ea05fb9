/** Filters that reject generated candidates (empty, over-long, duplicate, wrong label), with a reason each. */
package io.github.goldkd.llm.filter;
