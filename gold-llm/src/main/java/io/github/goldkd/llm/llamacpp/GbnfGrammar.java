package io.github.goldkd.llm.llamacpp;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Task;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * GBNF grammars (llama.cpp's grammar language) that make a model's answer a JSON sample of a task, so that
 * every answer parses, whatever the model.
 *
 * <ul>
 *   <li>{@link #forSample}: one object with the task's input fields as strings and the {@code label} fixed to
 *       the requested one (or any of the task's labels); a sequence task's object has its output field
 *       ({@link Task#outputField()}, e.g. {@code answer}) as a string after the input fields instead;</li>
 *   <li>{@link #forSamples}: a JSON array of such objects, one per requested label, in order;</li>
 *   <li>{@link #fromJsonSchema}: the subset of JSON Schema that structured-output prompts use (objects with
 *       properties, strings with {@code enum}, {@code const}, {@code minLength}, {@code maxLength}, numbers,
 *       integers, booleans, null, arrays with {@code items}, {@code minItems}, {@code maxItems});</li>
 *   <li>{@link #jsonObject}: any JSON object ("JSON mode").</li>
 * </ul>
 *
 * <p>Strings are bounded ({@code maxStringLength} characters, schema {@code maxLength} when smaller) and
 * start with a visible character, so that even a model with random weights closes them and the sample
 * survives a minimum-length filter; white space between tokens is at most one space. Object members come
 * in the schema's order. Label and key texts are JSON-encoded, then escaped for GBNF ({@link #literal}), so
 * any label text is safe.
 */
public final class GbnfGrammar {

    /** The default bound on the length of generated strings, in characters. */
    public static final int DEFAULT_MAX_STRING_LENGTH = 2000;

    private static final Gson JSON = new GsonBuilder().disableHtmlEscaping().create();

    /** A JSON string character: anything but quote, backslash and control characters, or an escape. */
    private static final String CHAR_RULE = "char ::= [^\"\\\\\\x7F\\x00-\\x1F] | \"\\\\\" ([\"\\\\/bfnrt] | "
            + "\"u\" [0-9a-fA-F]{4})";
    /** The first character of a string: visible (no space), and no escape. */
    private static final String FIRST_RULE = "first ::= [^\"\\\\\\x7F\\x00-\\x20]";
    private static final String WS_RULE = "ws ::= \" \"?";

    private GbnfGrammar() {
    }

    /**
     * One JSON object for a sample of {@code task}: the input fields as strings, then {@code "label"} fixed to
     * {@code label} (classification; {@code null} allows any of the task's labels) or the task's output field
     * as a string (sequence tasks, which take no label: {@code label} must be null). The members come in
     * this order, as in {@link io.github.goldkd.llm.prompt.SequenceTemplate}'s schema.
     */
    public static String forSample(Task task, String label, int maxStringLength) {
        Objects.requireNonNull(task, "task");
        requireMaxLength(maxStringLength);
        Rules r = new Rules(maxStringLength);
        r.add("root", sampleObject(r, task, label));
        return r.render();
    }

    /** A JSON array of {@code labels.size()} sample objects, the i-th with {@code labels.get(i)} (see {@link #forSample}). */
    public static String forSamples(Task task, List<String> labels, int maxStringLength) {
        Objects.requireNonNull(task, "task");
        requireMaxLength(maxStringLength);
        if (labels == null || labels.isEmpty()) {
            throw new IllegalArgumentException("labels must hold at least one label, was " + labels);
        }
        Rules r = new Rules(maxStringLength);
        StringBuilder root = new StringBuilder("\"[\" ws ");
        for (int i = 0; i < labels.size(); i++) {
            String rule = "sample" + i;
            r.add(rule, sampleObject(r, task, labels.get(i)));
            if (i > 0) {
                root.append(" \",\" ws ");
            }
            root.append(rule);
        }
        root.append(" ws \"]\"");
        r.add("root", root.toString());
        return r.render();
    }

    /**
     * A grammar for JSON that follows {@code schema} (compact or pretty JSON text). Throws
     * {@link UnsupportedSchemaException} for keywords outside the supported subset (see the class comment),
     * so that a caller can fall back to another converter.
     */
    public static String fromJsonSchema(String schema, int maxStringLength) {
        requireMaxLength(maxStringLength);
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(Objects.requireNonNull(schema, "schema"));
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("schema is not valid JSON: " + e.getMessage(), e);
        }
        if (!parsed.isJsonObject()) {
            throw new IllegalArgumentException("schema must be a JSON object, was " + schema);
        }
        Rules r = new Rules(maxStringLength);
        r.add("root", r.schema(parsed.getAsJsonObject(), "root"));
        return r.render();
    }

    /** Any JSON object, with strings bounded as described in the class comment. */
    public static String jsonObject(int maxStringLength) {
        requireMaxLength(maxStringLength);
        Rules r = new Rules(maxStringLength);
        String string = r.string(0, maxStringLength);
        r.add("root", "object");
        r.add("object", "\"{\" ws ( " + string + " ws \":\" ws value ( \",\" ws " + string + " ws \":\" ws value )* )? "
                + "ws \"}\"");
        r.add("array", "\"[\" ws ( value ( \",\" ws value )* )? ws \"]\"");
        r.add("value", "object | array | " + string + " | number | \"true\" | \"false\" | \"null\"");
        r.add("number", Rules.NUMBER);
        return r.render();
    }

    /**
     * {@code text} as a GBNF string literal: quoted, with quote, backslash and every character outside
     * printable ASCII escaped ({@code \xHH}, {@code \\uHHHH}, {@code \\UHHHHHHHH}).
     */
    public static String literal(String text) {
        StringBuilder b = new StringBuilder(text.length() + 2).append('"');
        text.codePoints().forEach(cp -> {
            if (cp == '"' || cp == '\\') {
                b.append('\\').append((char) cp);
            } else if (cp >= 0x20 && cp < 0x7F) {
                b.append((char) cp);
            } else if (cp < 0x80) {
                b.append(String.format("\\x%02X", cp));
            } else if (cp <= 0xFFFF) {
                b.append(String.format("\\u%04X", cp));
            } else {
                b.append(String.format("\\U%08X", cp));
            }
        });
        return b.append('"').toString();
    }

    /** The GBNF literal of a JSON value's text, e.g. {@code "positive"} becomes {@code "\"positive\""}. */
    static String jsonLiteral(JsonElement value) {
        return literal(JSON.toJson(value));
    }

    static String jsonLiteral(String value) {
        return literal(JSON.toJson(value));
    }

    private static String sampleObject(Rules r, Task task, String label) {
        Map<String, String> members = new LinkedHashMap<>();
        for (String f : task.inputFields()) {
            members.put(f, r.string(1, r.maxStringLength));
        }
        if (task.kind().isSequence()) {
            if (label != null) {
                throw new IllegalArgumentException("a " + task.kind() + " task takes no label, was '" + label + "'");
            }
            members.put(task.outputField(), r.string(1, r.maxStringLength));
        } else if (label != null) {
            task.labelIndex(label); // fails with the allowed labels when unknown
            members.put("label", jsonLiteral(label));
        } else {
            List<String> alts = new ArrayList<>();
            for (String l : task.labelNames()) {
                alts.add(jsonLiteral(l));
            }
            members.put("label", "( " + String.join(" | ", alts) + " )");
        }
        return Rules.object(members);
    }

    private static void requireMaxLength(int maxStringLength) {
        if (maxStringLength < 1 || maxStringLength > 100_000) {
            throw new IllegalArgumentException("maxStringLength must be in [1, 100000], was " + maxStringLength);
        }
    }

    /** A JSON schema uses a keyword or shape this converter does not handle. */
    public static final class UnsupportedSchemaException extends GoldException {
        public UnsupportedSchemaException(String message) {
            super(message);
        }
    }

    /** Collects named rules; shared helper rules are added once, when first used. */
    private static final class Rules {
        static final String NUMBER = "\"-\"? ( \"0\" | [1-9] [0-9]{0,15} ) ( \".\" [0-9]{1,16} )? "
                + "( [eE] [-+]? [0-9]{1,3} )?";
        static final String INTEGER = "\"-\"? ( \"0\" | [1-9] [0-9]{0,15} )";

        final int maxStringLength;
        private final Map<String, String> rules = new LinkedHashMap<>();
        private final Map<String, String> helpers = new LinkedHashMap<>();

        Rules(int maxStringLength) {
            this.maxStringLength = maxStringLength;
        }

        void add(String name, String body) {
            rules.put(name, body);
        }

        /** A string rule of {@code min..max} characters; the name encodes the bounds so rules are shared. */
        String string(int min, int max) {
            helpers.put("char", CHAR_RULE);
            String name = "string-" + min + "-" + max;
            if (!helpers.containsKey(name)) {
                String body;
                if (min == 0) {
                    body = "\"\\\"\" char{0," + max + "} \"\\\"\"";
                } else {
                    helpers.put("first", FIRST_RULE);
                    body = "\"\\\"\" first char{" + (min - 1) + "," + (max - 1) + "} \"\\\"\"";
                }
                helpers.put(name, body);
            }
            return name;
        }

        static String object(Map<String, String> members) {
            StringBuilder b = new StringBuilder("\"{\" ws ");
            boolean first = true;
            for (Map.Entry<String, String> m : members.entrySet()) {
                if (!first) {
                    b.append("\",\" ws ");
                }
                first = false;
                b.append(jsonLiteral(m.getKey())).append(" ws \":\" ws ").append(m.getValue()).append(' ');
            }
            return b.append("ws \"}\"").toString();
        }

        /** The GBNF expression for a schema node; nested objects and arrays become rules named after their path. */
        String schema(JsonObject s, String path) {
            for (String k : s.keySet()) {
                switch (k) {
                    case "type", "properties", "required", "additionalProperties", "enum", "const", "minLength",
                         "maxLength", "items", "minItems", "maxItems", "title", "description", "$schema" -> {
                    }
                    default -> throw new UnsupportedSchemaException(
                            "schema keyword '" + k + "' at " + path + " is not supported");
                }
            }
            if (s.has("const")) {
                return jsonLiteral(s.get("const"));
            }
            if (s.has("enum")) {
                JsonElement e = s.get("enum");
                if (!e.isJsonArray() || e.getAsJsonArray().isEmpty()) {
                    throw new UnsupportedSchemaException("'enum' at " + path + " must be a non-empty array");
                }
                List<String> alts = new ArrayList<>();
                for (JsonElement v : e.getAsJsonArray()) {
                    alts.add(jsonLiteral(v));
                }
                return "( " + String.join(" | ", alts) + " )";
            }
            JsonElement t = s.get("type");
            if (t == null || !t.isJsonPrimitive()) {
                throw new UnsupportedSchemaException("schema at " + path + " needs a single 'type' (or enum/const)");
            }
            String type = t.getAsString();
            return switch (type) {
                case "string" -> {
                    int min = intKeyword(s, "minLength", 1, path);
                    int max = Math.min(maxStringLength, intKeyword(s, "maxLength", maxStringLength, path));
                    if (max < min) {
                        throw new UnsupportedSchemaException("string at " + path + ": maxLength " + max
                                + " is below minLength " + min);
                    }
                    yield string(min, Math.max(max, 1));
                }
                case "integer" -> {
                    helpers.put("integer", INTEGER);
                    yield "integer";
                }
                case "number" -> {
                    helpers.put("number", NUMBER);
                    yield "number";
                }
                case "boolean" -> "( \"true\" | \"false\" )";
                case "null" -> "\"null\"";
                case "object" -> {
                    JsonElement props = s.get("properties");
                    Map<String, String> members = new LinkedHashMap<>();
                    if (props != null) {
                        if (!props.isJsonObject()) {
                            throw new UnsupportedSchemaException("'properties' at " + path + " must be an object");
                        }
                        for (Map.Entry<String, JsonElement> p : props.getAsJsonObject().entrySet()) {
                            if (!p.getValue().isJsonObject()) {
                                throw new UnsupportedSchemaException("property '" + p.getKey() + "' at " + path
                                        + " must be a schema object");
                            }
                            members.put(p.getKey(), schema(p.getValue().getAsJsonObject(),
                                    path + "-" + sanitize(p.getKey())));
                        }
                    }
                    if (members.isEmpty()) {
                        throw new UnsupportedSchemaException("object at " + path + " has no properties");
                    }
                    String name = path.equals("root") ? "root-object" : path;
                    rules.put(name, object(members));
                    yield name;
                }
                case "array" -> {
                    JsonElement items = s.get("items");
                    if (items == null || !items.isJsonObject()) {
                        throw new UnsupportedSchemaException("array at " + path + " needs an 'items' schema object");
                    }
                    String item = schema(items.getAsJsonObject(), path + "-item");
                    int min = intKeyword(s, "minItems", 0, path);
                    int max = intKeyword(s, "maxItems", -1, path);
                    if (max >= 0 && max < min) {
                        throw new UnsupportedSchemaException("array at " + path + ": maxItems " + max
                                + " is below minItems " + min);
                    }
                    String name = path.equals("root") ? "root-array" : path;
                    String more = "( \",\" ws " + item + " )";
                    String body;
                    if (min == 0 && max < 0) {
                        body = "\"[\" ws ( " + item + " " + more + "* )? ws \"]\"";
                    } else {
                        int lo = Math.max(min, 1);
                        String rest = max < 0 ? more + "{" + (lo - 1) + ",}" : more + "{" + (lo - 1) + "," + (max - 1) + "}";
                        body = "\"[\" ws " + (min == 0 ? "( " + item + " " + rest + " )?" : item + " " + rest) + " ws \"]\"";
                        if (max == 0) {
                            body = "\"[\" ws \"]\"";
                        }
                    }
                    rules.put(name, body);
                    yield name;
                }
                default -> throw new UnsupportedSchemaException("type '" + type + "' at " + path + " is not supported");
            };
        }

        private static int intKeyword(JsonObject s, String key, int dflt, String path) {
            JsonElement v = s.get(key);
            if (v == null) {
                return dflt;
            }
            try {
                int n = v.getAsInt();
                if (n < 0) {
                    throw new UnsupportedSchemaException("'" + key + "' at " + path + " must be >= 0, was " + n);
                }
                return n;
            } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException e) {
                throw new UnsupportedSchemaException("'" + key + "' at " + path + " must be an integer, was " + v);
            }
        }

        private static String sanitize(String key) {
            String s = key.replaceAll("[^A-Za-z0-9]+", "-");
            return s.isEmpty() ? "p" : s;
        }

        String render() {
            StringBuilder b = new StringBuilder();
            b.append("root ::= ").append(rules.get("root")).append('\n');
            for (Map.Entry<String, String> e : rules.entrySet()) {
                if (!e.getKey().equals("root")) {
                    b.append(e.getKey()).append(" ::= ").append(e.getValue()).append('\n');
                }
            }
            for (Map.Entry<String, String> e : helpers.entrySet()) {
                String rule = e.getValue();
                b.append(rule.startsWith(e.getKey() + " ::=") ? rule : e.getKey() + " ::= " + rule).append('\n');
            }
            if (b.indexOf(" ws") >= 0 || b.indexOf("ws ") >= 0) {
                b.append(WS_RULE).append('\n');
            }
            return b.toString();
        }
    }
}
