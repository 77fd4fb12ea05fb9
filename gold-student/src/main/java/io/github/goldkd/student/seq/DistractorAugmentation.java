package io.github.goldkd.student.seq;

import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Seeds;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Distractor augmentation of math word problems ({@link Seq2SeqConfig#distractorRate()}): with probability p per
 * sample and epoch, the sample is trained with one sentence of another training problem's body inserted into its
 * body, the target unchanged. Why: in MAWPS + ASDiv-A nearly every number of a problem is used by its answer, so a
 * student learns "use all the numbers", while SVAMP adds numbers the answer does not use; the inserted sentence
 * holds a number the target does not use, so it teaches the student to leave numbers out.
 *
 * <p>Which sentence and where: donors are the sentences of the training problems' bodies that end a statement
 * ({@code .} or {@code !}) and hold a number; a donor from the same problem, or holding a value the target uses
 * (the target would then map that value to the donor's slot, or to a slot instead of a constant), is skipped. The
 * sentence goes in at a sentence boundary of the body: before any of its sentences, or after the last one when that
 * one is finished and the question is a field of its own (a body ending in an open clause, "If he has 5 apples ,",
 * runs on into the question, so nothing goes after it). With one input field its last sentence is the question and
 * nothing goes after the one before it. The body is the task's first input field; the question and every other
 * field stay as they are. The numbers after the insertion point move up a slot, which the codec follows by value.
 *
 * <p>Every draw comes from {@code Seeds.derive(seed, "distractor", epoch, index)}: the same fit seed gives the same
 * augmented samples, independently of batch order and of other samples. At rate 0 nothing is drawn or built.
 */
final class DistractorAugmentation {

    /**
     * Donors tried per augmented sample before it is trained as written: at rate 1 every one of the 3,122 encodable
     * problems of the SVAMP pool (MAWPS + ASDiv-A) found a donor within them.
     */
    static final int MAX_TRIES = 8;

    /** One donor sentence: the training problem it comes from (its index) and the numbers it holds. */
    private record Donor(int problem, String sentence, List<Double> numbers) {
    }

    private final List<Sample> problems;
    private final String bodyField;
    private final boolean questionInBody;
    private final double rate;
    private final List<Donor> donors = new ArrayList<>();

    /**
     * @param problems    the training problems (with targets): the samples to augment, by index, and the donors
     * @param inputFields the task's input fields in order; the first is the body
     * @param rate        the chance per sample and epoch of an inserted sentence, in (0, 1]
     */
    DistractorAugmentation(List<Sample> problems, List<String> inputFields, double rate) {
        if (!(rate > 0 && rate <= 1)) {
            throw new IllegalArgumentException("distractorRate must be in (0, 1] to augment, was " + rate);
        }
        if (inputFields.isEmpty()) {
            throw new IllegalArgumentException("inputFields must name the body field, was empty");
        }
        this.problems = List.copyOf(problems);
        this.bodyField = inputFields.get(0);
        this.questionInBody = inputFields.size() == 1;
        this.rate = rate;
        for (int i = 0; i < this.problems.size(); i++) {
            String body = this.problems.get(i).inputs().get(bodyField);
            if (body == null) {
                continue;
            }
            for (int[] span : sentences(body)) {
                String sentence = body.substring(span[0], span[1]);
                char last = sentence.charAt(sentence.length() - 1);
                List<Double> numbers = MathCodec.numbersIn(sentence);
                if ((last == '.' || last == '!') && !numbers.isEmpty()) {
                    donors.add(new Donor(i, sentence, numbers));
                }
            }
        }
    }

    /** How many donor sentences the problems hold. */
    int donorCount() {
        return donors.size();
    }

    /**
     * Problem {@code index} as epoch {@code epoch} of a fit with {@code seed} trains it: the problem itself (the
     * same instance) or a copy with one donor sentence inserted, the first of up to {@link #MAX_TRIES} candidates
     * that {@code accepts} (the caller's check that the target still encodes to the same expression).
     */
    Sample sample(int index, long seed, int epoch, Predicate<Sample> accepts) {
        Sample problem = problems.get(index);
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, "distractor", epoch, index));
        if (random.nextDouble() >= rate || donors.isEmpty() || problem.target() == null) {
            return problem;
        }
        String body = problem.inputs().get(bodyField);
        if (body == null) {
            return problem;
        }
        List<Integer> places = insertionPoints(body);
        if (places.isEmpty()) {
            return problem;
        }
        List<Double> used = MathCodec.targetNumbers(problem.target());
        for (int t = 0; t < MAX_TRIES; t++) {
            Donor donor = donors.get(random.nextInt(donors.size()));
            int place = places.get(random.nextInt(places.size()));
            if (donor.problem() == index || collides(donor.numbers(), used)) {
                continue;
            }
            Sample candidate = withBody(problem, inserted(body, place, donor.sentence()));
            if (accepts.test(candidate)) {
                return candidate;
            }
        }
        return problem;
    }

    private static boolean collides(List<Double> donorNumbers, List<Double> used) {
        for (double d : donorNumbers) {
            for (double v : used) {
                if (MathCodec.sameNumber(d, v)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Character offsets where a sentence may go in: sentence starts, and the end when allowed (class comment). */
    private List<Integer> insertionPoints(String body) {
        List<int[]> spans = sentences(body);
        List<Integer> out = new ArrayList<>();
        // with the question in the body, its last sentence is the question: insert before it, not after
        int starts = questionInBody ? spans.size() - 1 : spans.size();
        for (int k = 0; k < starts; k++) {
            out.add(spans.get(k)[0]);
        }
        if (!questionInBody && !spans.isEmpty()) {
            int[] lastSpan = spans.get(spans.size() - 1);
            char last = body.charAt(lastSpan[1] - 1);
            if (last == '.' || last == '!' || last == '?') {
                out.add(body.length());
            }
        }
        return out;
    }

    /** {@code sentence} put in {@code body} at {@code place} (a sentence start or the end), a space between. */
    static String inserted(String body, int place, String sentence) {
        if (place >= body.length()) {
            return body.stripTrailing() + " " + sentence;
        }
        return body.substring(0, place) + sentence + " " + body.substring(place);
    }

    private Sample withBody(Sample problem, String body) {
        Map<String, String> inputs = new LinkedHashMap<>(problem.inputs());
        inputs.put(bodyField, body);
        // the target's place in an input is an extractive-QA notion, unknown (-1) here
        return new Sample(problem.id(), inputs, problem.label(), problem.target(), problem.origin(), problem.round(),
                problem.references(), -1);
    }

    /**
     * The sentences of a text as [start, end) character spans, trimmed: a sentence ends after {@code .}, {@code !}
     * or {@code ?} followed by white space or the end (so {@code 2.5} and {@code $3.50} do not split); the text's
     * last sentence may end without one.
     */
    static List<int[]> sentences(String text) {
        List<int[]> out = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int start = i;
            int end = n;
            for (int j = i; j < n; j++) {
                char c = text.charAt(j);
                if ((c == '.' || c == '!' || c == '?') && (j + 1 == n || Character.isWhitespace(text.charAt(j + 1)))) {
                    end = j + 1;
                    break;
                }
            }
            int trimmed = end;
            while (trimmed > start && Character.isWhitespace(text.charAt(trimmed - 1))) {
                trimmed--;
            }
            out.add(new int[] {start, trimmed});
            i = end;
        }
        return out;
    }
}
