package io.github.goldkd.student.seq;

import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.SymmetricCrossEntropyLoss;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TrainingOptions;
import org.nd4j.autodiff.samediff.SameDiff;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * What the sequence student tests share: training a class-wide student the same way (SCE, no batch filter,
 * seed 1, fit seed 7), running code with standard output captured (so a test can assert the house rule that
 * library code prints nothing), and the recorded logits and older graphs that saved-file tests compare against.
 */
final class SeqStudentFixture {

    /** What an action returned and what it printed to standard output meanwhile. */
    record Printed<T>(T value, String stdout) {
    }

    private SeqStudentFixture() {
    }

    /** A seq2seq student of {@code config} for {@code task}, trained on {@code train} for {@code epochs}. */
    static Seq2SeqStudent trained(Seq2SeqConfig config, Task task, Dataset train, int epochs) {
        Seq2SeqStudent student = Seq2SeqStudent.factory(config).create(task,
                new TrainingOptions(SymmetricCrossEntropyLoss.defaults(), BatchFilter.NONE, 1));
        student.fit(train, epochs, 7);
        return student;
    }

    /** Runs {@code action} and returns what it printed to standard output; System.out is restored after. */
    static String printedBy(Runnable action) {
        return printing(() -> {
            action.run();
            return null;
        }).stdout();
    }

    /** Runs {@code action} with standard output captured; System.out is restored after, also on a throw. */
    static <T> Printed<T> printing(Supplier<T> action) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        T value;
        try {
            value = action.get();
        } finally {
            System.setOut(original);
        }
        return new Printed<>(value, captured.toString(StandardCharsets.UTF_8));
    }

    /**
     * A copy of the student file {@code saved} at {@code file} with {@code network} in place of its network entry:
     * how the tests make a file of an older graph with the current metadata.
     */
    static Path withNetwork(Path saved, SameDiff network, Path file) throws IOException {
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        network.save(graph, true);
        try (ZipFile in = new ZipFile(saved.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            for (var entries = in.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(entry.getName().equals("network.zip") ? graph.toByteArray()
                        : in.getInputStream(entry).readAllBytes());
                out.closeEntry();
            }
        }
        return file;
    }

    /**
     * Logits recorded in a test resource of {@code student-files}: per sample its rows of comma-separated floats,
     * samples ended by a line "--".
     */
    static List<float[][]> recordedLogits(String resource) throws IOException {
        Path file;
        try {
            file = Path.of(SeqStudentFixture.class.getResource("/student-files/" + resource).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        List<float[][]> out = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.equals("--")) {
                out.add(rows.toArray(new float[0][]));
                rows = new ArrayList<>();
                continue;
            }
            String[] parts = line.split(",");
            float[] row = new float[parts.length];
            for (int k = 0; k < row.length; k++) {
                row[k] = Float.parseFloat(parts[k]);
            }
            rows.add(row);
        }
        return out;
    }
}
