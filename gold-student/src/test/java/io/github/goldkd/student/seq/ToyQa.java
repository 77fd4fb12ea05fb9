package io.github.goldkd.student.seq;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small synthetic QA task: each context states facts about three people (city of birth, year, occupation) and
 * the question asks one fact of one of them, so the answer depends on matching the question's name and relation.
 * The train and test parts use disjoint names, cities and occupations, as in the measurement of seq-students.md.
 */
final class ToyQa {

    static final Task TASK = Task.sequence("toy-qa", TaskKind.EXTRACTIVE_QA, "answer from the context",
            List.of("context", "question"), "answer", List.of());

    private static final String[] NAMES_A = {"Alice Brown", "Boris Kane", "Clara Diaz", "Dmitri Volkov", "Elena Rossi",
            "Farid Haddad", "Greta Olsen", "Hiro Tanaka", "Ines Silva", "Jonas Berg", "Kara Novak", "Liam Walsh",
            "Maya Cohen", "Nils Lund", "Omar Aziz", "Paula Costa", "Quinn Hart", "Rosa Marin"};
    private static final String[] NAMES_B = {"Sven Holm", "Tara Singh", "Ugo Ferri", "Vera Kral", "Wade Price",
            "Xena Park", "Yusuf Demir", "Zoe Martin", "Anton Weiss", "Bianca Roth", "Carl Moss", "Dana Reyes"};
    private static final String[] CITIES_A = {"Lisbon", "Oslo", "Kraków", "Dublin", "Lyon", "Porto", "Bergen",
            "Gdańsk", "Turin", "Malmö", "Leeds", "Graz"};
    private static final String[] CITIES_B = {"Tampere", "Brno", "Ghent", "Bilbao", "Aarhus", "Split", "Cork",
            "Basel"};
    private static final String[] JOBS_A = {"baker", "pilot", "nurse", "lawyer", "chemist", "carpenter", "painter",
            "surgeon"};
    private static final String[] JOBS_B = {"architect", "plumber", "violinist", "geologist", "librarian", "jeweller"};

    private ToyQa() {
    }

    static Dataset train(int n, long seed) {
        return make(n, seed, NAMES_A, CITIES_A, JOBS_A, "train");
    }

    static Dataset test(int n, long seed) {
        return make(n, seed, NAMES_B, CITIES_B, JOBS_B, "test");
    }

    private static String pick(SplittableRandom r, String[] a) {
        return a[r.nextInt(a.length)];
    }

    private static Dataset make(int n, long seed, String[] names, String[] cities, String[] jobs, String prefix) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Sample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<String> people = new ArrayList<>();
            while (people.size() < 3) {
                String p = pick(r, names);
                if (!people.contains(p)) {
                    people.add(p);
                }
            }
            StringBuilder c = new StringBuilder();
            String[] city = new String[3];
            String[] year = new String[3];
            String[] job = new String[3];
            for (int k = 0; k < 3; k++) {
                city[k] = pick(r, cities);
                year[k] = String.valueOf(1900 + r.nextInt(100));
                job[k] = pick(r, jobs);
                switch (r.nextInt(2)) {
                    case 0 -> c.append(people.get(k)).append(" was born in ").append(city[k]).append(" in ")
                            .append(year[k]).append(" and worked as a ").append(job[k]).append(". ");
                    default -> c.append("Born in ").append(year[k]).append(", ").append(people.get(k))
                            .append(" grew up in ").append(city[k]).append(" and became a ").append(job[k])
                            .append(". ");
                }
            }
            int who = r.nextInt(3);
            String q;
            String a;
            switch (r.nextInt(3)) {
                case 0 -> {
                    q = "In which city was " + people.get(who) + " born?";
                    a = city[who];
                }
                case 1 -> {
                    q = "In what year was " + people.get(who) + " born?";
                    a = year[who];
                }
                default -> {
                    q = "What was the job of " + people.get(who) + "?";
                    a = job[who];
                }
            }
            Map<String, String> in = new LinkedHashMap<>();
            in.put("context", c.toString().trim());
            in.put("question", q);
            out.add(Sample.withTarget(prefix + "-" + i, in, a, List.of(), Origin.REAL));
        }
        return Dataset.of(out);
    }
}
