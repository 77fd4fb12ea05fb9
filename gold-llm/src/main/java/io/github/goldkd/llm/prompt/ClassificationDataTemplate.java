package io.github.goldkd.llm.prompt;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.goldkd.core.GenerationMode;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.llm.ChatMessage;
import io.github.goldkd.llm.ResponseFormat;

import java.util.ArrayList;
import java.util.List;

/**
 * The prompt that asks the teacher to <em>write training data</em> for a classification task (the labelling
 * of test data is {@link AnswerTemplate}'s). It is the classification prompt of the method (section 6 of
 * the method page): a preamble, the task
 * description with the input fields and the meaning of each label, the task's real demonstrations, the
 * feedback examples numbered after them, the request for one new sample with the requested label, and in
 * probe mode the instruction to write something significantly different.
 *
 * <p>Demonstrations and feedback examples are rendered as JSON objects, so that text coming from data (a
 * generated probe sample, say) stays data: it cannot end the list or add instructions.
 */
public final class ClassificationDataTemplate implements PromptTemplate {

    /** This template's id in cache keys; kept from the former name, so that cached answers stay valid. */
    public static final String ID = "gold-classification";
    /** Raised whenever the rendered text changes. */
    public static final int VERSION = 2;

    static final String PROBE_INSTRUCTION = "Make it significantly different from all the examples above: "
            + "choose another topic or domain, another style and other wording.";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int version() {
        return VERSION;
    }

    @Override
    public TaskKind kind() {
        return TaskKind.CLASSIFICATION;
    }

    @Override
    public List<ChatMessage> render(GenerationPrompt p) {
        Task task = p.task();
        if (p.label() == null) {
            throw new GoldException("classification prompt for task '" + task.name() + "' needs a requested label");
        }
        task.labelIndex(p.label()); // fails with the allowed labels when unknown
        StringBuilder u = new StringBuilder();
        u.append("Task: ").append(task.name()).append('\n');
        if (!task.description().isBlank()) {
            u.append(task.description().strip()).append('\n');
        }
        u.append('\n').append("Each example has the input field").append(task.inputFields().size() == 1 ? " " : "s ")
                .append(quotedList(task.inputFields())).append(" and a \"label\". The labels are:\n");
        for (Label l : task.labels()) {
            u.append("- \"").append(l.name()).append('"');
            if (!l.meaning().isBlank()) {
                u.append(": ").append(l.meaning().strip());
            }
            u.append('\n');
        }
        Examples.append(u, task, p.feedback(), "label");
        u.append("\nWrite one new example whose label is \"").append(p.label()).append("\". It must be novel: ")
                .append("do not copy or paraphrase the examples above.");
        if (p.mode() == GenerationMode.PROBE) {
            u.append(' ').append(PROBE_INSTRUCTION);
        }
        u.append("\nAnswer with a single JSON object with the string fields ")
                .append(quotedList(fieldsWithLabel(task))).append(" and nothing else.");
        String system = "You write training data for a text classification task. You answer with JSON only.";
        return List.of(ChatMessage.system(system), ChatMessage.user(u.toString()));
    }

    @Override
    public ResponseFormat responseFormat(Task task) {
        return ResponseFormat.jsonSchema("gold_sample", schema(task, true).toString());
    }

    /** The schema of an answer whose label can only be the requested one (labels are requested, not parsed). */
    @Override
    public ResponseFormat responseFormat(Task task, String label) {
        if (label == null) {
            return responseFormat(task);
        }
        return ResponseFormat.jsonSchema("gold_sample", schema(task, true, List.of(label)).toString());
    }

    /** The schema of an object with the task's input fields (strings) and, if asked, a label from the task's set. */
    static JsonObject schema(Task task, boolean withInputs) {
        return schema(task, withInputs, task.labelNames());
    }

    private static JsonObject schema(Task task, boolean withInputs, List<String> allowedLabels) {
        JsonObject props = new JsonObject();
        JsonArray required = new JsonArray();
        if (withInputs) {
            for (String f : task.inputFields()) {
                JsonObject s = new JsonObject();
                s.addProperty("type", "string");
                props.add(f, s);
                required.add(f);
            }
        }
        JsonObject label = new JsonObject();
        label.addProperty("type", "string");
        JsonArray labels = new JsonArray();
        allowedLabels.forEach(labels::add);
        label.add("enum", labels);
        props.add("label", label);
        required.add("label");
        JsonObject schema = new JsonObject();
        schema.addProperty("type", "object");
        schema.add("properties", props);
        schema.add("required", required);
        schema.addProperty("additionalProperties", false);
        return schema;
    }

    private static List<String> fieldsWithLabel(Task task) {
        List<String> all = new ArrayList<>(task.inputFields());
        all.add("label");
        return all;
    }

    static String quotedList(List<String> names) {
        List<String> q = new ArrayList<>(names.size());
        for (String n : names) {
            q.add('"' + n + '"');
        }
        if (q.size() == 1) {
            return q.get(0);
        }
        return String.join(", ", q.subList(0, q.size() - 1)) + " and " + q.get(q.size() - 1);
    }
}
