package io.github.goldkd.core.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Check;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.metric.ArithmeticExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads labelled data files (a user's training or test set) into a {@link Dataset} of {@link Origin#REAL}
 * samples.
 *
 * <p>Three formats, all UTF-8:
 * <ul>
 *   <li>{@link #jsonl()}: one JSON object per line, by default {@code {"text": "...", "label": "..."}}; a
 *       field missing at the top level is also looked up in an {@code inputs} object, so the run store's
 *       {@code samples.jsonl} reads back as labelled data;</li>
 *   <li>{@link #csv()}: comma-separated with a header row and RFC 4180 quoting (a quoted field may hold
 *       commas, newlines and doubled quotes {@code ""});</li>
 *   <li>{@link #tsv()}: tab-separated with a header row and, by default, <em>no</em> quoting, the layout of
 *       the GLUE files, whose texts contain bare quote characters; {@link Loader#quoting(boolean)} turns
 *       RFC 4180 quoting on for TSV files that use it.</li>
 * </ul>
 *
 * <pre>{@code
 * Dataset test = LabelledFiles.tsv()
 *         .input("premise", "sentence1").input("hypothesis", "sentence2")
 *         .labelMap(Map.of("entailment", "yes", "not_entailment", "no"))
 *         .forTask(rte)
 *         .read(Path.of("RTE/dev.tsv"));
 * }</pre>
 *
 * <p>Each record becomes a sample whose inputs are the mapped columns (fields), in the task's order when
 * {@link Loader#forTask} was called, and whose label is the label column's value (trimmed), passed through
 * the optional label map and checked against the optional allowed labels. The id is the id column's value
 * when the file has one, otherwise {@code <file name without extension>-<line>} with the 1-based line where
 * the record starts. Any problem (bad JSON, a missing field, an unknown label, an unclosed quote, a wrong
 * number of columns, a duplicate id) throws a {@link GoldException} naming the file, the line and the reason.
 * A file with no records gives an empty dataset.
 *
 * <h2>Sequence tasks</h2>
 * After {@link Loader#forTask} with an extractive-QA, math or generation task, a record has no label; its
 * {@linkplain Sample#target() target} and {@linkplain Sample#references() references} are read by these
 * rules, in this order:
 * <ol>
 *   <li>references: the field {@code references}, else {@code answers} — a JSON list of strings (or a single
 *       string; in CSV and TSV a column holds one value) — unless it is the task's output field; an empty
 *       list or an empty item is an error;</li>
 *   <li>target: the field named as the task's {@linkplain Task#outputField() output field}, else
 *       {@code target}, else the first reference; none of them is an error, and so is an empty target.
 *       SQuAD-style {@code {"id", "context", "question", "answers": [...]}} thus gives target = the first
 *       answer and references = every answer;</li>
 *   <li>math word problems: without a reference list, a field {@code answer} (when {@code answer} is not the
 *       output field) is the single reference — the value the equation should have, which
 *       {@code execution_accuracy} compares with; it must be a number (or an arithmetic expression). So
 *       {@code {"body", "question", "equation", "answer": 504.0}} gives target = the equation and
 *       references = {@code ["504.0"]};</li>
 *   <li>extractive QA: the target must occur in the task's {@linkplain Task#spanField() span field}
 *       (references are not checked: they are only scored against); an optional field {@code answer_start}
 *       (SQuAD's) is where the target starts in it, a character offset that must point at the target, and
 *       becomes the sample's {@linkplain Sample#targetStart() targetStart} (a student trains on that occurrence
 *       when the target occurs more than once).</li>
 * </ol>
 * A label field, if present, is ignored. Errors name the file, the line and the field, as above.
 */
public final class LabelledFiles {

    private static final Logger LOG = LoggerFactory.getLogger(LabelledFiles.class);

    private LabelledFiles() {
    }

    /** A loader for JSON Lines files with fields {@code text}, {@code label} and optional {@code id}. */
    public static Loader jsonl() {
        return new Loader(Format.JSONL, ',', false);
    }

    /** A loader for comma-separated files with a header row, RFC 4180 quoting, columns {@code text}, {@code label}, optional {@code id}. */
    public static Loader csv() {
        return new Loader(Format.DELIMITED, ',', true);
    }

    /** A loader for tab-separated files with a header row and no quoting (GLUE layout), columns as {@link #csv()}. */
    public static Loader tsv() {
        return new Loader(Format.DELIMITED, '\t', false);
    }

    /**
     * A loader chosen by the file's extension: {@code .jsonl} or {@code .ndjson}, {@code .csv}, {@code .tsv}.
     *
     * @throws IllegalArgumentException for any other extension: a setting, not the file's content, is wrong
     */
    public static Loader forFile(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return jsonl();
        }
        if (name.endsWith(".csv")) {
            return csv();
        }
        if (name.endsWith(".tsv")) {
            return tsv();
        }
        throw new IllegalArgumentException(file + ": cannot tell the format from the file name, expected .jsonl, "
                + ".ndjson, .csv or .tsv");
    }

    /**
     * Reads {@code file} for {@code task}, the format chosen by its extension: the one call for a file in the
     * default layout, the same as {@code forFile(file).forTask(task).read(file)}. Use {@link #forFile} (or
     * {@link #jsonl()}, {@link #csv()}, {@link #tsv()}) and the {@link Loader}'s settings to map other
     * columns or labels, or to read several files with one configuration.
     *
     * @throws IllegalArgumentException for an extension other than {@code .jsonl}, {@code .ndjson},
     *                                  {@code .csv}, {@code .tsv}
     * @throws GoldException            as {@link Loader#read} for a bad record
     */
    public static Dataset read(Path file, Task task) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(task, "task");
        return forFile(file).forTask(task).read(file);
    }

    private enum Format { JSONL, DELIMITED }

    /**
     * An immutable reading configuration; every setter returns a changed copy, so a loader can be shared
     * and reused for several files.
     */
    public static final class Loader {

        private final Format format;
        private final char delimiter;
        private final boolean quoting;
        /** input field name -> column (field) name in the file; empty means {@code text <- text}. */
        private final Map<String, String> inputs;
        private final String labelColumn;
        private final String idColumn;
        private final Map<String, String> labelMap;
        /** null: any label is accepted. */
        private final Set<String> allowedLabels;
        /** null: no task given; otherwise the task's input fields, in order. */
        private final List<String> taskFields;
        private final String taskName;
        /** null: no task given, or a classification task; otherwise the sequence task whose outputs are read. */
        private final Task sequenceTask;

        private Loader(Format format, char delimiter, boolean quoting) {
            this(format, delimiter, quoting, Map.of(), "label", "id", Map.of(), null, null, null, null);
        }

        private Loader(Format format, char delimiter, boolean quoting, Map<String, String> inputs, String labelColumn,
                       String idColumn, Map<String, String> labelMap, Set<String> allowedLabels,
                       List<String> taskFields, String taskName, Task sequenceTask) {
            this.format = format;
            this.delimiter = delimiter;
            this.quoting = quoting;
            this.inputs = inputs;
            this.labelColumn = labelColumn;
            this.idColumn = idColumn;
            this.labelMap = labelMap;
            this.allowedLabels = allowedLabels;
            this.taskFields = taskFields;
            this.taskName = taskName;
            this.sequenceTask = sequenceTask;
        }

        private Loader copy(Map<String, String> inputs, String labelColumn, String idColumn,
                            Map<String, String> labelMap, Set<String> allowedLabels, List<String> taskFields,
                            String taskName, char delimiter, boolean quoting) {
            return new Loader(format, delimiter, quoting, inputs, labelColumn, idColumn, labelMap, allowedLabels,
                    taskFields, taskName, sequenceTask);
        }

        /** Reads the single input field {@code text} from {@code column}; replaces earlier input mappings. */
        public Loader text(String column) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("text", Check.nonBlankName("text column", column));
            return copy(Collections.unmodifiableMap(m), labelColumn, idColumn, labelMap, allowedLabels, taskFields,
                    taskName, delimiter, quoting);
        }

        /**
         * Adds an input field: the sample's input {@code field} is read from the file's {@code column}. Call
         * once per field; without any call the loader reads input {@code text} from column {@code text} (or,
         * after {@link #forTask}, each of the task's input fields from the column of the same name).
         */
        public Loader input(String field, String column) {
            Check.nonBlankName("input field", field);
            Check.nonBlankName("column for input field '" + field + "'", column);
            Check.that(!inputs.containsKey(field), "input field '" + field + "' is already mapped to column '"
                    + inputs.get(field) + "'");
            Map<String, String> m = new LinkedHashMap<>(inputs);
            m.put(field, column);
            return copy(Collections.unmodifiableMap(m), labelColumn, idColumn, labelMap, allowedLabels, taskFields,
                    taskName, delimiter, quoting);
        }

        /** The column (field) holding the label; default {@code label}. */
        public Loader label(String column) {
            return copy(inputs, Check.nonBlankName("label column", column), idColumn, labelMap, allowedLabels, taskFields,
                    taskName, delimiter, quoting);
        }

        /** The column (field) holding the sample id, used where present; default {@code id}. */
        public Loader id(String column) {
            return copy(inputs, labelColumn, Check.nonBlankName("id column", column), labelMap, allowedLabels, taskFields,
                    taskName, delimiter, quoting);
        }

        /**
         * Maps raw label values to label names, e.g. {@code "1" -> "positive"}; values not in the map are kept
         * as they are (and then checked against the allowed labels, if any).
         */
        public Loader labelMap(Map<String, String> map) {
            Check.notNull("labelMap", map);
            Map<String, String> m = new HashMap<>();
            map.forEach((k, v) -> {
                Check.that(k != null && v != null, "labelMap must not hold null keys or values");
                m.put(k.trim(), v);
            });
            return copy(inputs, labelColumn, idColumn, Collections.unmodifiableMap(m), allowedLabels, taskFields,
                    taskName, delimiter, quoting);
        }

        /** The only labels accepted (after the label map); any other label fails the read. */
        public Loader allowedLabels(Collection<String> labels) {
            Check.notNull("allowedLabels", labels);
            Check.that(!labels.isEmpty(), "allowedLabels must not be empty");
            return copy(inputs, labelColumn, idColumn, labelMap, Collections.unmodifiableSet(new LinkedHashSet<>(labels)),
                    taskFields, taskName, delimiter, quoting);
        }

        /**
         * Reads samples for {@code task}: its label names become the allowed labels (classification tasks)
         * and its input fields the fields read, in the task's order. Columns default to the field names;
         * {@link #input} maps them to other columns, and then must map exactly the task's fields. For a
         * sequence task the samples get a target and references instead of a label, by the rules in the
         * class documentation.
         */
        public Loader forTask(Task task) {
            Objects.requireNonNull(task, "task");
            Set<String> allowed = task.kind() == TaskKind.CLASSIFICATION
                    ? Collections.unmodifiableSet(new LinkedHashSet<>(task.labelNames())) : allowedLabels;
            return new Loader(format, delimiter, quoting, inputs, labelColumn, idColumn, labelMap, allowed,
                    task.inputFields(), task.name(), task.kind().isSequence() ? task : null);
        }

        /** Turns RFC 4180 quoting on or off (CSV and TSV only; on by default for CSV, off for TSV). */
        public Loader quoting(boolean on) {
            requireDelimited("quoting");
            return copy(inputs, labelColumn, idColumn, labelMap, allowedLabels, taskFields, taskName, delimiter, on);
        }

        /** The field delimiter (CSV and TSV only), e.g. {@code ';'}; must not be a quote or a line break. */
        public Loader delimiter(char d) {
            requireDelimited("delimiter");
            Check.that(d != '"' && d != '\n' && d != '\r', "delimiter must not be a quote or a line break, was "
                    + (d == '"' ? "'\"'" : "a line break"));
            return copy(inputs, labelColumn, idColumn, labelMap, allowedLabels, taskFields, taskName, d, quoting);
        }

        /**
         * Reads {@code file}.
         *
         * @throws GoldException naming the file, the line and the reason when the file cannot be read or
         *                       holds a bad record
         */
        public Dataset read(Path file) {
            Objects.requireNonNull(file, "file");
            Map<String, String> mapping = effectiveInputs(file);
            String content = TextFiles.read(file); // strict UTF-8, without a byte order mark
            String stem = stem(file);
            List<Sample> out = format == Format.JSONL
                    ? readJsonl(file, content, mapping, stem)
                    : readDelimited(file, content, mapping, stem);
            if (out.isEmpty()) {
                LOG.warn("{}: no records", file);
            } else {
                LOG.debug("{}: read {} samples", file, out.size());
            }
            return Dataset.of(out);
        }

        private Map<String, String> effectiveInputs(Path file) {
            if (taskFields == null) {
                return inputs.isEmpty() ? Map.of("text", "text") : inputs;
            }
            if (inputs.isEmpty()) {
                Map<String, String> m = new LinkedHashMap<>();
                taskFields.forEach(f -> m.put(f, f));
                return m;
            }
            // The loader's settings disagree with each other, whatever the file holds.
            Check.that(inputs.keySet().equals(new LinkedHashSet<>(taskFields)), file + ": the mapped input fields "
                    + inputs.keySet() + " differ from task '" + taskName + "' input fields " + taskFields);
            Map<String, String> m = new LinkedHashMap<>();
            taskFields.forEach(f -> m.put(f, inputs.get(f)));
            return m;
        }

        private List<Sample> readJsonl(Path file, String content, Map<String, String> mapping, String stem) {
            List<Sample> out = new ArrayList<>();
            Map<String, Integer> idLines = new HashMap<>();
            String[] lines = content.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                int lineNo = i + 1;
                String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
                if (line.isBlank()) {
                    continue;
                }
                JsonObject o;
                try {
                    JsonElement el = TextFiles.parseLine(line);
                    if (!el.isJsonObject()) {
                        throw fail(file, lineNo, "expected a JSON object, found "
                                + (el.isJsonArray() ? "an array" : el.isJsonNull() ? "null" : "a single value"));
                    }
                    o = el.getAsJsonObject();
                } catch (JsonParseException e) {
                    throw new GoldException(file + " line " + lineNo + ": " + e.getMessage(), e);
                }
                Map<String, String> in = new LinkedHashMap<>();
                for (Map.Entry<String, String> m : mapping.entrySet()) {
                    String v = jsonString(file, lineNo, o, m.getValue());
                    if (v == null && o.get("inputs") != null && o.get("inputs").isJsonObject()) {
                        // the run store's own form ({"id", "inputs": {...}, "label"}): generated data reads back
                        v = jsonString(file, lineNo, o.getAsJsonObject("inputs"), m.getValue());
                    }
                    if (v == null) {
                        throw fail(file, lineNo, "no field '" + m.getValue() + "'"
                                + (m.getKey().equals(m.getValue()) ? "" : " (input '" + m.getKey() + "')")
                                + ", fields: " + o.keySet());
                    }
                    in.put(m.getKey(), v);
                }
                if (sequenceTask != null) {
                    String id = jsonString(file, lineNo, o, idColumn);
                    out.add(sequenceSample(file, lineNo, id, stem, in, jsonFields(file, lineNo, o), idLines));
                    continue;
                }
                String raw = jsonString(file, lineNo, o, labelColumn);
                if (raw == null) {
                    throw fail(file, lineNo, "no label field '" + labelColumn + "', fields: " + o.keySet());
                }
                String id = jsonString(file, lineNo, o, idColumn);
                out.add(sample(file, lineNo, id, stem, in, raw, idLines));
            }
            return out;
        }

        private List<Sample> readDelimited(Path file, String content, Map<String, String> mapping, String stem) {
            List<Row> rows = Delimited.parse(file, content, delimiter, quoting);
            if (rows.isEmpty()) {
                throw fail(file, 1, "no header row");
            }
            List<String> header = rows.get(0).fields();
            Map<String, Integer> col = new HashMap<>();
            for (int c = 0; c < header.size(); c++) {
                Integer prev = col.put(header.get(c), c);
                if (prev != null) {
                    throw fail(file, rows.get(0).line(), "column '" + header.get(c) + "' appears twice in the header");
                }
            }
            Map<String, Integer> inputCols = new LinkedHashMap<>();
            for (Map.Entry<String, String> m : mapping.entrySet()) {
                inputCols.put(m.getKey(), column(file, rows.get(0).line(), col, m.getValue(), header));
            }
            // a sequence task has no label column: its outputs are looked up by name, record by record
            int labelCol = sequenceTask != null ? -1 : column(file, rows.get(0).line(), col, labelColumn, header);
            Integer idCol = col.get(idColumn);
            List<Sample> out = new ArrayList<>();
            Map<String, Integer> idLines = new HashMap<>();
            for (int r = 1; r < rows.size(); r++) {
                Row row = rows.get(r);
                List<String> f = row.fields();
                if (f.size() != header.size()) {
                    throw fail(file, row.line(), "expected " + header.size() + " fields as in the header, found "
                            + f.size() + (quoting ? "" : " (quoting is off: a field cannot hold the delimiter or a line break)"));
                }
                Map<String, String> in = new LinkedHashMap<>();
                inputCols.forEach((field, c) -> in.put(field, f.get(c)));
                String id = idCol == null || f.get(idCol).isEmpty() ? null : f.get(idCol);
                if (sequenceTask != null) {
                    out.add(sequenceSample(file, row.line(), id, stem, in, delimitedFields(col, header, f), idLines));
                } else {
                    out.add(sample(file, row.line(), id, stem, in, f.get(labelCol), idLines));
                }
            }
            return out;
        }

        private Sample sample(Path file, int line, String id, String stem, Map<String, String> inputs, String rawLabel,
                              Map<String, Integer> idLines) {
            String trimmed = rawLabel.trim();
            if (trimmed.isEmpty()) {
                throw fail(file, line, "empty label in '" + labelColumn + "'");
            }
            String label = labelMap.getOrDefault(trimmed, trimmed);
            if (allowedLabels != null && !allowedLabels.contains(label)) {
                throw fail(file, line, "unknown label '" + label + "'"
                        + (label.equals(trimmed) ? "" : " (raw value '" + trimmed + "')")
                        + ", allowed: " + allowedLabels);
            }
            String sid = checkId(file, line, id, stem, idLines);
            return new Sample(sid, inputs, label, null, Origin.REAL, -1);
        }

        private String checkId(Path file, int line, String id, String stem, Map<String, Integer> idLines) {
            String sid = id == null ? stem + "-" + line : id;
            Integer first = idLines.putIfAbsent(sid, line);
            if (first != null) {
                throw fail(file, line, "duplicate id '" + sid + "', first used on line " + first);
            }
            return sid;
        }

        /** A sample of the sequence task: target and references by the rules of the class documentation. */
        private Sample sequenceSample(Path file, int line, String id, String stem, Map<String, String> inputs,
                                      Fields fields, Map<String, Integer> idLines) {
            Task task = sequenceTask;
            String outputField = task.outputField();
            List<String> references = null;
            String referencesField = null;
            for (String name : REFERENCE_FIELDS) {
                List<String> l = name.equals(outputField) ? null : fields.list(name);
                if (l != null) {
                    references = l;
                    referencesField = name;
                    break;
                }
            }
            if (references != null) {
                if (references.isEmpty()) {
                    throw fail(file, line, "field '" + referencesField + "' is an empty list: no gold answer");
                }
                for (int i = 0; i < references.size(); i++) {
                    if (references.get(i).isBlank()) {
                        throw fail(file, line, "field '" + referencesField + "' item " + (i + 1) + " is empty");
                    }
                }
            }
            String target = null;
            String targetField = null;
            for (String name : outputField.equals("target") ? List.of("target") : List.of(outputField, "target")) {
                String v = fields.string(name);
                if (v != null) {
                    target = v;
                    targetField = name;
                    break;
                }
            }
            if (target == null) {
                if (references == null) {
                    throw fail(file, line, "no target: no field '" + outputField + "', 'target', 'answers' or "
                            + "'references', fields: " + fields.names());
                }
                target = references.get(0);
                targetField = referencesField;
            }
            if (target.isBlank()) {
                throw fail(file, line, "empty target in '" + targetField + "'");
            }
            if (references == null && task.kind() == TaskKind.MATH_WORD_PROBLEM && !outputField.equals("answer")) {
                String answer = fields.string("answer");
                if (answer != null) {
                    if (ArithmeticExpression.evaluate(answer).isEmpty()) {
                        throw fail(file, line, "field 'answer' must be a number (the value of '" + outputField
                                + "'), was '" + answer + "'");
                    }
                    references = List.of(answer.trim());
                }
            }
            if (task.kind() == TaskKind.EXTRACTIVE_QA && !inputs.get(task.spanField()).contains(target)) {
                throw fail(file, line, "the answer '" + target + "' (field '" + targetField + "') is not a span of "
                        + "input '" + task.spanField() + "'");
            }
            int targetStart = -1;
            String start = task.kind() == TaskKind.EXTRACTIVE_QA ? fields.string(ANSWER_START) : null;
            if (start != null) {
                try {
                    targetStart = Integer.parseInt(start.trim());
                } catch (NumberFormatException e) {
                    throw fail(file, line, "field '" + ANSWER_START + "' must be a character offset (an integer >= 0), "
                            + "was '" + start + "'");
                }
                if (targetStart < 0 || !inputs.get(task.spanField()).startsWith(target, targetStart)) {
                    throw fail(file, line, "field '" + ANSWER_START + "' (" + targetStart + ") does not point at the "
                            + "answer '" + target + "' in input '" + task.spanField() + "'");
                }
            }
            String sid = checkId(file, line, id, stem, idLines);
            return new Sample(sid, inputs, null, target, Origin.REAL, -1,
                    references == null ? List.of() : references, targetStart);
        }

        private void requireDelimited(String setting) {
            Check.that(format == Format.DELIMITED, setting + " applies to CSV and TSV files only, not JSON Lines");
        }
    }

    /** SQuAD's field for where the (first) answer starts in the context, read into {@link Sample#targetStart()}. */
    private static final String ANSWER_START = "answer_start";

    /** Where a sequence sample's references are read from, in this order (a list, or one string). */
    private static final List<String> REFERENCE_FIELDS = List.of("references", "answers");

    /** The named fields of one record, whatever the file format. */
    private interface Fields {
        /** The field's value; null when absent (or JSON null). */
        String string(String name);

        /** The field's values: a JSON list of strings or numbers, or a single value; null when absent. */
        List<String> list(String name);

        Collection<String> names();
    }

    private static Fields jsonFields(Path file, int line, JsonObject o) {
        return new Fields() {
            @Override
            public String string(String name) {
                return jsonString(file, line, o, name);
            }

            @Override
            public List<String> list(String name) {
                JsonElement e = o.get(name);
                if (e == null || e.isJsonNull()) {
                    return null;
                }
                if (!e.isJsonArray()) {
                    return List.of(jsonString(file, line, o, name));
                }
                List<String> out = new ArrayList<>();
                for (JsonElement x : e.getAsJsonArray()) {
                    if (!x.isJsonPrimitive()) {
                        throw fail(file, line, "field '" + name + "' must be a list of strings, has " + x);
                    }
                    out.add(x.getAsString());
                }
                return out;
            }

            @Override
            public Collection<String> names() {
                return o.keySet();
            }
        };
    }

    private static Fields delimitedFields(Map<String, Integer> columns, List<String> header, List<String> cells) {
        return new Fields() {
            @Override
            public String string(String name) {
                Integer c = columns.get(name);
                return c == null ? null : cells.get(c);
            }

            @Override
            public List<String> list(String name) {
                String v = string(name);
                return v == null ? null : List.of(v);
            }

            @Override
            public Collection<String> names() {
                return header;
            }
        };
    }

    /** One record of a delimited file and the 1-based line where it starts. */
    record Row(int line, List<String> fields) {
    }

    /** A small RFC 4180 reader (quoting optional); package-private for tests. */
    static final class Delimited {

        private Delimited() {
        }

        /**
         * Splits {@code content} into records. Records end at CRLF, LF or CR outside quotes; a line with no
         * characters at all is skipped. With quoting, a field that starts with {@code "} runs to the next
         * single {@code "}, may contain the delimiter, line breaks (kept as they are) and {@code ""} for a
         * quote; a quote anywhere else is an error.
         */
        static List<Row> parse(Path file, String s, char delim, boolean quoting) {
            List<Row> rows = new ArrayList<>();
            int n = s.length();
            int i = 0;
            int line = 1;
            while (i < n) {
                int recordLine = line;
                List<String> fields = new ArrayList<>();
                boolean empty = true;
                while (true) {
                    StringBuilder sb = new StringBuilder();
                    if (quoting && i < n && s.charAt(i) == '"') {
                        empty = false;
                        int openLine = line;
                        i++;
                        while (true) {
                            if (i >= n) {
                                throw fail(file, openLine, "quoted field " + (fields.size() + 1)
                                        + " is not closed before the end of the file");
                            }
                            char ch = s.charAt(i);
                            if (ch == '"') {
                                if (i + 1 < n && s.charAt(i + 1) == '"') {
                                    sb.append('"');
                                    i += 2;
                                    continue;
                                }
                                i++;
                                break;
                            }
                            if (ch == '\n' || (ch == '\r' && (i + 1 >= n || s.charAt(i + 1) != '\n'))) {
                                line++;
                            }
                            sb.append(ch);
                            i++;
                        }
                        if (i < n && s.charAt(i) != delim && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
                            throw fail(file, line, "unexpected character '" + s.charAt(i)
                                    + "' after the closing quote of field " + (fields.size() + 1));
                        }
                    } else {
                        while (i < n) {
                            char ch = s.charAt(i);
                            if (ch == delim || ch == '\n' || ch == '\r') {
                                break;
                            }
                            if (quoting && ch == '"') {
                                throw fail(file, line, "quote inside unquoted field " + (fields.size() + 1)
                                        + " (a field holding quotes must be quoted, with inner quotes doubled)");
                            }
                            sb.append(ch);
                            i++;
                        }
                        if (sb.length() > 0) {
                            empty = false;
                        }
                    }
                    fields.add(sb.toString());
                    if (i < n && s.charAt(i) == delim) {
                        empty = false;
                        i++;
                        continue;
                    }
                    if (i < n) {
                        if (s.charAt(i) == '\r') {
                            i++;
                            if (i < n && s.charAt(i) == '\n') {
                                i++;
                            }
                        } else {
                            i++;
                        }
                        line++;
                    }
                    break;
                }
                if (!empty) {
                    rows.add(new Row(recordLine, fields));
                }
            }
            return rows;
        }
    }

    private static int column(Path file, int line, Map<String, Integer> col, String name, List<String> header) {
        Integer c = col.get(name);
        if (c == null) {
            throw fail(file, line, "the header has no column '" + name + "', columns: " + header);
        }
        return c;
    }

    /** A field's value as a string; null when absent or JSON null; an error for objects and arrays. */
    private static String jsonString(Path file, int line, JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive()) {
            throw fail(file, line, "field '" + key + "' must be a string or number, found "
                    + (e.isJsonArray() ? "an array" : "an object"));
        }
        return e.getAsString();
    }


    private static String stem(Path file) {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static GoldException fail(Path file, int line, String reason) {
        return new GoldException(file + " line " + line + ": " + reason);
    }
}
