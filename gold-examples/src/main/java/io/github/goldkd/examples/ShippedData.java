package io.github.goldkd.examples;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.io.LabelledFiles;
import io.github.goldkd.core.io.TaskJson;

import java.nio.file.Path;
import java.util.List;

/**
 * The data shipped in this module: the UCI "Sentiment Labelled Sentences" (Kotzias et al., KDD 2015,
 * CC BY 4.0; see {@code data/sentiment/README.md}). The default setup draws the teacher's pool and the
 * demonstrations from yelp + amazon and holds out imdb as the test set: a real domain shift.
 */
public final class ShippedData {

    private ShippedData() {
    }

    /** The sentiment task (labels negative/positive, three demonstrations from yelp and amazon). */
    public static Task sentimentTask() {
        return TaskJson.read(extract("task.json"));
    }

    /** yelp + amazon: 2,000 labelled sentences, the teacher's pool and the real-data ceiling's training set. */
    public static Dataset sentimentPool() {
        Task task = sentimentTask();
        return load(task, "yelp.jsonl").concat(load(task, "amazon.jsonl"));
    }

    /** imdb: 1,000 labelled sentences, the held-out test set. */
    public static Dataset sentimentTest() {
        return load(sentimentTask(), "imdb.jsonl");
    }

    /** The QNLI-style articles shipped in {@code data/qnli/}, by the names {@link #qnliArticle} takes. */
    public static final List<String> QNLI_ARTICLES = List.of("normans", "computational-complexity-theory",
            "southern-california", "sky-united-kingdom");

    /**
     * The QNLI-style sentence-pair task (question, sentence; entailment / not_entailment), built from four
     * SQuAD articles by GLUE's recipe (CC BY-SA 4.0; see {@code data/qnli/README.md}).
     */
    public static Task qnliTask() {
        return TaskJson.read(ShippedTasks.extract("qnli", "task.json"));
    }

    /** One QNLI-style article, e.g. {@code normans} (153 pairs): one of {@link #QNLI_ARTICLES}. */
    public static Dataset qnliArticle(String article) {
        if (!QNLI_ARTICLES.contains(article)) {
            throw new IllegalArgumentException("QNLI article must be one of " + QNLI_ARTICLES + ", was '"
                    + article + "'");
        }
        return LabelledFiles.jsonl().forTask(qnliTask()).read(ShippedTasks.extract("qnli", article + ".jsonl"));
    }

    /** All four articles, 985 pairs (the pool of {@code --task qnli} is three of them: {@link #qnliPoolWithout}). */
    public static Dataset qnliPool() {
        return qnliPoolWithout(null);
    }

    /** Every QNLI-style article but {@code heldOut} (null: all four): the pool when that article is the test set. */
    public static Dataset qnliPoolWithout(String heldOut) {
        if (heldOut != null && !QNLI_ARTICLES.contains(heldOut)) {
            throw new IllegalArgumentException("held-out QNLI article must be one of " + QNLI_ARTICLES + ", was '"
                    + heldOut + "'");
        }
        Dataset pool = Dataset.empty();
        for (String a : QNLI_ARTICLES) {
            if (!a.equals(heldOut)) {
                pool = pool.concat(qnliArticle(a));
            }
        }
        return pool;
    }

    private static Dataset load(Task task, String name) {
        return LabelledFiles.jsonl().forTask(task).read(extract(name));
    }

    /** A sentiment file extracted to a temporary file, so that file-based loaders can read it. */
    static Path extract(String name) {
        return ShippedTasks.extract("sentiment", name);
    }
}
