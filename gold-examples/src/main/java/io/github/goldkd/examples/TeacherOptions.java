package io.github.goldkd.examples;

import io.github.goldkd.llm.ChatModel;
import io.github.goldkd.llm.OllamaChatModel;
import io.github.goldkd.llm.OpenAiChatModel;
import io.github.goldkd.llm.llamacpp.LlamaCppChatModel;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The teacher options of the commands that talk to a teacher ({@code gold distill}, {@code gold bench
 * teacher}): which teacher, and the settings of each. Options that do not apply to the chosen teacher are
 * refused rather than silently ignored; everything is checked before anything is built.
 */
final class TeacherOptions {

    /** The HTTP chat clients' own default call timeout, in seconds (GoldCliTest checks they agree); for the help. */
    static final int DEFAULT_TIMEOUT_SECONDS = 120;
    private static final int MAX_TIMEOUT_SECONDS = 86_400;

    /** The options each teacher takes. */
    private static final Map<String, List<String>> OWN_OPTIONS = Map.of(
            "corpus", List.of("--pool"),
            "openai", List.of("--model", "--base-url", "--api-key-env", "--timeout"),
            "ollama", List.of("--model", "--base-url", "--timeout"),
            "llamacpp", List.of("--model-file"));

    @Option(names = "--teacher", required = true,
            description = "corpus (offline simulation; answers from --pool), openai, ollama or llamacpp.")
    String teacher;

    @Option(names = "--pool", description = "Labelled file the corpus teacher answers from (JSONL, CSV or TSV; "
            + "default for a shipped task: its pool).")
    Path pool;

    @Option(names = "--base-url", description = "Server URL for openai/ollama (default: the provider's); repeat it "
            + "for several servers of the same model: requests are spread over them, 4 at a time on each.")
    List<String> baseUrls;

    @Option(names = "--model", description = "Model name for openai/ollama.")
    String model;

    @Option(names = "--model-file", description = "GGUF file for llamacpp.")
    Path modelFile;

    @Option(names = "--api-key-env", description = "Environment variable holding the API key (default: OPENAI_API_KEY "
            + "for openai; none for local servers).")
    String apiKeyEnv;

    @Option(names = "--timeout", description = "Seconds one request to an openai or ollama teacher may take, "
            + "connect to last byte, before it fails and is retried (default: " + DEFAULT_TIMEOUT_SECONDS + ").")
    Integer timeout;

    /** The teacher's name in lower case. */
    String name() {
        return teacher.toLowerCase(Locale.ROOT);
    }

    boolean isCorpus() {
        return "corpus".equals(name());
    }

    /**
     * Refuses an unknown teacher, options of another teacher, and missing or out-of-range settings.
     *
     * @param corpusAllowed whether this command can use the offline corpus teacher
     */
    void validate(CommandLine.Model.CommandSpec spec, boolean corpusAllowed) {
        List<String> own = OWN_OPTIONS.get(name());
        if (own == null || (!corpusAllowed && isCorpus())) {
            throw usage(spec, "--teacher must be " + (corpusAllowed ? "corpus, " : "") + "openai, ollama or llamacpp, "
                    + "was '" + teacher + "'" + (own != null ? " (the corpus teacher only writes training data)" : ""));
        }
        for (List<String> options : OWN_OPTIONS.values()) {
            for (String option : options) {
                if (!own.contains(option) && Options.given(spec, option)) {
                    throw usage(spec, option + " does not apply to --teacher " + name() + " (it takes "
                            + String.join(", ", own) + ")");
                }
            }
        }
        if (timeout != null && (timeout < 1 || timeout > MAX_TIMEOUT_SECONDS)) {
            throw usage(spec, "--timeout must be in [1, " + MAX_TIMEOUT_SECONDS + "] seconds, was " + timeout);
        }
        Options.requireFile(spec, pool, "--pool");
        if ("llamacpp".equals(name())) {
            if (modelFile == null) {
                throw usage(spec, "--teacher llamacpp needs --model-file PATH (a GGUF file)");
            }
            Options.requireFile(spec, modelFile, "--model-file");
        }
        if (("openai".equals(name()) || "ollama".equals(name())) && (model == null || model.isBlank())) {
            throw usage(spec, "--teacher " + name() + " needs --model");
        }
    }

    /**
     * The chat model of an openai, ollama or llamacpp teacher; the caller closes it. The API key is read from
     * the environment variable named, never from the command line.
     */
    ChatModel chatModel() {
        switch (name()) {
            case "openai": {
                OpenAiChatModel.Builder b = OpenAiChatModel.builder().modelName(model);
                if (baseUrls != null) {
                    b.baseUrls(baseUrls);
                }
                String keyVar = apiKeyEnv != null ? apiKeyEnv
                        : System.getenv("OPENAI_API_KEY") != null ? "OPENAI_API_KEY" : null;
                if (keyVar != null) {
                    b.apiKeyFromEnv(keyVar);
                }
                if (timeout != null) {
                    b.callTimeout(Duration.ofSeconds(timeout));
                }
                return b.build();
            }
            case "ollama": {
                OllamaChatModel.Builder b = OllamaChatModel.builder().modelName(model);
                if (baseUrls != null) {
                    b.baseUrls(baseUrls);
                }
                if (timeout != null) {
                    b.callTimeout(Duration.ofSeconds(timeout));
                }
                return b.build();
            }
            case "llamacpp":
                // The binding keeps the JVM alive until closed, so GoldCli ends with System.exit.
                return LlamaCppChatModel.builder().modelPath(modelFile).build();
            default:
                throw new IllegalStateException("not a chat-model teacher: " + teacher);
        }
    }

    private static CommandLine.ParameterException usage(CommandLine.Model.CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
