package example;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.DistillationResult;
import io.github.goldkd.core.GoldDistiller;
import io.github.goldkd.core.Predictor;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.io.LabelledFiles;
import io.github.goldkd.core.io.TaskJson;
import io.github.goldkd.llm.corpus.CorpusTeacher;
import io.github.goldkd.ood.OodScores;
import io.github.goldkd.student.BagOfEmbeddingsStudent;
import io.github.goldkd.student.Students;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What a new user does with the installed artifacts: runs the README's library example (offline, with the
 * corpus teacher on the shipped sentiment sentences), loads the trained student by its path alone, and
 * predicts raw strings from 4 threads, which must give what one thread gives. Exits 1 on any mismatch.
 *
 * <p>Arguments: the sentiment data folder (task.json, yelp/amazon/imdb.jsonl) and a fresh run directory.
 */
public final class ConsumerCheck {

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path run = Path.of(args[1]);
        List<String> failures = new ArrayList<>();

        // 0. The class path is the trimmed one: no image/video stack, no HDF5, no MKL.
        List<String> jars = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
        long bytes = 0;
        for (String j : jars) {
            bytes += Files.isRegularFile(Path.of(j)) ? Files.size(Path.of(j)) : 0;
            for (String banned : List.of("opencv", "javacv", "ffmpeg", "hdf5", "leptonica", "mkl", "datavec-data-image")) {
                if (Path.of(j).getFileName().toString().startsWith(banned)) {
                    failures.add("class path holds " + j);
                }
            }
        }
        System.out.printf(Locale.ROOT, "class path: %d jars, %.1f MB%n", jars.size(), bytes / 1e6);

        // 1. The README's library example, with the offline teacher instead of a chat model.
        Task task = TaskJson.read(data.resolve("task.json"));
        Dataset pool = LabelledFiles.jsonl().forTask(task).read(data.resolve("yelp.jsonl"))
                .concat(LabelledFiles.jsonl().forTask(task).read(data.resolve("amazon.jsonl")));
        CorpusTeacher teacher = CorpusTeacher.builder().task(task).pool(pool).build();
        teacher.markReturned(task.demonstrations());   // the prompt's examples are not answers
        DistillationResult result = GoldDistiller.builder()
                .task(task)
                .generator(teacher)
                .student(BagOfEmbeddingsStudent.factory())
                .oodScorer(OodScores.energy(1.0))
                .rounds(40).updateStudentEvery(10).finalEpochs(10)   // a short run: 640 generated samples
                .runDirectory(run)
                .seed(42)
                .build()
                .run();
        Path testFile = data.resolve("imdb.jsonl");
        Dataset test = LabelledFiles.forFile(testFile).forTask(task).read(testFile);
        double accuracy = result.student().score(test, result.metric());
        System.out.printf(Locale.ROOT, "README example: %d generated samples, imdb %s %.4f%n",
                result.dataset().size(), result.metric().name(), accuracy);

        if (!(accuracy > 0.5)) {
            failures.add("the trained student is no better than chance on imdb: " + accuracy);
        }

        // 2. The trained student, loaded by the run directory's path alone.
        Student loaded = Students.load(run);
        double loadedAccuracy = loaded.score(test, result.metric());
        System.out.printf(Locale.ROOT, "Students.load(%s): %s, imdb %s %.4f%n", run.getFileName(),
                loaded.getClass().getSimpleName(), result.metric().name(), loadedAccuracy);
        if (loadedAccuracy != accuracy) {
            failures.add("the loaded student scores " + loadedAccuracy + ", the trained one " + accuracy);
        }

        // 3. Raw strings from 4 threads (one student copy each) against one thread.
        List<String> texts = new ArrayList<>();
        for (Sample s : test) {
            texts.add(s.text());
        }
        Predictor one = Predictor.of(Students.load(run));
        List<String> expected = new ArrayList<>();
        List<double[]> expectedP = new ArrayList<>();
        for (int i = 0; i < texts.size(); i += 50) {
            expected.addAll(one.predict(texts.subList(i, i + 50)));
            expectedP.addAll(one.probabilities(texts.subList(i, i + 50)));
        }
        Predictor pooled = Predictor.pooled(4, () -> Students.load(run));
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<Boolean>> same = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            same.add(threads.submit(() -> {
                boolean ok = true;
                for (int i = 0; i < texts.size(); i += 50) {
                    ok &= pooled.predict(texts.subList(i, i + 50)).equals(expected.subList(i, i + 50));
                    List<double[]> p = pooled.probabilities(texts.subList(i, i + 50));
                    for (int k = 0; k < p.size(); k++) {
                        ok &= java.util.Arrays.equals(p.get(k), expectedP.get(i + k));
                    }
                }
                return ok;
            }));
        }
        int agreeing = 0;
        for (Future<Boolean> f : same) {
            agreeing += f.get() ? 1 : 0;
        }
        threads.shutdown();
        System.out.printf(Locale.ROOT, "4 threads x %d texts: %d of 4 threads agree with one thread on every label "
                + "and probability%n", texts.size(), agreeing);
        if (agreeing != 4) {
            failures.add((4 - agreeing) + " threads disagree with one thread");
        }
        System.out.println(Predictor.of(loaded).predict("The best film I have seen this year.") + " <- "
                + "\"The best film I have seen this year.\"");

        if (!failures.isEmpty()) {
            System.out.println("FAILED: " + failures);
            System.exit(1);
        }
        System.out.println("consumer check passed");
        System.exit(0); // no lingering non-daemon threads of the libraries keep the JVM
    }
}
