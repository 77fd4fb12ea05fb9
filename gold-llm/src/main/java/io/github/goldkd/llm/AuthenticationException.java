package io.github.goldkd.llm;

/** The server refused the credential (HTTP 401) or the access (HTTP 403). */
public class AuthenticationException extends NonRetriableException {

    public AuthenticationException(String message, int statusCode, String serverMessage) {
        super(message, statusCode, serverMessage, null);
    }
}
