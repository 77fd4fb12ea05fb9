package io.github.goldkd.llm;

/**
 * What one server behind an HTTP chat model has done so far.
 *
 * @param url              the server's endpoint: scheme, host, port and path only (no credentials)
 * @param requests         attempts sent to it (a retried request counts once per attempt)
 * @param failures         attempts that failed there (I/O errors, timeouts, error statuses, unreadable answers)
 * @param promptTokens     prompt tokens of its answers
 * @param completionTokens completion tokens of its answers
 * @param timesTakenOut    how often it was taken out of service after repeated failures
 */
public record ServerStats(String url, long requests, long failures, long promptTokens, long completionTokens,
                          long timesTakenOut) {
}
