package io.github.goldkd.student.seq;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.metric.ArithmeticExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Math word problems: the numbers of the problem (its input fields in order, body then question) become slots
 * N0, N1, ... in order of appearance, in the source and in the output; the infix target {@code ( 76.0 - 25.0 )}
 * becomes the prefix tokens {@code - N0 N1}. Output vocabulary: end, the four operators, the slots, and the
 * constants (numbers of training targets that are not in their problem, kept when they occur at least
 * {@link #MIN_CONSTANT_COUNT} times). Decoding is constrained to well-formed prefix expressions over the slots
 * the problem has ({@link PrefixExpressionConstraint}); the output is rendered back into the data's infix form
 * with the numbers substituted ({@link PrefixNotation}).
 */
final class MathCodec extends VocabularyCodec {

    private static final Logger log = LoggerFactory.getLogger(MathCodec.class);

    /** Slots in the output vocabulary; a problem's numbers beyond this enter the source as {@code <num>}. */
    static final int MAX_SLOTS = 16;
    /** Occurrences in the training targets for a number outside the problem to become a constant. */
    static final int MIN_CONSTANT_COUNT = 5;
    static final String[] OPERATORS = {"+", "-", "*", "/"};
    /**
     * How far from 0 or an integer a value may be and count as non-negative or integral: float rounding, as in
     * {@code ( ( 1 / 49 ) * 49 )} = 0.9999999999999999, not a real fraction, which a word problem's numbers keep
     * far above it.
     */
    static final double PLAUSIBLE_TOLERANCE = 1e-9;
    private static final String PAD = "<pad>";
    private static final String UNK = "<unk>";
    private static final String NUM = "<num>";
    private static final Pattern TOKEN = Pattern.compile("\\d+(?:,\\d{3})*(?:\\.\\d+)?|\\.\\d+|[\\p{L}]+|[^\\s\\p{L}\\d]");
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:,\\d{3})*(?:\\.\\d+)?|\\.\\d+");

    private List<String> outputs;
    private double[] constants;

    MathCodec(List<String> inputFields, int minTokenCount, int maxVocabulary) {
        super(inputFields, minTokenCount, maxVocabulary);
    }

    @Override
    public String name() {
        return "math";
    }

    @Override
    public boolean copies() {
        return false;
    }

    @Override
    public void prepare(List<Sample> train) {
        Map<String, Integer> counts = new HashMap<>();
        Map<Double, Integer> outside = new HashMap<>();
        for (Sample s : train) {
            List<String> words = words(s);
            for (String w : words) {
                if (!isNumber(w)) {
                    counts.merge(w, 1, Integer::sum);
                }
            }
            if (s.target() != null) {
                List<Double> numbers = numbers(words);
                for (double v : targetNumbers(s.target())) {
                    if (indexOf(numbers, v) < 0) {
                        outside.merge(v, 1, Integer::sum);
                    }
                }
            }
        }
        List<String> source = new ArrayList<>(List.of(PAD, UNK, NUM));
        for (int i = 0; i < MAX_SLOTS; i++) {
            source.add(slot(i));
        }
        source.addAll(frequent(counts, maxVocabulary - source.size()));
        List<Double> kept = new ArrayList<>();
        outside.entrySet().stream()
                .filter(e -> e.getValue() >= MIN_CONSTANT_COUNT)
                .sorted(Map.Entry.<Double, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> kept.add(e.getKey()));
        init(source, kept.stream().mapToDouble(Double::doubleValue).toArray());
        log.debug("math codec: {} source tokens, constants {}", source.size(), kept);
    }

    private void init(List<String> source, double[] constantValues) {
        // the source list is distinct (reserved tokens, slots, then non-number words), so ids are its positions
        indexSource(source);
        constants = constantValues;
        outputs = new ArrayList<>();
        outputs.add("<eos>");
        outputs.addAll(List.of(OPERATORS));
        for (int i = 0; i < MAX_SLOTS; i++) {
            outputs.add(slot(i));
        }
        for (double c : constants) {
            outputs.add(format(c));
        }
    }

    @Override
    public int outputVocabularySize() {
        return outputs.size();
    }

    private static int operatorId(String op) {
        for (int i = 0; i < OPERATORS.length; i++) {
            if (OPERATORS[i].equals(op)) {
                return 1 + i;
            }
        }
        return -1;
    }

    private static int slotId(int slot) {
        return 1 + OPERATORS.length + slot;
    }

    private int constantId(int k) {
        return 1 + OPERATORS.length + MAX_SLOTS + k;
    }

    private static boolean isOperator(int id) {
        return id >= 1 && id <= OPERATORS.length;
    }


    @Override
    public Source source(Sample sample, int maxTokens) {
        List<String> words = words(sample);
        List<Double> numbers = numbers(words);
        int n = Math.min(words.size(), maxTokens);
        int[] ids = new int[n];
        List<String> tokens = new ArrayList<>(n);
        int slot = 0;
        for (int i = 0; i < n; i++) {
            String w = words.get(i);
            if (isNumber(w)) {
                ids[i] = slot < MAX_SLOTS ? sourceIds.get(slot(slot)) : sourceIds.get(NUM);
                slot++;
            } else {
                ids[i] = sourceIds.getOrDefault(w, sourceIds.get(UNK));
            }
            tokens.add(w);
        }
        // every number of the problem is a slot, also one beyond the cut source (its value is still known)
        double[] values = new double[Math.min(numbers.size(), MAX_SLOTS)];
        for (int i = 0; i < values.length; i++) {
            values[i] = numbers.get(i);
        }
        return new Source(ids, tokens, values);
    }

    @Override
    public int[] target(Sample sample, Source source, int maxTokens) {
        if (sample.target() == null) {
            return null;
        }
        List<String> prefix;
        try {
            prefix = PrefixNotation.fromInfix(sample.target());
        } catch (IllegalArgumentException e) {
            return null;
        }
        List<Double> numbers = new ArrayList<>();
        for (double v : source.numbers()) {
            numbers.add(v);
        }
        int[] out = new int[Math.min(prefix.size() + 1, maxTokens)];
        for (int i = 0; i < out.length; i++) {
            if (i == prefix.size()) {
                out[i] = eos();
                break;
            }
            String t = prefix.get(i);
            int op = operatorId(t);
            if (op >= 0) {
                out[i] = op;
                continue;
            }
            Double parsed = parseNumber(t);
            if (parsed == null) {
                return null;
            }
            double v = parsed;
            int slot = indexOf(numbers, v);
            if (slot >= 0) {
                out[i] = slotId(slot);
                continue;
            }
            int k = -1;
            for (int j = 0; j < constants.length; j++) {
                if (constants[j] == v) {
                    k = j;
                    break;
                }
            }
            if (k < 0) {
                return null;
            }
            out[i] = constantId(k);
        }
        return out;
    }

    @Override
    public DecodingConstraint constraint(Source source, int maxLength) {
        return PrefixExpressionConstraint.forVocabulary(outputs, eos(), source.numbers().length, maxLength);
    }

    @Override
    public String render(int[] output, Source source) {
        List<String> prefix = new ArrayList<>();
        for (int t : output) {
            if (t == eos()) {
                break;
            }
            if (t >= slotId(0) && t < slotId(MAX_SLOTS)) {
                int slot = t - slotId(0);
                if (slot >= source.numbers().length) {
                    return "";
                }
                prefix.add(format(source.numbers()[slot]));
            } else if (t >= constantId(0) && t < outputs.size()) {
                prefix.add(format(constants[t - constantId(0)]));
            } else if (isOperator(t)) {
                prefix.add(OPERATORS[t - 1]);
            } else {
                return "";
            }
        }
        try {
            return PrefixNotation.toInfix(prefix);
        } catch (IllegalArgumentException e) {
            // an unfinished or empty output (the constraint keeps this to a cut-off at the length limit)
            return "";
        }
    }

    /**
     * The first finished hypothesis whose expression evaluates (by gold-core's {@link ArithmeticExpression}, as
     * execution accuracy does) to a finite value >= 0 that is integral when every number of the problem is an
     * integer; 0 when none does. "Problem" means its numbers as slots: the first {@link #MAX_SLOTS}.
     */
    @Override
    public int plausibleChoice(List<BeamSearch.Hypothesis> hypotheses, Source source) {
        boolean integerProblem = true;
        for (double v : source.numbers()) {
            integerProblem &= isIntegral(v);
        }
        for (int i = 0; i < hypotheses.size(); i++) {
            BeamSearch.Hypothesis h = hypotheses.get(i);
            if (!h.finished()) {
                continue;
            }
            OptionalDouble value = ArithmeticExpression.evaluate(render(h.tokens(), source));
            if (value.isPresent() && value.getAsDouble() >= -PLAUSIBLE_TOLERANCE
                    && (!integerProblem || isIntegral(value.getAsDouble()))) {
                return i;
            }
        }
        return 0;
    }

    /** Within {@link #PLAUSIBLE_TOLERANCE}: absolute up to 1, relative beyond (products of large numbers). */
    private static boolean isIntegral(double v) {
        return Math.abs(v - Math.rint(v)) <= PLAUSIBLE_TOLERANCE * Math.max(1, Math.abs(v));
    }

    @Override
    public JsonObject toJson() {
        JsonObject o = sourceJson();
        JsonArray cs = new JsonArray();
        for (double c : constants) {
            cs.add(c);
        }
        o.add("constants", cs);
        return o;
    }

    static MathCodec fromJson(JsonObject o, List<String> inputFields, int minTokenCount, int maxVocabulary) {
        MathCodec codec = new MathCodec(inputFields, minTokenCount, maxVocabulary);
        List<String> source = strings(o.getAsJsonArray("source"));
        JsonArray cs = o.getAsJsonArray("constants");
        double[] constants = new double[cs.size()];
        for (int i = 0; i < constants.length; i++) {
            constants[i] = cs.get(i).getAsDouble();
        }
        codec.init(source, constants);
        return codec;
    }

    // ---- text helpers ---------------------------------------------------------------------------------

    /**
     * The problem as one text, its input fields in order joined by a space: what a frozen bge encoder reads. No
     * token of {@link #TOKEN} spans a space, so its numbers are those of {@link #source}, in the same order.
     */
    String text(Sample s) {
        return joinedInputs(s, " ");
    }

    /**
     * The character spans [start, end) of the numbers of {@code text}, in order: number k is slot N{@code k}.
     * Matched on the text as written (not lower-cased, which could shift offsets), with the same tokeniser as
     * {@link #source}: lower-casing changes no digit, so the numbers found are the same.
     */
    static List<int[]> numberSpans(String text) {
        List<int[]> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            if (isNumber(m.group())) {
                out.add(new int[] {m.start(), m.end()});
            }
        }
        return out;
    }

    private List<String> words(Sample s) {
        List<String> out = new ArrayList<>();
        for (String field : inputFields) {
            String text = s.inputs().get(field);
            if (text != null) {
                addWords(text, out);
            }
        }
        return out;
    }

    /** Adds the words of {@code text} (lower-cased, split by the codec's tokeniser) to {@code out}. */
    private static void addWords(String text, List<String> out) {
        Matcher m = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
    }

    /** The numbers of a text in order, as {@link #source} reads them (its slots' values, before the cut). */
    static List<Double> numbersIn(String text) {
        List<String> words = new ArrayList<>();
        addWords(text, words);
        return numbers(words);
    }

    /** The number literals of an infix target, as {@link #prepare} and {@link #target} read them. */
    static List<Double> targetNumbers(String target) {
        List<Double> out = new ArrayList<>();
        for (String t : target.trim().split("\\s+")) {
            Double v = parseNumber(t);
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /** Whether {@link #target} would map {@code v} to a slot holding {@code slotValue} (the same tolerance). */
    static boolean sameNumber(double slotValue, double v) {
        return Math.abs(slotValue - v) <= 1e-9 * Math.max(1, Math.abs(v));
    }

    private static boolean isNumber(String token) {
        return NUMBER.matcher(token).matches();
    }

    private static List<Double> numbers(List<String> words) {
        List<Double> out = new ArrayList<>();
        for (String w : words) {
            if (isNumber(w)) {
                out.add(Double.parseDouble(w.replace(",", "")));
            }
        }
        return out;
    }

    private static Double parseNumber(String token) {
        if (!token.matches("-?(\\d+(\\.\\d*)?|\\.\\d+)")) {
            return null;
        }
        return Double.parseDouble(token);
    }

    private static int indexOf(List<Double> numbers, double v) {
        for (int i = 0; i < numbers.size(); i++) {
            if (sameNumber(numbers.get(i), v)) {
                return i;
            }
        }
        return -1;
    }

    static String slot(int i) {
        return "N" + i;
    }

    /** A number as the data writes it: {@code 76.0}, {@code 0.25}, never in exponent form. */
    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return (long) v + ".0";
        }
        return BigDecimal.valueOf(v).toPlainString();
    }

    @Override
    public String toString() {
        return "MathCodec" + Arrays.toString(constants);
    }
}
