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
 * metric takes the best over them anyway), targetStart = the first answer's {@code answer_start}, so that a
 * student trains on the annotated occurrence of a text that occurs twice (-1, the place unknown, without it or when
 * it does not point at the text: such offsets are counted and logged).
 * The id is the question's {@code id}.
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
        int misplaced = 0;
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
                    int targetStart = -1;
                    for (int i = 0; i < answers.size(); i++) {
                        String aAt = qAt + ".answers[" + i + "]";
                        JsonObject answer = object(file, aAt, answers.get(i));
                        String text = string(file, aAt, answer, "text");
                        if (!context.contains(text)) {
                            throw fail(file, aAt, "text", "'" + text + "' does not occur in the context");
                        }
                        if (i == 0) {
                            targetStart = answerStart(file, aAt, answer, context, text);
                            if (targetStart == MISPLACED) {
                                // the text is there (checked above), only its place is wrong: keep the question,
                                // its place unknown, rather than refuse a whole file for one offset
                                misplaced++;
                                targetStart = -1;
                            }
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
                    out.add(new Sample(id, inputs, null, references.get(0), Origin.REAL, -1, references,
                            targetStart));
                }
            }
        }
        if (misplaced > 0) {
            LOG.info("{}: {} answer_start offset(s) do not point at their answer's text; those questions keep the "
                    + "text's first occurrence as their place", file, misplaced);
        }
        if (unanswerable > 0) {
            LOG.info("{}: skipped {} unanswerable question(s), kept {}", file, unanswerable, out.size());
        } else {
            LOG.debug("{}: read {} questions", file, out.size());
        }
        return new Result(Dataset.of(out), unanswerable);
    }

    /** What {@link #answerStart} returns for an offset that does not point at the answer's text. */
    private static final int MISPLACED = -2;

    /**
     * The first answer's {@code answer_start}, checked to point at its text; -1 when the file leaves it out (the
     * text's first occurrence is then the one a student trains on), {@link #MISPLACED} when it points elsewhere.
     */
    private static int answerStart(Path file, String at, JsonObject answer, String context, String text) {
        JsonElement e = answer.get("answer_start");
        if (e == null || e.isJsonNull()) {
            return -1;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber() || e.getAsDouble() != Math.rint(e.getAsDouble())
                || e.getAsDouble() < 0) {
            throw fail(file, at, "answer_start", "must be a character offset (an integer >= 0), found " + e);
        }
        int start = e.getAsInt();
        return context.startsWith(text, start) ? start : MISPLACED;
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
