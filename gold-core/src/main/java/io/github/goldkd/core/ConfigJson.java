package io.github.goldkd.core;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.goldkd.core.io.Jsonl;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads {@code config.json} into a {@link GoldConfig}, checking each field on its own first: Gson alone
 * reports a wrong-typed field as a bare {@code NumberFormatException} and maps an unknown enum name to
 * null. Fields that are absent keep Gson's defaults, so a run written before a field existed still reads.
 */
final class ConfigJson {

    private ConfigJson() {
    }

    static GoldConfig read(Path file, JsonObject o) {
        for (RecordComponent c : GoldConfig.class.getRecordComponents()) {
            JsonElement e = o.get(c.getName());
            if (e == null) {
                continue;
            }
            Class<?> type = c.getType();
            Object value;
            try {
                value = e.isJsonNull() ? null : Jsonl.GSON.fromJson(e, type);
                if (type == boolean.class && !(e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean())) {
                    value = null; // Gson reads any string as false
                }
                if (value != null && (type == int.class || type == long.class)
                        && e.getAsBigDecimal().stripTrailingZeros().scale() > 0) {
                    value = null; // Gson truncates 2.5 to 2
                }
            } catch (RuntimeException ex) {
                value = null;
            }
            if (value == null) {
                throw new RunStoreException(file + ": field '" + c.getName() + "' must be " + expected(type)
                        + ", found " + e);
            }
        }
        return Jsonl.GSON.fromJson(o, GoldConfig.class);
    }

    private static String expected(Class<?> type) {
        if (type == int.class || type == long.class) {
            return "an integer";
        }
        if (type == double.class || type == float.class) {
            return "a number";
        }
        if (type == boolean.class) {
            return "true or false";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.toString(type.getEnumConstants());
        }
        return "a string";
    }
}
