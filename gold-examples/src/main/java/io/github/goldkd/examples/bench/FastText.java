package io.github.goldkd.examples.bench;

import io.github.goldkd.core.Sample;
import io.github.goldkd.student.Tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the {@code fasttext} command line (Debian package {@code fasttext} 0.9.2) on the same samples. */
final class FastText {

    /** What one supervised run gave. */
    record Result(double trainSeconds, double accuracy, long peakRssKb) {
    }

    private FastText() {
    }

    /** Writes samples as {@code __label__X tokens...}, tokens as the students' tokenizer sees them. */
    static void write(List<Sample> samples, Path file, Tokenizer tokenizer) throws IOException {
        List<String> lines = new ArrayList<>(samples.size());
        for (Sample s : samples) {
            lines.add("__label__" + s.label() + " " + String.join(" ", tokenizer.tokenize(s.text())));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /**
     * Trains with {@code fasttext supervised} (timed, under /usr/bin/time for the peak RSS when available) and
     * measures test accuracy with {@code fasttext predict}.
     */
    static Result run(Path dir, List<Sample> train, List<Sample> test, Tokenizer tokenizer, List<String> extraArgs)
            throws IOException, InterruptedException {
        Path trainFile = dir.resolve("train.txt");
        Path testFile = dir.resolve("test.txt");
        write(train, trainFile, tokenizer);
        write(test, testFile, tokenizer);
        Path model = dir.resolve("model");
        Path timeFile = dir.resolve("time.txt");
        List<String> cmd = new ArrayList<>();
        boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
        if (timed) {
            cmd.addAll(List.of("/usr/bin/time", "-f", "%M", "-o", timeFile.toString()));
        }
        cmd.addAll(List.of("fasttext", "supervised", "-input", trainFile.toString(), "-output", model.toString()));
        cmd.addAll(extraArgs);
        long t0 = System.nanoTime();
        exec(cmd, dir.resolve("train.log"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        long rss = timed ? Long.parseLong(Files.readAllLines(timeFile).get(0).trim()) : -1;
        Path predictions = dir.resolve("predictions.txt");
        ProcessBuilder pb = new ProcessBuilder("fasttext", "predict", model + ".bin", testFile.toString())
                .redirectOutput(predictions.toFile()).redirectError(dir.resolve("predict.log").toFile());
        if (pb.start().waitFor() != 0) {
            throw new IOException("fasttext predict failed, see " + dir.resolve("predict.log"));
        }
        List<String> predicted = Files.readAllLines(predictions);
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            if (predicted.get(i).trim().equals("__label__" + test.get(i).label())) {
                correct++;
            }
        }
        return new Result(seconds, correct / (double) test.size(), rss);
    }

    private static void exec(List<String> cmd, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (p.waitFor() != 0) {
            throw new IOException("command failed: " + cmd + ", see " + log);
        }
    }
}
