package io.github.goldkd.llm;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What shape the model's answer must have: free text, any JSON object ("JSON mode"), or JSON that follows
 * a schema ("structured output").
 *
 * @param type   the kind of constraint
 * @param name   the schema's name for {@link Type#JSON_SCHEMA} (OpenAI requires one:
 *               {@code [A-Za-z0-9_-]{1,64}}), otherwise {@code null}
 * @param schema the JSON schema as compact JSON text for {@link Type#JSON_SCHEMA}, otherwise {@code null}
 */
public record ResponseFormat(Type type, String name, String schema) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Free text, no constraint. */
    public static final ResponseFormat TEXT = new ResponseFormat(Type.TEXT, null, null);

    /** Any JSON object. */
    public static final ResponseFormat JSON_OBJECT = new ResponseFormat(Type.JSON_OBJECT, null, null);

    /** The three constraints, strongest last. */
    public enum Type {
        /** No constraint: the prompt alone asks for JSON. */
        TEXT,
        /** Any syntactically valid JSON object. */
        JSON_OBJECT,
        /** JSON following a schema. */
        JSON_SCHEMA
    }

    public ResponseFormat {
        Objects.requireNonNull(type, "response format type");
        if (type == Type.JSON_SCHEMA) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "response format name must match [A-Za-z0-9_-]{1,64}, was '" + name + "'");
            }
            Objects.requireNonNull(schema, "response format schema");
            JsonElement parsed;
            try {
                parsed = JsonParser.parseString(schema);
            } catch (JsonParseException e) {
                throw new IllegalArgumentException("response format schema is not valid JSON: " + e.getMessage(), e);
            }
            if (!parsed.isJsonObject()) {
                throw new IllegalArgumentException("response format schema must be a JSON object, was " + schema);
            }
            schema = parsed.toString(); // compact and canonical for cache keys
        } else if (name != null || schema != null) {
            throw new IllegalArgumentException("response format " + type + " takes no name or schema");
        }
    }

    /** A JSON-schema constraint. */
    public static ResponseFormat jsonSchema(String name, String schema) {
        return new ResponseFormat(Type.JSON_SCHEMA, name, schema);
    }

    /** This format, or the strongest one not above {@code max}: a schema falls back to JSON mode, then to text. */
    public ResponseFormat atMost(Type max) {
        if (type.compareTo(max) <= 0) {
            return this;
        }
        return max == Type.JSON_OBJECT ? JSON_OBJECT : TEXT;
    }
}
