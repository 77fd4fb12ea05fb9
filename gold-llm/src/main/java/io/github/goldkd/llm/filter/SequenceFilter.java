package io.github.goldkd.llm.filter;

import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.metric.ArithmeticExpression;
import io.github.goldkd.core.metric.Metrics;
import io.github.goldkd.llm.internal.Secrets;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a parsed answer to a sequence task is a usable sample, by the rules of the task's kind;
 * each rejection has a reason (counted in the generation stats). Lengths are counted in characters after
 * trimming. Duplicates are not judged here but by {@link CandidateFilter}, after this filter.
 *
 * <p><b>Extractive QA.</b> Every input field but the span field is within {@code inputChars} (the reference
 * keeps its question at 10 &lt; length &lt; 400, the default), the span field ({@code context}) within
 * {@code spanChars}, the answer is non-empty, within {@code outputChars}, and occurs in the span field. An
 * answer found only when case is ignored, or only without surrounding quotes or a final full stop, is
 * corrected to the span field's own text, so the target is always a span of the context.
 *
 * <p>The reference applies its 10 &lt; length &lt; 400 to the context as well; this filter does not by
 * default (context up to 2,000 characters), because the prompt shows the task's real paragraphs (SQuAD's
 * median 568 characters, three in four over 400) and a model imitating them would mostly be rejected.
 * Set {@link Builder#spanChars} to {@code (11, 399)} for the reference's behaviour.
 *
 * <p><b>Math word problems.</b> The input fields are within {@code inputChars} (the reference's
 * 10 &lt; length &lt; 400 on body and question), the expression is within {@code outputChars}, parses and
 * evaluates to a finite number ({@link ArithmeticExpression}), every number in it occurs in an input field
 * or in the list of {@code constants} (compared as numbers, so {@code 2.0} matches a {@code 2} in the text
 * and {@code 1,000} matches {@code 1000}), and an answer the model stated beside it (the
 * {@code statedAnswerField}, {@code answer} by default) is a number equal to the expression's value within
 * 1e-4 relative (absolute below 1), as execution accuracy compares them. The accepted sample's reference
 * is that value.
 *
 * <p><b>Text generation.</b> The input fields are within {@code inputChars}, the output is non-empty and
 * within {@code outputChars}.
 *
 * <p>Immutable and thread-safe.
 */
public final class SequenceFilter {

    /** An input field is shorter than its bound. */
    public static final String FIELD_TOO_SHORT = "field-too-short";
    /** An input field is longer than its bound. */
    public static final String FIELD_TOO_LONG = "field-too-long";
    /** The output (answer, expression, text) is blank. */
    public static final String OUTPUT_EMPTY = "output-empty";
    /** The output is shorter than its bound. */
    public static final String OUTPUT_TOO_SHORT = "output-too-short";
    /** The output is longer than its bound. */
    public static final String OUTPUT_TOO_LONG = "output-too-long";
    /** Extractive QA: the answer is not a span of the span field, even ignoring case. */
    public static final String ANSWER_NOT_IN_SPAN = "answer-not-in-span";
    /** Math: the expression does not parse or does not evaluate to a finite number. */
    public static final String EQUATION_INVALID = "equation-invalid";
    /** Math: the expression uses a number that is neither in the problem nor a constant. */
    public static final String EQUATION_UNKNOWN_NUMBER = "equation-unknown-number";
    /** Math: the stated answer is not a number or differs from the expression's value. */
    public static final String ANSWER_MISMATCH = "answer-mismatch";

    /** Largest bound on a length. */
    public static final int MAX_CHARS = 100_000;
    /** Most constants a math expression may use besides the problem's numbers. */
    public static final int MAX_CONSTANTS = 100;

    /** A number as a text writes it: digits with optional thousands commas and decimals, or {@code .5}. */
    private static final Pattern TEXT_NUMBER = Pattern.compile("\\d+(?:,\\d{3})*(?:\\.\\d+)?|(?<![\\d.])\\.\\d+");
    private static final Pattern PLAIN_NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?");
    private static final Pattern SIGNED_NUMBER = Pattern.compile("-?(?:\\d+(?:,\\d{3})*(?:\\.\\d+)?|\\.\\d+)");

    private final Map<TaskKind, Bounds> inputChars;
    private final Map<TaskKind, Bounds> outputChars;
    private final Bounds spanChars;
    private final List<Double> constants;
    private final String statedAnswerField;

    private SequenceFilter(Builder b) {
        this.inputChars = new EnumMap<>(b.inputChars);
        this.outputChars = new EnumMap<>(b.outputChars);
        this.spanChars = b.spanChars;
        this.constants = List.copyOf(b.constants);
        this.statedAnswerField = b.statedAnswerField;
    }

    /** The defaults described in the class comment. */
    public static SequenceFilter defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The outcome of {@link #check}.
     *
     * @param reject     the reject reason, or null when accepted
     * @param detail     why, for logs (null when accepted)
     * @param target     the accepted target, corrected where the class comment says so (null when rejected)
     * @param references what a metric scores against, when it differs from the target (a math expression's
     *                   value); empty otherwise
     */
    public record Verdict(String reject, String detail, String target, List<String> references) {
        public Verdict {
            references = List.copyOf(references == null ? List.of() : references);
        }

        public boolean ok() {
            return reject == null;
        }

        static Verdict rejected(String reason, String detail) {
            return new Verdict(reason, detail, null, List.of());
        }

        static Verdict accepted(String target, List<String> references) {
            return new Verdict(null, null, target, references);
        }
    }

    /**
     * Checks a parsed answer to a sequence task.
     *
     * @param task   the task (its kind picks the rules)
     * @param inputs the answer's input fields
     * @param target the answer's output field as written
     * @param extras the answer's other scalar fields (a math answer's stated {@code answer}); may be empty
     */
    public Verdict check(Task task, Map<String, String> inputs, String target, Map<String, String> extras) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(inputs, "inputs");
        if (!task.kind().isSequence()) {
            throw new IllegalArgumentException("SequenceFilter checks sequence tasks; '" + task.name() + "' is "
                    + task.kind());
        }
        Map<String, String> other = extras == null ? Map.of() : extras;
        Bounds in = inputChars.get(task.kind());
        for (String f : task.inputFields()) {
            String v = inputs.get(f);
            Bounds b = task.kind() == TaskKind.EXTRACTIVE_QA && f.equals(task.spanField()) ? spanChars : in;
            int len = v == null ? 0 : v.strip().length();
            if (len < b.min) {
                return Verdict.rejected(FIELD_TOO_SHORT, "'" + f + "' has " + len + " characters, fewer than " + b.min);
            }
            if (len > b.max) {
                return Verdict.rejected(FIELD_TOO_LONG, "'" + f + "' has " + len + " characters, more than " + b.max);
            }
        }
        String t = target == null ? "" : target.strip();
        if (t.isEmpty()) {
            return Verdict.rejected(OUTPUT_EMPTY, "'" + task.outputField() + "' is empty");
        }
        Bounds out = outputChars.get(task.kind());
        if (t.length() < out.min) {
            return Verdict.rejected(OUTPUT_TOO_SHORT, "'" + task.outputField() + "' has " + t.length()
                    + " characters, fewer than " + out.min);
        }
        if (t.length() > out.max) {
            return Verdict.rejected(OUTPUT_TOO_LONG, "'" + task.outputField() + "' has " + t.length()
                    + " characters, more than " + out.max);
        }
        return switch (task.kind()) {
            case EXTRACTIVE_QA -> checkSpan(task, inputs, t);
            case MATH_WORD_PROBLEM -> checkExpression(task, inputs, t, other);
            case TEXT_GENERATION -> Verdict.accepted(t, List.of());
            case CLASSIFICATION -> throw new IllegalStateException("not a sequence kind");
        };
    }

    private Verdict checkSpan(Task task, Map<String, String> inputs, String answer) {
        String span = inputs.get(task.spanField());
        List<String> readings = new ArrayList<>();
        readings.add(answer);
        // Wrappers a model adds around a copied span: quotes, and a full stop ending its sentence.
        String bare = answer.replaceAll("^[\"'“‘`]+|[\"'”’`]+$", "").strip();
        readings.add(bare);
        if (bare.endsWith(".") && !bare.endsWith("..")) {
            readings.add(bare.substring(0, bare.length() - 1).strip());
        }
        for (String r : readings) {
            if (!r.isEmpty() && span.contains(r)) {
                return Verdict.accepted(r, List.of());
            }
        }
        for (String r : readings) {
            int at = indexOfIgnoreCase(span, r);
            if (!r.isEmpty() && at >= 0) {
                return Verdict.accepted(span.substring(at, at + r.length()), List.of());
            }
        }
        return Verdict.rejected(ANSWER_NOT_IN_SPAN, "'" + Secrets.truncate(answer, 80) + "' is not in '" + task.spanField() + "'");
    }

    /** The first index where {@code needle} occurs in {@code hay} ignoring case, keeping the hay's own text. */
    static int indexOfIgnoreCase(String hay, String needle) {
        if (needle.isEmpty()) {
            return -1;
        }
        for (int i = 0; i + needle.length() <= hay.length(); i++) {
            if (hay.regionMatches(true, i, needle, 0, needle.length())) {
                return i;
            }
        }
        return -1;
    }

    private Verdict checkExpression(Task task, Map<String, String> inputs, String expression,
                                    Map<String, String> extras) {
        OptionalDouble value = ArithmeticExpression.evaluate(expression);
        if (value.isEmpty()) {
            return Verdict.rejected(EQUATION_INVALID, "'" + Secrets.truncate(expression, 80)
                    + "' is not an arithmetic expression with a finite value");
        }
        List<Double> known = new ArrayList<>(constants);
        for (String f : task.inputFields()) {
            known.addAll(textNumbers(inputs.get(f)));
        }
        for (double n : ArithmeticExpression.numbers(expression)) {
            if (known.stream().noneMatch(k -> sameNumber(n, k))) {
                return Verdict.rejected(EQUATION_UNKNOWN_NUMBER, "the number " + n + " of '" + Secrets.truncate(expression, 80)
                        + "' is neither in the problem nor a constant " + constants);
            }
        }
        double v = value.getAsDouble();
        String stated = statedAnswerField.equals(task.outputField()) ? null : extras.get(statedAnswerField);
        if (stated != null) {
            Matcher m = SIGNED_NUMBER.matcher(stated);
            if (!m.find()) {
                return Verdict.rejected(ANSWER_MISMATCH, "stated " + statedAnswerField + " '" + Secrets.truncate(stated, 80)
                        + "' is not a number");
            }
            double s = Double.parseDouble(m.group().replace(",", ""));
            if (!Metrics.sameValue(v, s)) {
                return Verdict.rejected(ANSWER_MISMATCH, "stated " + statedAnswerField + " " + s + " but '"
                        + Secrets.truncate(expression, 80) + "' = " + v);
            }
        }
        return Verdict.accepted(expression, List.of(Double.toString(v)));
    }

    /** Every number a text writes, unsigned; {@code 1,000} counts as 1000 and as 1 and 0. */
    static List<Double> textNumbers(String text) {
        List<Double> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (Pattern p : List.of(TEXT_NUMBER, PLAIN_NUMBER)) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                out.add(Double.parseDouble(m.group().replace(",", "")));
            }
        }
        return out;
    }

    /** Equal as numbers; the tiny tolerance only absorbs the double rounding of two decimal spellings. */
    private static boolean sameNumber(double a, double b) {
        return Math.abs(a - b) <= 1e-9 * Math.max(1.0, Math.abs(b));
    }

    /** The settings, for provenance. */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        for (TaskKind k : inputChars.keySet()) {
            d.put(k.name().toLowerCase(java.util.Locale.ROOT) + ".inputChars", inputChars.get(k).toString());
            d.put(k.name().toLowerCase(java.util.Locale.ROOT) + ".outputChars", outputChars.get(k).toString());
        }
        d.put("extractive_qa.spanChars", spanChars.toString());
        d.put("math.constants", constants);
        d.put("math.statedAnswerField", statedAnswerField);
        return d;
    }

    private record Bounds(int min, int max) {
        @Override
        public String toString() {
            return "[" + min + ", " + max + "]";
        }
    }

    /** Settings of a {@link SequenceFilter}; every bound is inclusive, in characters after trimming. */
    public static final class Builder {
        private final Map<TaskKind, Bounds> inputChars = new EnumMap<>(TaskKind.class);
        private final Map<TaskKind, Bounds> outputChars = new EnumMap<>(TaskKind.class);
        private Bounds spanChars = new Bounds(11, 2000);
        private List<Double> constants = List.of(1.0, 100.0, 0.01);
        private String statedAnswerField = "answer";

        private Builder() {
            // The reference keeps 10 < length < 400 on QA questions and math bodies and questions.
            inputChars.put(TaskKind.EXTRACTIVE_QA, new Bounds(11, 399));
            inputChars.put(TaskKind.MATH_WORD_PROBLEM, new Bounds(11, 399));
            // NL4OPT's problems run to about 1,000 characters.
            inputChars.put(TaskKind.TEXT_GENERATION, new Bounds(11, 2000));
            // SQuAD's answers are at most about 100 characters; equations a few dozen.
            outputChars.put(TaskKind.EXTRACTIVE_QA, new Bounds(1, 200));
            outputChars.put(TaskKind.MATH_WORD_PROBLEM, new Bounds(1, 400));
            outputChars.put(TaskKind.TEXT_GENERATION, new Bounds(1, 2000));
        }

        /**
         * Bounds on every input field of a task of {@code kind} (for extractive QA: every field but the span
         * field). Defaults: QA and math 11 to 399 (the reference's 10 &lt; length &lt; 400), generation 11 to 2,000.
         */
        public Builder inputChars(TaskKind kind, int min, int max) {
            inputChars.put(requireSequence(kind, "inputChars"), bounds("inputChars", 1, min, max));
            return this;
        }

        /** Bounds on the output of a task of {@code kind}. Defaults: QA 1 to 200, math 1 to 400, generation 1 to 2,000. */
        public Builder outputChars(TaskKind kind, int min, int max) {
            outputChars.put(requireSequence(kind, "outputChars"), bounds("outputChars", 1, min, max));
            return this;
        }

        /** Bounds on the span field of an extractive QA task ({@code context}); default 11 to 2,000. */
        public Builder spanChars(int min, int max) {
            spanChars = bounds("spanChars", 1, min, max);
            return this;
        }

        /**
         * Numbers a math expression may use although the problem does not write them (a percentage's 100,
         * a unit's 0.01); default 1, 100, 0.01. Each finite and non-negative (signs are operators), at most
         * {@value #MAX_CONSTANTS}.
         */
        public Builder mathConstants(Collection<Double> values) {
            if (values == null || values.size() > MAX_CONSTANTS) {
                throw new IllegalArgumentException("mathConstants must hold 0 to " + MAX_CONSTANTS + " numbers, was "
                        + (values == null ? null : values.size()));
            }
            for (Double v : values) {
                if (v == null || !Double.isFinite(v) || v < 0) {
                    throw new IllegalArgumentException("mathConstants must be finite numbers >= 0, was " + values);
                }
            }
            constants = List.copyOf(values);
            return this;
        }

        /** The field of a math answer that holds a stated answer to check against the expression; default {@code answer}. */
        public Builder statedAnswerField(String field) {
            if (field == null || field.isBlank()) {
                throw new IllegalArgumentException("statedAnswerField must be a non-blank field name, was '" + field + "'");
            }
            statedAnswerField = field;
            return this;
        }

        public SequenceFilter build() {
            return new SequenceFilter(this);
        }

        private static TaskKind requireSequence(TaskKind kind, String setting) {
            if (kind == null || !kind.isSequence()) {
                throw new IllegalArgumentException(setting + " is set per sequence kind (EXTRACTIVE_QA, "
                        + "MATH_WORD_PROBLEM, TEXT_GENERATION), was " + kind);
            }
            return kind;
        }

        private static Bounds bounds(String setting, int lowest, int min, int max) {
            if (min < lowest || min > MAX_CHARS) {
                throw new IllegalArgumentException(setting + " min must be in [" + lowest + ", " + MAX_CHARS
                        + "], was " + min);
            }
            if (max < min || max > MAX_CHARS) {
                throw new IllegalArgumentException(setting + " max must be in [min=" + min + ", " + MAX_CHARS
                        + "], was " + max);
            }
            return new Bounds(min, max);
        }
    }
}
