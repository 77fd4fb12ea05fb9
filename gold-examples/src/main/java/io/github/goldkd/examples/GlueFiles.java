package io.github.goldkd.examples;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.io.LabelledFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the files the command line's {@code --pool} and {@code --test} name, recognising the layouts of the
 * public sentence-pair benchmarks so that a pair task can be pointed at them as downloaded:
 *
 * <table>
 *   <caption>recognised layouts (by the file's header or first JSON object)</caption>
 *   <tr><th>layout</th><th>first field ← column</th><th>second field ← column</th><th>label</th><th>id</th></tr>
 *   <tr><td>GLUE RTE, WNLI (TSV)</td><td>sentence1</td><td>sentence2</td><td>label</td><td>index</td></tr>
 *   <tr><td>GLUE MNLI (TSV), SNLI/MNLI (JSONL)</td><td>sentence1</td><td>sentence2</td><td>gold_label</td>
 *       <td>pairID</td></tr>
 *   <tr><td>GLUE QNLI (TSV)</td><td>question</td><td>sentence</td><td>label</td><td>index</td></tr>
 *   <tr><td>GLUE MRPC (TSV)</td><td>#1 String</td><td>#2 String</td><td>Quality: 1 → equivalent, 0 →
 *       not_equivalent</td><td>(line)</td></tr>
 *   <tr><td>ANLI (JSONL, as released)</td><td>context</td><td>hypothesis</td><td>label: e → entailment, n →
 *       neutral, c → contradiction</td><td>uid</td></tr>
 *   <tr><td>premise/hypothesis files (e.g. ANLI from the Hugging Face hub)</td><td>premise</td>
 *       <td>hypothesis</td><td>label: 0 → entailment, 1 → neutral, 2 → contradiction</td><td>uid</td></tr>
 * </table>
 *
 * The two columns go to the task's {@link Task#pairFields()}, in order. A label map applies only when the
 * task's labels are not the raw values themselves (a task may name its MRPC labels {@code 0} and {@code 1}).
 * A file whose columns already carry the task's field names, a task that is not a pair and any other layout
 * are read by {@link LabelledFiles#forFile} unchanged.
 */
final class GlueFiles {

    /**
     * A recognised layout.
     *
     * @param name     for messages and logs
     * @param first    column of the pair's first field
     * @param second   column of the pair's second field
     * @param label    label column
     * @param id       id column (used when present)
     * @param labelMap raw label → label name
     */
    record Layout(String name, String first, String second, String label, String id, Map<String, String> labelMap) {
    }

    /** The layouts, most specific first. */
    static final List<Layout> LAYOUTS = List.of(
            new Layout("GLUE MNLI / SNLI", "sentence1", "sentence2", "gold_label", "pairID", Map.of()),
            new Layout("GLUE RTE / WNLI", "sentence1", "sentence2", "label", "index", Map.of()),
            new Layout("GLUE QNLI", "question", "sentence", "label", "index", Map.of()),
            new Layout("GLUE MRPC", "#1 String", "#2 String", "Quality", "id",
                    Map.of("1", "equivalent", "0", "not_equivalent")),
            new Layout("ANLI", "context", "hypothesis", "label", "uid",
                    Map.of("e", "entailment", "n", "neutral", "c", "contradiction")),
            new Layout("premise/hypothesis", "premise", "hypothesis", "label", "uid",
                    Map.of("0", "entailment", "1", "neutral", "2", "contradiction")));

    private GlueFiles() {
    }

    /** A loader for {@code file} and {@code task}: a recognised layout's mapping, else the plain loader. */
    static LabelledFiles.Loader loader(Path file, Task task) {
        LabelledFiles.Loader plain = LabelledFiles.forFile(file).forTask(task);
        if (!task.isPair()) {
            return plain;
        }
        Set<String> columns = columns(file);
        if (columns.containsAll(task.inputFields())) {
            return plain;
        }
        Optional<Layout> layout = LAYOUTS.stream()
                .filter(l -> columns.contains(l.first()) && columns.contains(l.second()) && columns.contains(l.label()))
                .findFirst();
        if (layout.isEmpty()) {
            return plain;
        }
        Layout l = layout.get();
        List<String> pair = task.pairFields();
        LabelledFiles.Loader loader = LabelledFiles.forFile(file).input(pair.get(0), l.first())
                .input(pair.get(1), l.second()).label(l.label()).id(l.id());
        if (!l.labelMap().isEmpty() && !task.labelNames().containsAll(l.labelMap().keySet())) {
            loader = loader.labelMap(l.labelMap());
        }
        return loader.forTask(task);
    }

    /**
     * The column names of a delimited file's header, or the keys of a JSON Lines file's first object; empty
     * when the file has neither.
     */
    static Set<String> columns(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            do {
                line = in.readLine();
            } while (line != null && line.isBlank());
            if (line == null) {
                return Set.of();
            }
            if (line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            Set<String> out = new LinkedHashSet<>();
            if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
                try {
                    JsonElement e = JsonParser.parseString(line);
                    if (e.isJsonObject()) {
                        out.addAll(e.getAsJsonObject().keySet());
                    }
                } catch (RuntimeException badJson) {
                    return Set.of(); // the plain loader reports the bad line with its number
                }
                return out;
            }
            String delimiter = name.endsWith(".tsv") ? "\t" : ",";
            for (String c : line.split(delimiter, -1)) {
                out.add(c.trim().replaceAll("^\"|\"$", ""));
            }
            return out;
        } catch (IOException e) {
            throw new GoldException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
