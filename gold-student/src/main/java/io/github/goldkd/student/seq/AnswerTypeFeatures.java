package io.github.goldkd.student.seq;

import java.util.Locale;
import java.util.Set;

/**
 * Answer-type features of the span QA student: SQuAD answers follow the question's type (who: capitalised names,
 * when: years, dates, months, how many / how much: numbers, where: capitalised places), and frozen bge token
 * states carry the token's kind only weakly, so the student gets both sides explicitly and their interaction:
 *
 * <ul>
 *   <li>per context token, {@link #TOKEN_FEATURES} word-shape flags of the word the token belongs to
 *       (capitalised, capitalised not at a sentence start, holds a digit or is a number word, year-like,
 *       month or weekday name, inside quotes or parentheses, function word, punctuation);</li>
 *   <li>per question, a one-hot of its type ({@link #TYPES}: who, when, where, how many, how much, what, which,
 *       why, other), broadcast to every token;</li>
 *   <li>their outer product per context token ({@code TOKEN_FEATURES * TYPES} channels), so that a pointwise
 *       layer sees "capitalised AND a who-question" directly instead of having to build it from a sum.</li>
 * </ul>
 * Tokens outside the context (the question, the specials) carry only the type one-hot. Pure functions of the
 * texts and the tokens' character offsets: deterministic, no state.
 */
final class AnswerTypeFeatures {

    static final int TOKEN_FEATURES = 8;
    static final int TYPES = 9;
    /** Channels added per token: the token flags, the type one-hot and their outer product. */
    static final int COUNT = TOKEN_FEATURES + TYPES + TOKEN_FEATURES * TYPES;

    static final int WHO = 0;
    static final int WHEN = 1;
    static final int WHERE = 2;
    static final int HOW_MANY = 3;
    static final int HOW_MUCH = 4;
    static final int WHAT = 5;
    static final int WHICH = 6;
    static final int WHY = 7;
    static final int OTHER = 8;

    private static final Set<String> MONTHS = Set.of("january", "february", "march", "april", "may", "june", "july",
            "august", "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
            "sep", "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
            "sunday");
    private static final Set<String> NUMBER_WORDS = Set.of("one", "two", "three", "four", "five", "six", "seven",
            "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
            "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
            "hundred", "thousand", "million", "billion", "trillion", "dozen", "half", "first", "second", "third",
            "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "percent");
    /** Nouns after "what" / "which" that make the question a "when" question ("in what year ..."). */
    private static final Set<String> TIME_NOUNS = Set.of("year", "years", "century", "centuries", "decade", "date",
            "month", "day", "time", "period", "era", "age");
    private static final Set<String> FUNCTION_WORDS = Set.of(SpanQaStudent.STOPWORDS.split(" "));

    private AnswerTypeFeatures() {
    }

    /**
     * The question's type: the first question word decides (who / whom / whose: who; "what year", "which
     * century" and the like: when; "how many", "how much"; another "how": other). No question word: other.
     */
    static int questionType(String question) {
        if (question == null) {
            return OTHER;
        }
        String[] w = question.toLowerCase(Locale.ROOT).split("[^a-z0-9']+");
        for (int i = 0; i < w.length; i++) {
            String next = i + 1 < w.length ? w[i + 1] : "";
            switch (w[i]) {
                case "who", "whom", "whose":
                    return WHO;
                case "when":
                    return WHEN;
                case "where":
                    return WHERE;
                case "why":
                    return WHY;
                case "how":
                    return next.equals("many") ? HOW_MANY : next.equals("much") ? HOW_MUCH : OTHER;
                case "what", "which":
                    if (TIME_NOUNS.contains(next)) {
                        return WHEN;
                    }
                    return w[i].equals("what") ? WHAT : WHICH;
                default:
                    break;
            }
        }
        return OTHER;
    }

    /**
     * The flags of the word holding each of {@code count} tokens, feature-major: {@code out[f * count + j]} for
     * token {@code j}, whose characters are {@code [charStart[j], charEnd[j])} of {@code text} (a token with a
     * negative start gets no flag).
     */
    static float[] tokenFlags(String text, int[] charStart, int[] charEnd, int count) {
        float[] out = new float[TOKEN_FEATURES * count];
        for (int j = 0; j < count; j++) {
            int cs = charStart[j];
            int ce = charEnd[j];
            if (cs < 0 || ce <= cs) {
                continue;
            }
            int ws = cs;
            while (ws > 0 && isWordChar(text.charAt(ws - 1))) {
                ws--;
            }
            int we = ce;
            while (we < text.length() && isWordChar(text.charAt(we))) {
                we++;
            }
            String word = text.substring(ws, Math.max(ws, we));
            boolean punctuation = !isWordChar(text.charAt(cs));
            if (punctuation) {
                out[7 * count + j] = 1f;
            } else {
                boolean capital = Character.isUpperCase(word.charAt(0));
                String lower = word.toLowerCase(Locale.ROOT);
                boolean digit = word.chars().anyMatch(Character::isDigit);
                out[j] = capital ? 1f : 0f;
                out[count + j] = capital && !sentenceStart(text, ws) ? 1f : 0f;
                out[2 * count + j] = digit || NUMBER_WORDS.contains(lower) ? 1f : 0f;
                out[3 * count + j] = yearLike(word) ? 1f : 0f;
                out[4 * count + j] = MONTHS.contains(lower) ? 1f : 0f;
                out[6 * count + j] = FUNCTION_WORDS.contains(lower) ? 1f : 0f;
            }
            out[5 * count + j] = enclosed(text, cs) ? 1f : 0f;
        }
        return out;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c);
    }

    /** Four digits from 1000 to 2099, optionally followed by "s" (1990s). */
    static boolean yearLike(String word) {
        String w = word.endsWith("s") ? word.substring(0, word.length() - 1) : word;
        if (w.length() != 4 || !w.chars().allMatch(Character::isDigit)) {
            return false;
        }
        int y = Integer.parseInt(w);
        return y >= 1000 && y <= 2099;
    }

    /** Whether the word at {@code at} starts the text or follows ". ", "! ", "? " (skipping spaces and quotes). */
    private static boolean sentenceStart(String text, int at) {
        int i = at - 1;
        while (i >= 0 && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == '"' || text.charAt(i) == '(')) {
            i--;
        }
        return i < 0 || text.charAt(i) == '.' || text.charAt(i) == '!' || text.charAt(i) == '?';
    }

    /**
     * Whether position {@code at} lies inside an open parenthesis or an odd number of double quotes within its
     * sentence-ish stretch (looked back at most 200 characters, stopping at a sentence end).
     */
    static boolean enclosed(String text, int at) {
        int parens = 0;
        int quotes = 0;
        for (int i = at - 1; i >= 0 && i >= at - 200; i--) {
            char c = text.charAt(i);
            if (c == ')') {
                parens--;
            } else if (c == '(') {
                parens++;
            } else if (c == '"' || c == '\u201c' || c == '\u201d') {
                quotes++;
            } else if ((c == '.' || c == '!' || c == '?') && i + 1 < text.length()
                    && Character.isWhitespace(text.charAt(i + 1))) {
                break;
            }
        }
        return parens > 0 || quotes % 2 == 1;
    }
}
