package io.github.goldkd.student;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A small, separable text task: each class has its own cue words among shared filler words. */
final class ToyData {

    static final Task TASK = Task.classification("toy", "toy sentiment",
            List.of(new Label("neg", "negative"), new Label("pos", "positive"), new Label("neu", "neutral")),
            List.of());

    private static final String[][] CUES = {
            {"awful", "bad", "terrible", "boring", "poor", "worst"},
            {"great", "good", "wonderful", "lovely", "best", "superb"},
            {"okay", "average", "plain", "ordinary", "mediocre", "so-so"}};
    private static final String[] FILLER = {"the", "movie", "was", "a", "plot", "and", "it", "film", "actors", "story"};

    private ToyData() {
    }

    /** {@code n} samples, classes in turn; each text has 2 cue words of its class among 4–8 filler words. */
    static Dataset samples(int n, long seed) {
        Random r = new Random(seed);
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            List<String> words = new ArrayList<>();
            int filler = 4 + r.nextInt(5);
            for (int j = 0; j < filler; j++) {
                words.add(FILLER[r.nextInt(FILLER.length)]);
            }
            for (int j = 0; j < 2; j++) {
                words.add(r.nextInt(words.size() + 1), CUES[c][r.nextInt(CUES[c].length)]);
            }
            out.add(Sample.real("toy-" + seed + "-" + i, String.join(" ", words),
                    TASK.labelNames().get(c)));
        }
        return Dataset.of(out);
    }
}
