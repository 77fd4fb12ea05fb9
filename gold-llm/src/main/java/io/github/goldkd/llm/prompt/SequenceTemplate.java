package io.github.goldkd.llm.prompt;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.goldkd.core.GenerationMode;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.llm.ChatMessage;
import io.github.goldkd.llm.ResponseFormat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The generation prompt of the method for a sequence kind (section 6 of the method page): a preamble, the
 * task description with the input fields and what the output field must be, the task's real demonstrations,
 * the feedback examples numbered after them, the request for one new sample, and in probe mode the request
 * for a sample "significantly different from the ones above, from a new topic".
 *
 * <p>What the output must be depends on the kind:
 * <ul>
 *   <li>{@link TaskKind#EXTRACTIVE_QA}: a short span copied exactly from the task's span field (its
 *       {@code context});</li>
 *   <li>{@link TaskKind#MATH_WORD_PROBLEM}: an arithmetic expression over the numbers of the problem, with
 *       {@code + - * /} and parentheses only, formatted as the demonstrations show;</li>
 *   <li>{@link TaskKind#TEXT_GENERATION}: a text in the format the demonstrations show.</li>
 * </ul>
 * Every example is rendered as one JSON object with the input fields and the output field (the sample's
 * target), so that text coming from data stays data; the answer is asked for in the same shape, and
 * {@link #responseFormat} is its schema (all fields strings, all required, nothing else).
 */
public final class SequenceTemplate implements PromptTemplate {

    /** Raised whenever the rendered text of any kind changes. */
    public static final int VERSION = 1;

    static final String PROBE_INSTRUCTION = "Make it significantly different from the ones above, from a new "
            + "topic: another domain, other situations and other wording.";

    private final TaskKind kind;

    /** The template for {@code kind}, a sequence kind. */
    public SequenceTemplate(TaskKind kind) {
        if (kind == null || !kind.isSequence()) {
            throw new IllegalArgumentException("kind must be a sequence kind (EXTRACTIVE_QA, MATH_WORD_PROBLEM, "
                    + "TEXT_GENERATION), was " + kind);
        }
        this.kind = kind;
    }

    /** {@code gold-extractive-qa}, {@code gold-math-word-problem} or {@code gold-text-generation}. */
    @Override
    public String id() {
        return "gold-" + kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public int version() {
        return VERSION;
    }

    @Override
    public TaskKind kind() {
        return kind;
    }

    @Override
    public List<ChatMessage> render(GenerationPrompt p) {
        Task task = p.task();
        requireKind(task);
        if (p.label() != null) {
            throw new GoldException("a " + kind + " prompt for task '" + task.name()
                    + "' takes no requested label (the teacher writes the target), was '" + p.label() + "'");
        }
        String out = task.outputField();
        StringBuilder u = new StringBuilder();
        u.append("Task: ").append(task.name()).append('\n');
        if (!task.description().isBlank()) {
            u.append(task.description().strip()).append('\n');
        }
        u.append('\n').append("Each example has the input field").append(task.inputFields().size() == 1 ? " " : "s ")
                .append(ClassificationDataTemplate.quotedList(task.inputFields())).append(" and the output \"")
                .append(out).append("\". ").append(outputRule(task)).append('\n');
        Examples.append(u, task, p.feedback(), out);
        u.append("\nWrite one new example with its \"").append(out).append("\". It must be novel: ")
                .append("do not copy or paraphrase the examples above.");
        if (p.mode() == GenerationMode.PROBE) {
            u.append(' ').append(PROBE_INSTRUCTION);
        }
        if (kind == TaskKind.EXTRACTIVE_QA) {
            u.append(" Copy the \"").append(out).append("\" exactly from the \"").append(task.spanField())
                    .append("\".");
        }
        List<String> all = new ArrayList<>(task.inputFields());
        all.add(out);
        u.append("\nAnswer with a single JSON object with the string fields ")
                .append(ClassificationDataTemplate.quotedList(all)).append(" and nothing else.");
        return List.of(ChatMessage.system("You write training data for " + what() + ". You answer with JSON only."),
                ChatMessage.user(u.toString()));
    }

    /** An object with the task's input fields and its output field, all strings, all required, nothing else. */
    @Override
    public ResponseFormat responseFormat(Task task) {
        requireKind(task);
        JsonObject props = new JsonObject();
        JsonArray required = new JsonArray();
        List<String> all = new ArrayList<>(task.inputFields());
        all.add(task.outputField());
        for (String f : all) {
            JsonObject s = new JsonObject();
            s.addProperty("type", "string");
            props.add(f, s);
            required.add(f);
        }
        JsonObject schema = new JsonObject();
        schema.addProperty("type", "object");
        schema.add("properties", props);
        schema.add("required", required);
        schema.addProperty("additionalProperties", false);
        return ResponseFormat.jsonSchema("gold_sample", schema.toString());
    }

    /** What the output field of a sequence task must be, as one instruction (shared with the answer prompt). */
    static String outputRule(Task task) {
        String out = task.outputField();
        return switch (task.kind()) {
            case EXTRACTIVE_QA -> "The \"" + out + "\" is a short span of the \"" + task.spanField()
                    + "\" (a few words), copied exactly, character for character; the question can be answered "
                    + "from the \"" + task.spanField() + "\" alone.";
            case MATH_WORD_PROBLEM -> "The \"" + out + "\" is an arithmetic expression over the numbers in the "
                    + "problem whose value answers the question: numbers, + - * / and parentheses only, no "
                    + "variables, no equals sign, no units or words. Write it in the format the examples show.";
            case TEXT_GENERATION -> "The \"" + out + "\" is written from the inputs, in the format the examples "
                    + "show.";
            case CLASSIFICATION -> throw new IllegalStateException("not a sequence kind");
        };
    }

    private String what() {
        return switch (kind) {
            case EXTRACTIVE_QA -> "an extractive question answering task";
            case MATH_WORD_PROBLEM -> "a math word problem task";
            case TEXT_GENERATION -> "a text generation task";
            case CLASSIFICATION -> throw new IllegalStateException("not a sequence kind");
        };
    }

    private void requireKind(Task task) {
        if (task.kind() != kind) {
            throw new GoldException("the " + id() + " template needs a " + kind + " task, '" + task.name()
                    + "' is " + task.kind());
        }
    }

}
