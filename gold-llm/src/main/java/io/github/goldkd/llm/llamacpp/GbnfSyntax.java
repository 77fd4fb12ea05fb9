package io.github.goldkd.llm.llamacpp;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Checks that a text is a GBNF grammar llama.cpp will accept, before llama.cpp sees it.
 *
 * <p>Why: llama.cpp does not fail on a grammar it cannot parse (a syntax error, a rule used but never defined, no
 * {@code root} rule). It writes "failed to parse grammar" to the process's standard error and generates
 * <em>unconstrained</em> text, which a caller that asked for JSON then rejects answer by answer without ever
 * learning why. So the grammars this library did not write itself are checked here first, by the same rules as
 * llama.cpp's grammar parser ({@code llama-grammar.cpp}, version of the binding): rules {@code name ::= ...}
 * ending at a line end (inside parentheses and after {@code |} lines may continue), names of ASCII letters,
 * digits and {@code -}, string literals and character classes with the escapes <code>\x</code> + 2,
 * <code>&#92;u</code> + 4 and <code>&#92;U</code> + 8 hexadecimal digits and {@code \t \r \n \\ \" \[ \]},
 * groups, {@code .}, the repetitions {@code * + ?} and
 * {@code {m}}, {@code {m,}}, {@code {m,n}}, and {@code #} comments.
 */
final class GbnfSyntax {

    private final String src;
    private int pos;
    private final Map<String, Integer> defined = new LinkedHashMap<>();
    private final Map<String, Integer> used = new LinkedHashMap<>();

    private GbnfSyntax(String src) {
        this.src = src;
    }

    /** Throws {@link IllegalArgumentException} naming the line and column of the first fault; otherwise returns. */
    static void check(String grammar) {
        if (grammar == null || grammar.isBlank()) {
            throw new IllegalArgumentException("the grammar is empty");
        }
        new GbnfSyntax(grammar).parse();
    }

    private void parse() {
        space(true);
        while (pos < src.length()) {
            rule();
        }
        if (!defined.containsKey("root")) {
            throw new IllegalArgumentException("the grammar has no 'root' rule (llama.cpp starts there)");
        }
        Set<String> undefined = new LinkedHashSet<>(used.keySet());
        undefined.removeAll(defined.keySet());
        if (!undefined.isEmpty()) {
            String first = undefined.iterator().next();
            throw fault("rule '" + first + "' is used but never defined", used.get(first));
        }
    }

    private void rule() {
        int start = pos;
        String name = name();
        defined.putIfAbsent(name, start);
        space(false);
        if (!src.startsWith("::=", pos)) {
            throw fault("expecting '::=' after the rule name '" + name + "'", pos);
        }
        pos += 3;
        space(true);
        alternates(false);
        if (at('\r')) {
            pos += src.startsWith("\r\n", pos) ? 2 : 1;
        } else if (at('\n')) {
            pos++;
        } else if (pos < src.length()) {
            throw fault("expecting the end of the line after rule '" + name + "', found '" + src.charAt(pos) + "'", pos);
        }
        space(true);
    }

    private void alternates(boolean nested) {
        sequence(nested);
        while (at('|')) {
            pos++;
            space(true);
            sequence(nested);
        }
    }

    private void sequence(boolean nested) {
        boolean item = false;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '"') {
                int open = pos++;
                while (!at('"')) {
                    if (pos >= src.length()) {
                        throw fault("string literal never closed", open);
                    }
                    character();
                }
                pos++;
                item = true;
            } else if (c == '[') {
                int open = pos++;
                if (at('^')) {
                    pos++;
                }
                while (!at(']')) {
                    if (pos >= src.length()) {
                        throw fault("character class never closed", open);
                    }
                    character();
                    if (at('-') && pos + 1 < src.length() && src.charAt(pos + 1) != ']') {
                        pos++;
                        character();
                    }
                }
                pos++;
                item = true;
            } else if (isWordChar(c)) {
                int start = pos;
                used.putIfAbsent(name(), start);
                item = true;
            } else if (c == '(') {
                int open = pos++;
                space(true);
                alternates(true);
                if (!at(')')) {
                    throw fault("expecting ')' to close the group opened", open);
                }
                pos++;
                item = true;
            } else if (c == '.') {
                pos++;
                item = true;
            } else if (c == '*' || c == '+' || c == '?') {
                if (!item) {
                    throw fault("'" + c + "' has no item before it to repeat", pos);
                }
                pos++;
            } else if (c == '{') {
                if (!item) {
                    throw fault("'{' has no item before it to repeat", pos);
                }
                repetition(nested);
            } else {
                break;
            }
            space(nested);
        }
    }

    /** {@code {m}}, {@code {m,}} or {@code {m,n}} with m <= n. */
    private void repetition(boolean nested) {
        int open = pos++;
        space(nested);
        long min = integer();
        space(nested);
        long max = min;
        if (at(',')) {
            pos++;
            space(nested);
            max = at('}') ? Long.MAX_VALUE : integer();
            space(nested);
        }
        if (!at('}')) {
            throw fault("expecting '}' to close the repetition opened", open);
        }
        if (max < min) {
            throw fault("repetition {" + min + "," + max + "} has a maximum below its minimum", open);
        }
        pos++;
    }

    private long integer() {
        int start = pos;
        while (pos < src.length() && Character.isDigit(src.charAt(pos)) && src.charAt(pos) < 128) {
            pos++;
        }
        if (start == pos) {
            throw fault("expecting a number", pos);
        }
        try {
            return Long.parseLong(src.substring(start, pos));
        } catch (NumberFormatException e) {
            throw fault("number too large", start);
        }
    }

    /** One character of a literal or class: an escape or any code point. */
    private void character() {
        if (src.charAt(pos) != '\\') {
            pos += Character.charCount(src.codePointAt(pos));
            return;
        }
        int escape = pos++;
        if (pos >= src.length()) {
            throw fault("escape at the end of the grammar", escape);
        }
        char e = src.charAt(pos++);
        switch (e) {
            case 'x' -> hex(2, escape);
            case 'u' -> hex(4, escape);
            case 'U' -> hex(8, escape);
            case 't', 'r', 'n', '\\', '"', '[', ']' -> { }
            default -> throw fault("unknown escape '\\" + e + "'", escape);
        }
    }

    private void hex(int digits, int escape) {
        for (int i = 0; i < digits; i++) {
            if (pos >= src.length() || Character.digit(src.charAt(pos), 16) < 0) {
                throw fault("escape needs " + digits + " hexadecimal digits", escape);
            }
            pos++;
        }
    }

    private String name() {
        int start = pos;
        while (pos < src.length() && isWordChar(src.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw fault("expecting a rule name (letters, digits, '-'), found '" + src.charAt(pos) + "'", pos);
        }
        return src.substring(start, pos);
    }

    /** Spaces, tabs and comments; line ends too where a rule may continue. */
    private void space(boolean newlineOk) {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == ' ' || c == '\t' || (newlineOk && (c == '\r' || c == '\n'))) {
                pos++;
            } else if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\r' && src.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private boolean at(char c) {
        return pos < src.length() && src.charAt(pos) == c;
    }

    private static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    }

    private IllegalArgumentException fault(String what, int at) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < at && i < src.length(); i++) {
            if (src.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new IllegalArgumentException("invalid GBNF grammar: " + what + " at line " + line + ", column " + column);
    }
}
