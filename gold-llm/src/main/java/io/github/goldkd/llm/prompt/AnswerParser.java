package io.github.goldkd.llm.prompt;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.github.goldkd.core.Task;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the model's answer: one JSON object, or an array of them, with the task's input fields and
 * {@code label} (classification) or the task's output field (sequence kinds: {@link Task#outputField()},
 * e.g. {@code answer} or {@code equation}), which becomes the candidate's target.
 *
 * <p>Accepted around the JSON: a Markdown code fence, prose before and after, an array where one object was
 * asked (its first object is used). Everything else is rejected with a reason ({@code parse-*}). JSON
 * itself is read strictly: single quotes, comments or unquoted names are rejected rather than guessed at.
 *
 * <p>{@link #VERSION} is part of the request-cache key, so that a change of parsing rules is visible in
 * the cache's provenance; the cache stores raw answers, which are parsed again on every hit.
 */
public final class AnswerParser {

    /**
     * Raised whenever the accepted language changes. Still 1 after sequence kinds were added: what is
     * accepted for classification did not change, and no sequence answer was cached before, so existing
     * caches stay valid.
     */
    public static final int VERSION = 1;

    public static final String EMPTY = "parse-empty";
    public static final String NO_JSON = "parse-no-json";
    public static final String TRUNCATED = "parse-truncated";
    public static final String INVALID_JSON = "parse-invalid-json";
    public static final String NOT_OBJECT = "parse-not-object";
    public static final String MISSING_FIELD = "parse-missing-field";
    /** A sequence task's answer has all input fields but no string output field. */
    public static final String MISSING_OUTPUT = "parse-missing-output";

    private static final Pattern FENCE = Pattern.compile("```[A-Za-z0-9_-]*[ \\t]*\\R?(.*?)(?:```|\\z)",
            Pattern.DOTALL);
    /** How many opening brackets to try before giving up on prose with stray braces. */
    private static final int MAX_STARTS = 32;

    private AnswerParser() {
    }

    /**
     * The outcome of parsing: either candidates or a reject reason with a detail for the log.
     *
     * @param candidates the parsed samples (empty when rejected)
     * @param reject     a {@code parse-*} reason, or null when accepted
     * @param detail     why, for logs
     */
    public record Result(List<Candidate> candidates, String reject, String detail) {
        public Result {
            candidates = List.copyOf(candidates);
        }

        public boolean ok() {
            return reject == null;
        }

        static Result rejected(String reason, String detail) {
            return new Result(List.of(), reason, detail);
        }
    }

    /**
     * One parsed sample.
     *
     * @param inputs      the task's input fields, in the task's order
     * @param statedLabel the label the model wrote, or null when it wrote none
     * @param target      a sequence task's output field as written, or null (classification)
     * @param extras      the object's other scalar members as text, e.g. a math answer's stated
     *                    {@code "answer": 51} (a filter may check them); {@code label} and the fields above
     *                    are not repeated here
     */
    public record Candidate(Map<String, String> inputs, String statedLabel, String target, Map<String, String> extras) {
        public Candidate {
            inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
            extras = Collections.unmodifiableMap(new LinkedHashMap<>(extras == null ? Map.of() : extras));
        }

        /** A classification candidate: inputs and the stated label, no target. */
        public Candidate(Map<String, String> inputs, String statedLabel) {
            this(inputs, statedLabel, null, Map.of());
        }
    }

    /**
     * Parses {@code answer} for {@code task}: the first object that carries all input fields as strings and,
     * for a sequence task, its output field as a string.
     */
    public static Result parse(String answer, Task task) {
        Objects.requireNonNull(task, "task");
        Json json = findJson(answer);
        if (json.reject != null) {
            return Result.rejected(json.reject, json.detail);
        }
        List<JsonObject> objects = new ArrayList<>();
        if (json.element.isJsonObject()) {
            objects.add(json.element.getAsJsonObject());
        } else if (json.element.isJsonArray()) {
            for (JsonElement e : json.element.getAsJsonArray()) {
                if (!e.isJsonObject()) {
                    return Result.rejected(NOT_OBJECT, "array element is not an object: " + e);
                }
                objects.add(e.getAsJsonObject());
            }
            if (objects.isEmpty()) {
                return Result.rejected(NOT_OBJECT, "empty array");
            }
        } else {
            return Result.rejected(NOT_OBJECT, "JSON value is not an object: " + json.element);
        }
        String missing = null;
        String missingReason = MISSING_FIELD;
        String output = task.outputField();
        for (JsonObject o : objects) {
            Map<String, String> inputs = new LinkedHashMap<>();
            for (String f : task.inputFields()) {
                JsonElement v = o.get(f);
                if (!isString(v)) {
                    if (missing == null) {
                        missing = "no string field '" + f + "' in " + abbreviate(o.toString());
                    }
                    inputs = null;
                    break;
                }
                inputs.put(f, v.getAsString());
            }
            if (inputs == null) {
                continue;
            }
            if (!task.kind().isSequence()) {
                JsonElement l = o.get("label");
                String stated = l != null && l.isJsonPrimitive() ? l.getAsString() : null;
                return new Result(List.of(new Candidate(inputs, stated)), null, null);
            }
            JsonElement t = o.get(output);
            if (!isString(t)) {
                // An object with the inputs but no output is a more specific failure than one missing an input.
                if (missingReason != MISSING_OUTPUT) {
                    missing = "no string output field '" + output + "' in " + abbreviate(o.toString());
                    missingReason = MISSING_OUTPUT;
                }
                continue;
            }
            Map<String, String> extras = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : o.entrySet()) {
                String k = e.getKey();
                if (!k.equals(output) && !k.equals("label") && !inputs.containsKey(k) && e.getValue().isJsonPrimitive()) {
                    extras.put(k, e.getValue().getAsString());
                }
            }
            return new Result(List.of(new Candidate(inputs, null, t.getAsString(), extras)), null, null);
        }
        return Result.rejected(missingReason, missing);
    }

    private static boolean isString(JsonElement v) {
        return v != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isString();
    }

    private record Json(JsonElement element, String reject, String detail) {
    }

    private static Json findJson(String answer) {
        if (answer == null || answer.isBlank()) {
            return new Json(null, EMPTY, "empty answer");
        }
        String text = answer.strip();
        Matcher fence = FENCE.matcher(text);
        if (fence.find()) {
            text = fence.group(1).strip();
        }
        JsonElement whole = strict(text);
        if (whole != null) {
            return new Json(whole, null, null);
        }
        // Prose around the JSON: try each opening bracket and its balanced end.
        boolean sawOpen = false;
        boolean truncated = false;
        int from = 0;
        for (int tries = 0; tries < MAX_STARTS; tries++) {
            int start = firstOpen(text, from);
            if (start < 0) {
                break;
            }
            sawOpen = true;
            int end = balancedEnd(text, start);
            if (end < 0) {
                truncated = true;
            } else {
                JsonElement el = strict(text.substring(start, end + 1));
                if (el != null) {
                    return new Json(el, null, null);
                }
            }
            from = start + 1;
        }
        if (!sawOpen) {
            return new Json(null, NO_JSON, "no JSON in: " + abbreviate(text));
        }
        return truncated ? new Json(null, TRUNCATED, "unbalanced JSON (cut off?): " + abbreviate(text))
                : new Json(null, INVALID_JSON, "invalid JSON: " + abbreviate(text));
    }

    private static int firstOpen(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' || c == '[') {
                return i;
            }
        }
        return -1;
    }

    /** The index of the bracket closing the one at {@code start}, respecting strings; -1 when it never closes. */
    private static int balancedEnd(String s, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** The JSON value that is all of {@code s}, read strictly, or null. */
    private static JsonElement strict(String s) {
        try {
            JsonReader r = new JsonReader(new StringReader(s));
            r.setStrictness(Strictness.STRICT);
            JsonElement el = JsonParser.parseReader(r);
            if (r.peek() != JsonToken.END_DOCUMENT) {
                return null;
            }
            return el.isJsonObject() || el.isJsonArray() ? el : null;
        } catch (JsonParseException | IOException | IllegalStateException e) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }
}
