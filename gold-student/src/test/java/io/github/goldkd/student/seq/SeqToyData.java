package io.github.goldkd.student.seq;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Small synthetic sequence tasks the tests train on. */
final class SeqToyData {

    static final Task MATH = Task.sequence("toy-math", TaskKind.MATH_WORD_PROBLEM, "toy arithmetic",
            List.of("body", "question"), "equation", List.of());
    static final Task TEXT = Task.sequence("toy-text", TaskKind.TEXT_GENERATION, "toy formulations",
            List.of("document"), "formulation", List.of());

    private static final String[] NAMES = {"tom", "ann", "bob", "eve", "max", "liz", "sam", "kim"};
    private static final String[] THINGS = {"apples", "pens", "books", "cards", "coins", "shells"};

    private SeqToyData() {
    }

    /**
     * Math problems of three shapes: a + b ("gets ... more"), a - b ("gives away"), a * b ("boxes of"); the
     * wording decides the operator, the numbers decide nothing, so only the slots can be learned.
     */
    static Dataset math(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = NAMES[r.nextInt(NAMES.length)];
            String thing = THINGS[r.nextInt(THINGS.length)];
            int a = 2 + r.nextInt(90);
            int b = 2 + r.nextInt(90);
            String body;
            String question;
            String equation;
            switch (r.nextInt(3)) {
                case 0 -> {
                    body = name + " has " + a + " " + thing + " and gets " + b + " more " + thing + " .";
                    question = "how many " + thing + " does " + name + " have now ?";
                    equation = "( " + a + ".0 + " + b + ".0 )";
                }
                case 1 -> {
                    body = name + " has " + a + " " + thing + " and gives away " + b + " of them .";
                    question = "how many " + thing + " are left ?";
                    equation = "( " + a + ".0 - " + b + ".0 )";
                }
                default -> {
                    body = name + " buys " + a + " boxes with " + b + " " + thing + " in each box .";
                    question = "how many " + thing + " did " + name + " buy ?";
                    equation = "( " + a + ".0 * " + b + ".0 )";
                }
            }
            double value = equation.contains("+") ? a + b : equation.contains("-") ? a - b : (double) a * b;
            out.add(Sample.withTarget("m" + seed + "-" + i, Map.of("body", body, "question", question), equation,
                    List.of(Double.toString(value)), Origin.REAL));
        }
        return Dataset.of(out);
    }

    /**
     * Copy task: a document names two things with made-up names and numbers; the formulation writes them in a
     * fixed layout, so the names (unseen in training) can only be copied.
     */
    static Dataset text(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String x = word(r);
            String y = word(r);
            int a = 1 + r.nextInt(500);
            int b = 1 + r.nextInt(500);
            String doc = "A shop sells " + x + " and " + y + ". Each " + x + " earns $" + a + " and each " + y
                    + " earns $" + b + ". Maximize profit.";
            String formulation = "variables: " + x + ", " + y + "\nmaximize: " + a + " " + x + " + " + b + " " + y;
            out.add(Sample.withTarget("t" + seed + "-" + i, Map.of("document", doc), formulation, List.of(),
                    Origin.REAL));
        }
        return Dataset.of(out);
    }

    private static String word(SplittableRandom r) {
        String consonants = "bdfgklmnprstvz";
        String vowels = "aeiou";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            sb.append(consonants.charAt(r.nextInt(consonants.length()))).append(vowels.charAt(r.nextInt(vowels.length())));
        }
        return sb.toString();
    }
}
