package io.github.goldkd.core.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NL4OPT (Ramamonjison et al., NeurIPS 2022 competition; the generation data, one problem a line): turns a
 * problem's declarations into the canonical formulation text the student writes and the teacher is asked
 * for, and reads such files as {@code text_generation} samples (input {@code document}, target the
 * formulation).
 *
 * <h2>The canonical formulation</h2>
 * <pre>
 * variables: sled dogs, trucks
 * maximize: 100 sled dogs + 300 trucks
 * constraints:
 * 50 sled dogs + 100 trucks &lt;= 1000
 * sled dogs &lt;= trucks
 * </pre>
 * Line 1 lists the decision variables ({@code vars}, duplicates dropped) in order; line 2 the objective's
 * direction ({@code maximize} or {@code minimize}) and its linear expression; then {@code constraints:} and
 * one constraint a line, in the order of {@code const_declarations}. Operators are {@code <=} and
 * {@code >=}. A term is the coefficient followed by the variable name ({@code 50 sled dogs}; a coefficient
 * of 1 is not written); terms are in
 * the order of the variables and joined by {@code " + "} ({@code " - "} for a negative coefficient). The
 * declaration types:
 * <ul>
 *   <li>objective {@code objective} (terms {variable: coefficient}): {@code maximize: 100 x + 300 y};
 *       {@code objvar} (a list of variables, each with coefficient 1): {@code minimize: x + y};</li>
 *   <li>{@code linear} (terms, limit): {@code 50 x + 100 y <= 1000};</li>
 *   <li>{@code sum} (limit; every variable): {@code x + y <= 35};</li>
 *   <li>{@code upperbound} / {@code lowerbound} (var, limit): {@code x <= 20}, {@code x >= 5};</li>
 *   <li>{@code xy} (x_var, y_var): {@code x <= y};</li>
 *   <li>{@code xby} (x_var, param, y_var): {@code x >= 2 y} — x compared with param times y;</li>
 *   <li>{@code ratio} (var, limit): {@code x >= 0.2 (x + y)} — x compared with a share of the sum of every
 *       variable.</li>
 * </ul>
 * Numbers are written as plain decimals: thousands separators dropped ({@code 250,000} → {@code 250000}),
 * percentages as fractions ({@code 40%} → {@code 0.4}), number words as digits ({@code twice} → {@code 2},
 * {@code three times} → {@code 3}, {@code half} → {@code 0.5}) and thirds as {@code 1/3} and {@code 2/3}
 * (no finite decimal), cardinals as digits ({@code one hundred thousand} → {@code 100000}), {@code percent}
 * like {@code %}, and a unit after a number is dropped ({@code 8000 minutes} → {@code 8000}). A variable mention ({@code "sled dog"}, {@code "truck"}) becomes the variable's name
 * from {@code vars}: the variable equal to it ignoring case, else the only variable whose name starts with it
 * or that it starts with (singular and plural), else the one {@code order_mapping} gives it. That order
 * repairs the four mentions in the competition's files whose {@code order_mapping} points at the other
 * variable (e.g. {@code "train": 1} beside {@code "trains": 0}). An empty {@code terms} object (three
 * declarations of the development file, annotation gaps) is written {@code 0}. Anything else the converter does not know
 * (a declaration type, an operator, a direction, a number it cannot read) is an error naming the problem,
 * the declaration and the field: the layout is the target text of a task, so it must not change silently.
 */
public final class Nl4Opt {

    /** The input field of the samples {@link #read} returns. */
    public static final String DOCUMENT = "document";

    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d{1,3}(,\\d{3})+|\\d+)(\\.\\d+)?");
    /** A number followed by a unit, e.g. {@code 8000 minutes}: the unit is dropped. */
    private static final Pattern WITH_UNIT = Pattern.compile("([-+]?[\\d,.]+) [a-z]+");
    /** Words with a value of their own. */
    private static final Map<String, String> WORDS = new LinkedHashMap<>();
    /** The words of cardinal numbers ("one hundred thousand"), read by {@link #cardinal}. */
    private static final Map<String, Integer> CARDINALS = new LinkedHashMap<>();

    static {
        String[] small = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
        for (int i = 0; i < small.length; i++) {
            CARDINALS.put(small[i], i);
        }
        String[] tens = {"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
        for (int i = 0; i < tens.length; i++) {
            CARDINALS.put(tens[i], 20 + 10 * i);
        }
        WORDS.put("twice", "2");
        WORDS.put("double", "2");
        WORDS.put("thrice", "3");
        WORDS.put("triple", "3");
        WORDS.put("half", "0.5");
        WORDS.put("quarter", "0.25");
        WORDS.put("third", "1/3");
        WORDS.put("one third", "1/3");
        WORDS.put("two thirds", "2/3");
    }

    private Nl4Opt() {
    }

    /**
     * The canonical formulation of one problem (a line of the competition's generation data).
     *
     * @throws IllegalArgumentException naming the problem's id, the declaration and the field when the row
     *                                  holds something the layout does not cover
     */
    public static String formulation(JsonObject row) {
        Objects.requireNonNull(row, "row");
        String id = row.has("id") ? row.get("id").getAsString() : "(no id)";
        Problem p = new Problem(id, row);
        StringBuilder sb = new StringBuilder();
        sb.append("variables: ").append(String.join(", ", p.variables)).append('\n');
        JsonObject objective = p.object(row, "obj_declaration", "the problem");
        sb.append(p.direction(objective)).append(": ").append(p.objectiveExpression(objective)).append('\n');
        sb.append("constraints:");
        JsonArray constraints = p.array(row, "const_declarations", "the problem");
        for (int i = 0; i < constraints.size(); i++) {
            String where = "constraint " + (i + 1);
            if (!constraints.get(i).isJsonObject()) {
                throw p.fail(where, "const_declarations", "must be an object");
            }
            sb.append('\n').append(p.constraint(constraints.get(i).getAsJsonObject(), where));
        }
        return sb.toString();
    }

    /**
     * Reads a file of the competition's generation data (JSON Lines, one problem a line) as
     * {@link Origin#REAL} samples: id = the row's {@code id}, input {@value #DOCUMENT}, target = the
     * {@linkplain #formulation canonical formulation}.
     *
     * @throws GoldException naming the file, the line and the reason
     */
    public static Dataset read(Path file) {
        Objects.requireNonNull(file, "file");
        List<Sample> samples = Jsonl.read(file, row -> {
            String document = row.has(DOCUMENT) && row.get(DOCUMENT).isJsonPrimitive()
                    ? row.get(DOCUMENT).getAsString() : null;
            if (document == null || document.isBlank()) {
                throw new IllegalArgumentException("no text in field '" + DOCUMENT + "'");
            }
            if (!row.has("id") || !row.get("id").isJsonPrimitive()) {
                throw new IllegalArgumentException("no field 'id'");
            }
            return Sample.withTarget(row.get("id").getAsString(), Map.of(DOCUMENT, document), formulation(row),
                    List.of(), Origin.REAL);
        }, Jsonl.CutOffLastLine.FAIL);
        return Dataset.of(samples);
    }

    /** Whether a JSON object looks like a row of the competition's data (it has the declarations). */
    public static boolean isProblem(JsonObject row) {
        return row != null && row.has("obj_declaration") && row.has("const_declarations") && row.has("vars");
    }

    /**
     * A number of the annotation as the layout writes it (see the class documentation).
     *
     * @throws IllegalArgumentException when it is not a number the converter can read
     */
    static String number(String raw) {
        String s = raw.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("a ")) {
            s = s.substring(2).trim(); // "a third", "a half"
        }
        if (s.endsWith(" times")) {
            s = s.substring(0, s.length() - " times".length()).trim(); // "three times", "2 times"
        }
        boolean percent = s.endsWith("%") || s.endsWith(" percent");
        if (percent) {
            s = s.substring(0, s.length() - (s.endsWith("%") ? 1 : " percent".length())).trim();
        }
        Matcher unit = WITH_UNIT.matcher(s);
        if (unit.matches() && DECIMAL.matcher(unit.group(1)).matches()) {
            s = unit.group(1);
        }
        String value = WORDS.get(s);
        if (value == null && DECIMAL.matcher(s).matches()) {
            value = s.replace(",", "");
        }
        if (value == null) {
            value = cardinal(s);
        }
        if (value == null) {
            throw new IllegalArgumentException("'" + raw + "' is not a number");
        }
        if (!percent) {
            return value.contains("/") ? value : plain(new BigDecimal(value));
        }
        if (value.contains("/")) {
            throw new IllegalArgumentException("'" + raw + "' is not a number");
        }
        return plain(new BigDecimal(value).movePointLeft(2));
    }

    /** "fifteen", "thirty", "one hundred thousand": the value, or null when {@code s} is not such words. */
    private static String cardinal(String s) {
        long total = 0;
        long current = 0;
        boolean any = false;
        for (String w : s.split("[ -]+")) {
            Integer small = CARDINALS.get(w);
            if (small != null) {
                current += small;
            } else if (w.equals("hundred")) {
                current = Math.max(current, 1) * 100;
            } else if (w.equals("thousand") || w.equals("million")) {
                total += Math.max(current, 1) * (w.equals("thousand") ? 1_000 : 1_000_000);
                current = 0;
            } else if (!w.equals("and")) {
                return null;
            }
            any = true;
        }
        return any ? Long.toString(total + current) : null;
    }

    private static String plain(BigDecimal d) {
        String s = d.stripTrailingZeros().toPlainString();
        return s.startsWith("+") ? s.substring(1) : s;
    }

    /** One row being converted: its variables and the helpers that name it in errors. */
    private static final class Problem {
        private final String id;
        private final List<String> vars;
        private final List<String> variables;
        private final JsonObject orderMapping;

        Problem(String id, JsonObject row) {
            this.id = id;
            JsonArray v = array(row, "vars", "the problem");
            List<String> all = new ArrayList<>();
            for (JsonElement e : v) {
                all.add(e.getAsString());
            }
            if (all.isEmpty()) {
                throw fail("the problem", "vars", "is empty");
            }
            this.vars = all;
            this.variables = List.copyOf(new LinkedHashSet<>(all));
            this.orderMapping = object(row, "order_mapping", "the problem");
        }

        String direction(JsonObject objective) {
            String d = string(objective, "direction", "the objective").toLowerCase(Locale.ROOT);
            if (d.startsWith("max") || d.equals("highest")) {
                return "maximize";
            }
            if (d.startsWith("min") || d.equals("lowest") || d.equals("reduce") || d.equals("decrease")) {
                return "minimize";
            }
            throw fail("the objective", "direction", "'" + d + "' is neither a maximisation nor a minimisation");
        }

        String objectiveExpression(JsonObject objective) {
            String type = string(objective, "type", "the objective");
            return switch (type) {
                case "objective" -> expression(terms(objective, "the objective"));
                case "objvar" -> {
                    Map<String, String> terms = new LinkedHashMap<>();
                    for (JsonElement e : array(objective, "vars", "the objective")) {
                        terms.put(variable(e.getAsString(), "the objective", "vars"), "1");
                    }
                    yield expression(ordered(terms));
                }
                default -> throw fail("the objective", "type", "'" + type + "' is not objective or objvar");
            };
        }

        String constraint(JsonObject c, String where) {
            String type = string(c, "type", where);
            String op = operator(c, where);
            return switch (type) {
                case "linear" -> expression(terms(c, where)) + " " + op + " " + number(c, "limit", where);
                case "sum" -> String.join(" + ", variables) + " " + op + " " + number(c, "limit", where);
                case "upperbound", "lowerbound" -> variable(string(c, "var", where), where, "var") + " " + op + " "
                        + number(c, "limit", where);
                case "xy" -> variable(string(c, "x_var", where), where, "x_var") + " " + op + " "
                        + variable(string(c, "y_var", where), where, "y_var");
                case "xby" -> variable(string(c, "x_var", where), where, "x_var") + " " + op + " "
                        + number(c, "param", where) + " " + variable(string(c, "y_var", where), where, "y_var");
                case "ratio" -> variable(string(c, "var", where), where, "var") + " " + op + " "
                        + number(c, "limit", where) + " (" + String.join(" + ", variables) + ")";
                default -> throw fail(where, "type", "'" + type
                        + "' is not one of linear, sum, upperbound, lowerbound, xy, xby, ratio");
            };
        }

        private String operator(JsonObject c, String where) {
            String op = string(c, "operator", where);
            return switch (op) {
                case "LESS_OR_EQUAL" -> "<=";
                case "GREATER_OR_EQUAL" -> ">=";
                default -> throw fail(where, "operator", "'" + op + "' is not LESS_OR_EQUAL or GREATER_OR_EQUAL");
            };
        }

        /** {variable name: coefficient}, in the order of the variables. */
        private Map<String, String> terms(JsonObject o, String where) {
            Map<String, String> terms = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : object(o, "terms", where).entrySet()) {
                String name = variable(e.getKey(), where, "terms");
                String coefficient = number(e.getValue().getAsString(), where, "terms");
                if (terms.put(name, coefficient) != null) {
                    throw fail(where, "terms", "two mentions of variable '" + name + "'");
                }
            }
            return ordered(terms);
        }

        private Map<String, String> ordered(Map<String, String> terms) {
            Map<String, String> out = new LinkedHashMap<>();
            for (String v : variables) {
                if (terms.containsKey(v)) {
                    out.put(v, terms.get(v));
                }
            }
            return out;
        }

        private static String expression(Map<String, String> terms) {
            if (terms.isEmpty()) {
                return "0"; // an annotation gap: kept visible rather than guessed
            }
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, String> t : terms.entrySet()) {
                String c = t.getValue();
                boolean negative = c.startsWith("-");
                if (sb.length() > 0) {
                    sb.append(negative ? " - " : " + ");
                } else if (negative) {
                    sb.append("-");
                }
                String magnitude = negative ? c.substring(1) : c;
                if (!magnitude.equals("1")) {
                    sb.append(magnitude).append(' ');
                }
                sb.append(t.getKey());
            }
            return sb.toString();
        }

        /** The variable a mention names (see the class documentation). */
        private String variable(String mention, String where, String field) {
            String m = mention.trim().toLowerCase(Locale.ROOT);
            for (String v : variables) {
                if (v.toLowerCase(Locale.ROOT).equals(m)) {
                    return v;
                }
            }
            String prefixMatch = null;
            int prefixMatches = 0;
            for (String v : variables) {
                String lv = v.toLowerCase(Locale.ROOT);
                if (lv.startsWith(m) || m.startsWith(lv)) {
                    prefixMatch = v;
                    prefixMatches++;
                }
            }
            if (prefixMatches == 1) {
                return prefixMatch;
            }
            JsonElement index = orderMapping.get(mention);
            if (index != null && index.isJsonPrimitive()) {
                int i = index.getAsInt();
                if (i >= 0 && i < vars.size()) {
                    return vars.get(i);
                }
            }
            throw fail(where, field, "mention '" + mention + "' names none of the variables " + variables);
        }

        private String number(JsonObject o, String field, String where) {
            return number(string(o, field, where), where, field);
        }

        private String number(String raw, String where, String field) {
            try {
                return Nl4Opt.number(raw);
            } catch (IllegalArgumentException e) {
                throw fail(where, field, e.getMessage());
            }
        }

        private String string(JsonObject o, String field, String where) {
            JsonElement e = o.get(field);
            if (e == null || !e.isJsonPrimitive() || e.getAsString().isBlank()) {
                throw fail(where, field, e == null ? "is missing" : "must be a non-empty string, was " + e);
            }
            return e.getAsString();
        }

        private JsonObject object(JsonObject o, String field, String where) {
            JsonElement e = o.get(field);
            if (e == null || !e.isJsonObject()) {
                throw fail(where, field, e == null ? "is missing" : "must be an object, was " + e);
            }
            return e.getAsJsonObject();
        }

        private JsonArray array(JsonObject o, String field, String where) {
            JsonElement e = o.get(field);
            if (e == null || !e.isJsonArray()) {
                throw fail(where, field, e == null ? "is missing" : "must be a list, was " + e);
            }
            return e.getAsJsonArray();
        }

        private IllegalArgumentException fail(String where, String field, String reason) {
            return new IllegalArgumentException("NL4OPT problem " + id + ", " + where + ", field '" + field + "': "
                    + reason);
        }
    }
}
