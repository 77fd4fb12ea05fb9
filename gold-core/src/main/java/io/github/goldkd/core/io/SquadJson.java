package io.github.goldkd.core.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads SQuAD's own JSON files, v1.1 and v2.0:
 * {@code {"data": [{"title", "paragraphs": [{"context", "qas": [{"id", "question", "answers": [{"text",
 * "answer_start"}], "is_impossible"}]}]}]}}.
 *
 * <p>Each answerable question becomes a {@link Origin#REAL} sample with inputs {@code context} and
 * {@code question} (the field names of the shipped SQuAD task, an {@code extractive_qa} task whose span field
 * is {@code context}), target = the first answer's text and references = the distinct answer texts in their
 * order (SQuAD's development sets list the same text once per annotator; duplicates are merged, as the
 * metric takes the best over them anyway). The id is the question's {@code id}.
 *
 * <p>Unanswerable questions (v2.0: {@code is_impossible: true}, or a question with no answers at all) are
 * skipped and counted: the count is logged and returned in {@link Result#unanswerable()}. Every answer text
 * must occur in its context (SQuAD's answers are spans); a file that breaks the layout throws a
 * {@link GoldException} naming the file, the place in the document (e.g. {@code data[0].paragraphs[2].qas[1]})
 * and the field.
 */
public final class SquadJson {

    private static final Logger LOG = LoggerFactory.getLogger(SquadJson.class);

    private SquadJson() {
    }

    /**
     * The answerable questions of a file and how many unanswerable ones were skipped.
     *
     * @param dataset     one sample per answerable question, in file order
     * @param unanswerable the number of questions skipped for having no answer
     */
    public record Result(Dataset dataset, int unanswerable) {
        public Result {
            Objects.requireNonNull(dataset, "dataset");
        }
    }

    /**
     * Reads a SQuAD v1.1 or v2.0 JSON file.
     *
     * @throws GoldException naming the file, the place and the field when the file cannot be read or breaks
     *                       the layout
     */
    public static Result read(Path file) {
        Objects.requireNonNull(file, "file");
        JsonElement root;
        try {
            root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new GoldException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new GoldException(file + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        if (!root.isJsonObject()) {
            throw new GoldException(file + ": expected a JSON object with a 'data' list (SQuAD layout)");
        }
        JsonArray data = array(file, "", root.getAsJsonObject(), "data");
        List<Sample> out = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        int unanswerable = 0;
        for (int a = 0; a < data.size(); a++) {
            String at = "data[" + a + "]";
            JsonObject article = object(file, at, data.get(a));
            JsonArray paragraphs = array(file, at, article, "paragraphs");
            for (int p = 0; p < paragraphs.size(); p++) {
                String pAt = at + ".paragraphs[" + p + "]";
                JsonObject paragraph = object(file, pAt, paragraphs.get(p));
                String context = string(file, pAt, paragraph, "context");
                JsonArray qas = array(file, pAt, paragraph, "qas");
                for (int q = 0; q < qas.size(); q++) {
                    String qAt = pAt + ".qas[" + q + "]";
                    JsonObject qa = object(file, qAt, qas.get(q));
                    String id = string(file, qAt, qa, "id");
                    String question = string(file, qAt, qa, "question");
                    JsonElement impossible = qa.get("is_impossible");
                    boolean isImpossible = impossible != null && impossible.isJsonPrimitive()
                            && impossible.getAsBoolean();
                    JsonElement answersElement = qa.get("answers");
                    JsonArray answers = answersElement == null || answersElement.isJsonNull() ? new JsonArray()
                            : array(file, qAt, qa, "answers");
                    if (isImpossible || answers.isEmpty()) {
                        unanswerable++;
                        continue;
                    }
                    Set<String> texts = new LinkedHashSet<>();
                    for (int i = 0; i < answers.size(); i++) {
                        String aAt = qAt + ".answers[" + i + "]";
                        String text = string(file, aAt, object(file, aAt, answers.get(i)), "text");
                        if (!context.contains(text)) {
                            throw fail(file, aAt, "text", "'" + text + "' does not occur in the context");
                        }
                        texts.add(text);
                    }
                    String first = seen.putIfAbsent(id, qAt);
                    if (first != null) {
                        throw fail(file, qAt, "id", "duplicate id '" + id + "', first used at " + first);
                    }
                    Map<String, String> inputs = new LinkedHashMap<>();
                    inputs.put("context", context);
                    inputs.put("question", question);
                    List<String> references = List.copyOf(texts);
                    out.add(Sample.withTarget(id, inputs, references.get(0), references, Origin.REAL));
                }
            }
        }
        if (unanswerable > 0) {
            LOG.info("{}: skipped {} unanswerable question(s), kept {}", file, unanswerable, out.size());
        } else {
            LOG.debug("{}: read {} questions", file, out.size());
        }
        return new Result(Dataset.of(out), unanswerable);
    }

    private static JsonObject object(Path file, String at, JsonElement e) {
        if (e == null || !e.isJsonObject()) {
            throw new GoldException(file + " at " + at + ": expected a JSON object, found " + e);
        }
        return e.getAsJsonObject();
    }

    private static JsonArray array(Path file, String at, JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonArray()) {
            throw fail(file, at, field, e == null ? "missing" : "must be a list, found " + e);
        }
        return e.getAsJsonArray();
    }

    private static String string(Path file, String at, JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonPrimitive()) {
            throw fail(file, at, field, e == null ? "missing" : "must be a string, found " + e);
        }
        String s = e.getAsString();
        if (s.isBlank()) {
            throw fail(file, at, field, "is empty");
        }
        return s;
    }

    private static GoldException fail(Path file, String at, String field, String reason) {
        return new GoldException(file + " at " + (at.isEmpty() ? "the top level" : at) + ": field '" + field + "' "
                + reason);
    }
}
