package io.github.goldkd.llm.llamacpp;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.llm.ChatMessage;
import io.github.goldkd.llm.ChatRequest;
import io.github.goldkd.llm.ChatResponse;
import io.github.goldkd.llm.FinishReason;
import io.github.goldkd.llm.InvalidRequestException;
import io.github.goldkd.llm.LlmException;
import io.github.goldkd.llm.ResponseFormat;
import io.github.goldkd.llm.prompt.AnswerParser;
import io.github.goldkd.llm.prompt.PromptTemplates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chat model on a tiny random-weight GGUF written at test time: real llama.cpp, gibberish text. */
class LlamaCppChatModelTest {

    static final Task SENTIMENT = Task.classification("sentiment", "Sentiment of a product review.",
            List.of(new Label("negative", "the writer dislikes it"), new Label("positive", "the writer likes it")),
            List.of());

    @TempDir
    static Path dir;
    static LlamaCppChatModel model;

    @BeforeAll
    static void load() {
        Path file = TinyGguf.builder().seed(7).build().write(dir.resolve("tiny.gguf"));
        model = LlamaCppChatModel.builder().modelPath(file).contextSize(1024).threads(1).maxTokens(300)
                .maxStringLength(60).build();
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    static ChatRequest jsonRequest(long seed) {
        ResponseFormat f = PromptTemplates.defaults().forKind(TaskKind.CLASSIFICATION).responseFormat(SENTIMENT);
        return ChatRequest.builder()
                .addMessage(ChatMessage.system("You write training data."))
                .addMessage(ChatMessage.user("Write one review as JSON."))
                .temperature(1.0).seed(seed).responseFormat(f).build();
    }

    @Test
    void everySchemaConstrainedAnswerParsesAsASampleOfTheTask() {
        for (long seed = 0; seed < 6; seed++) {
            ChatResponse r = model.chat(jsonRequest(seed));
            assertThat(r.finishReason()).as("seed %d: %s", seed, r.text()).isEqualTo(FinishReason.STOP);
            AnswerParser.Result parsed = AnswerParser.parse(r.text(), SENTIMENT);
            assertThat(parsed.ok()).as("seed %d: %s (%s)", seed, r.text(), parsed.detail()).isTrue();
            AnswerParser.Candidate c = parsed.candidates().get(0);
            assertThat(c.statedLabel()).isIn("negative", "positive");
            assertThat(c.inputs().get("text")).isNotBlank();
            assertThat(visibleCodePoints(c.inputs().get("text"))).isLessThanOrEqualTo(60);
        }
    }

    /**
     * Characters as the grammar counts them. A random model can write byte sequences that llama.cpp's lenient
     * UTF-8 decoder takes as one character and Java as several U+FFFD; those are left out.
     */
    static long visibleCodePoints(String s) {
        return s.codePoints().filter(c -> c != 0xFFFD).count();
    }

    @Test
    void usageCountsPromptTokensWithTheModelsTokenizerPlusBos() {
        ChatRequest req = jsonRequest(1);
        ChatResponse r = model.chat(req);
        int expected = model.countTokens(model.formatPrompt(req.messages())) + 1; // the tokenizer adds <s>
        assertThat(r.usage().promptTokens()).isEqualTo(expected);
        // The JSON frame alone is more than 15 pieces; the closing end-of-generation token is one more.
        assertThat(r.usage().completionTokens()).isGreaterThan(15).isLessThanOrEqualTo(300);
    }

    @Test
    void sameSeedGivesTheSameAnswerAndAnotherSeedAnotherOne() {
        String a = model.chat(jsonRequest(42)).text();
        String b = model.chat(jsonRequest(42)).text();
        String c = model.chat(jsonRequest(43)).text();
        assertThat(b).isEqualTo(a);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void severalCompletionsUseConsecutiveSeeds() {
        ChatResponse two = model.chat(jsonRequest(10).toBuilder().n(2).build());
        assertThat(two.texts()).hasSize(2);
        assertThat(two.texts().get(0)).isEqualTo(model.chat(jsonRequest(10)).text());
        assertThat(two.texts().get(1)).isEqualTo(model.chat(jsonRequest(11)).text());
    }

    @Test
    void tokenLimitGivesFinishReasonLength() {
        ChatResponse r = model.chat(jsonRequest(3).toBuilder().maxTokens(5).build());
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.usage().completionTokens()).isEqualTo(5);
        assertThat(AnswerParser.parse(r.text(), SENTIMENT).reject()).isEqualTo(AnswerParser.TRUNCATED);
    }

    @Test
    void grammarProviderCanFixTheRequestedLabel() throws Exception {
        Path file = dir.resolve("tiny.gguf");
        try (LlamaCppChatModel pinned = LlamaCppChatModel.builder().modelPath(file).contextSize(1024).threads(1)
                .grammar(r -> GbnfGrammar.forSample(SENTIMENT, "negative", 40)).build()) {
            for (long seed = 0; seed < 4; seed++) {
                AnswerParser.Result p = AnswerParser.parse(pinned.chat(jsonRequest(seed)).text(), SENTIMENT);
                assertThat(p.ok()).isTrue();
                assertThat(p.candidates().get(0).statedLabel()).isEqualTo("negative");
            }
            assertThat(pinned.describe()).containsEntry("grammar", "custom provider");
        }
    }

    @Test
    void jsonModeAndSchemasOutsideTheSubsetStillGiveJson() {
        ChatResponse obj = model.chat(jsonRequest(5).withResponseFormat(ResponseFormat.JSON_OBJECT));
        assertThat(JsonParser.parseString(obj.text()).isJsonObject()).isTrue();
        // "pattern" is outside GbnfGrammar's subset: llama.cpp's own converter takes over.
        ResponseFormat pattern = ResponseFormat.jsonSchema("digits", "{\"type\":\"object\",\"properties\":"
                + "{\"code\":{\"type\":\"string\",\"pattern\":\"^[0-9]{3}$\"}},\"required\":[\"code\"]}");
        ChatResponse r = model.chat(jsonRequest(5).withResponseFormat(pattern));
        JsonObject o = JsonParser.parseString(r.text()).getAsJsonObject();
        assertThat(o.get("code").getAsString()).matches("[0-9]{3}");
    }

    @Test
    void freeTextHasNoGrammar() {
        ChatRequest text = jsonRequest(1).withResponseFormat(ResponseFormat.TEXT);
        assertThat(model.grammarFor(text)).isNull();
        ChatResponse r = model.chat(text.toBuilder().maxTokens(8).build());
        assertThat(r.usage().completionTokens()).isBetween(1L, 8L);
    }

    @Test
    void promptLongerThanTheContextIsAnInvalidRequest() {
        ChatRequest huge = ChatRequest.of(ChatMessage.user("\u00e9".repeat(3000)));
        assertThatThrownBy(() -> model.chat(huge)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("context of 1024 tokens")
                .isInstanceOfSatisfying(LlamaCppInvalidRequestException.class, e -> {
                    assertThat(e.isRetriable()).isFalse();
                    assertThat(e.statusCode()).as("no HTTP status in process").isZero();
                });
    }

    /**
     * llama.cpp only logs a grammar it cannot parse and then writes unconstrained text (seen with this file: a
     * JSON request answered with random bytes); the model refuses such a grammar before generating.
     */
    @Test
    void aGrammarLlamaCppCannotParseIsRefusedNotSilentlyIgnored() {
        try (LlamaCppChatModel m = LlamaCppChatModel.builder().modelPath(dir.resolve("tiny.gguf")).contextSize(256)
                .threads(1).maxTokens(5).grammar(r -> "root ::= \"{\" (\"a\" | \"b\"").build()) {
            assertThatThrownBy(() -> m.chat(ChatRequest.of(ChatMessage.user("hi"))))
                    .isInstanceOf(LlamaCppInvalidRequestException.class)
                    .hasMessageContaining("grammar of Builder.grammar's provider")
                    .hasMessageContaining("expecting ')' to close the group opened at line 1, column 14")
                    .satisfies(e -> assertThat(((LlmException) e).isRetriable()).isFalse());
        }
    }

    /**
     * A schema outside this library's converter goes to llama.cpp's, in a child JVM: in process, a schema that
     * converter cannot handle ends the JVM ("terminate called after throwing ... Unrecognized schema").
     */
    @Test
    void llamaCppsSchemaConverterRunsOutsideThisJvm() {
        ChatRequest anyOf = schemaRequest("{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}");
        assertThat(model.grammarFor(anyOf)).contains("root ::= string | integer");

        assertThatThrownBy(() -> model.chat(schemaRequest("{\"type\":\"strange\"}")))
                .isInstanceOf(LlamaCppInvalidRequestException.class)
                .hasMessageContaining("type 'strange' at root is not supported")
                .hasMessageContaining("llama.cpp: JSON schema conversion failed: Unrecognized schema");
        assertThatThrownBy(() -> model.chat(schemaRequest("{\"$ref\":\"#/definitions/missing\"}")))
                .isInstanceOf(LlamaCppInvalidRequestException.class)
                .hasMessageContaining("Error resolving ref #/definitions/missing");
        // and this JVM, with its model, lives on
        assertThat(model.chat(jsonRequest(3)).finishReason()).isEqualTo(FinishReason.STOP);
    }

    /** llama.cpp's converter writes {@code \d} of a pattern into a literal, which its own parser rejects. */
    @Test
    void aGrammarLlamaCppsConverterWritesWrongIsRefusedToo() {
        assertThatThrownBy(() -> model.chat(schemaRequest("{\"type\":\"string\",\"pattern\":\"^a\\\\d$\"}")))
                .isInstanceOf(LlamaCppInvalidRequestException.class)
                .hasMessageContaining("llama.cpp's grammar for the schema is not one llama.cpp can use")
                .hasMessageContaining("unknown escape '\\d'");
    }

    private static ChatRequest schemaRequest(String schema) {
        return ChatRequest.builder().addMessage(ChatMessage.user("Answer as JSON."))
                .responseFormat(ResponseFormat.jsonSchema("answer", schema)).build();
    }

    /**
     * How llama.cpp's own exceptions are mapped. (Unit level: the binding's failures cannot be provoked safely
     * end to end in process; a bad chat template aborts the process from native code.)
     */
    @Test
    void llamaCppFailuresGetTheirOwnTypesWithLlamaCppsExceptionAsTheCause() {
        RuntimeException rejected = new IllegalStateException("{\"code\":400,\"type\":\"invalid_request_error\"}");
        RuntimeException badGrammar = new IllegalStateException("failed to parse Grammar");
        RuntimeException crashed = new IllegalStateException("decode failed");

        LlmException request = LlamaCppChatModel.nativeFailure("tiny", "request", rejected);
        LlmException grammar = LlamaCppChatModel.nativeFailure("tiny", "generation", badGrammar);
        LlmException nativeSide = LlamaCppChatModel.nativeFailure("tiny", "generation", crashed);

        assertThat(request).isInstanceOf(LlamaCppInvalidRequestException.class).isInstanceOf(InvalidRequestException.class)
                .hasMessage("llama.cpp request failed for tiny: " + rejected.getMessage()).hasCause(rejected);
        assertThat(grammar).isInstanceOf(LlamaCppInvalidRequestException.class).hasCause(badGrammar);
        assertThat(nativeSide).isInstanceOf(LlamaCppNativeException.class).isNotInstanceOf(InvalidRequestException.class)
                .hasMessage("llama.cpp generation failed for tiny: decode failed").hasCause(crashed);
        for (LlmException e : List.of(request, grammar, nativeSide)) {
            assertThat(e.getCause()).as("the cause itself, not a wrapper").isSameAs(e == request ? rejected
                    : e == grammar ? badGrammar : crashed);
            assertThat(e.getSuppressed()).isEmpty();
            assertThat(e.isRetriable()).isFalse();
            assertThat(e.statusCode()).isZero();
            assertThat(e.serverMessage()).isEqualTo(e.getCause().getMessage());
        }
    }

    @Test
    void concurrentCallersAreSerialisedAndGetTheirOwnAnswers() throws Exception {
        List<String> sequential = new ArrayList<>();
        for (long s = 20; s < 24; s++) {
            sequential.add(model.chat(jsonRequest(s)).text());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (long s = 20; s < 24; s++) {
                long seed = s;
                futures.add(pool.submit(() -> model.chat(jsonRequest(seed)).text()));
            }
            for (int i = 0; i < 4; i++) {
                assertThat(futures.get(i).get()).isEqualTo(sequential.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(model.maxConcurrency()).isEqualTo(1);
    }

    @Test
    void interruptStopsAGenerationBetweenTokensAndTheModelStaysUsable() throws Exception {
        Path file = dir.resolve("tiny.gguf");
        // The first streamed piece holds the generating thread until its interrupt has arrived: so the interrupt
        // lands in the middle of a generation (not before it, in the lock), and exactly one piece is streamed
        // if it is honoured at the next token; ignored, the endless grammar would run to the 16,000-token limit.
        AtomicInteger pieces = new AtomicInteger();
        CountDownLatch firstPiece = new CountDownLatch(1);
        Consumer<String> holdFirstPieceUntilInterrupted = piece -> {
            if (pieces.incrementAndGet() == 1) {
                firstPiece.countDown();
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
        };
        try (LlamaCppChatModel endless = LlamaCppChatModel.builder().modelPath(file).contextSize(16384).threads(1)
                .maxTokens(16000).grammar(r -> "root ::= [a-z] root")
                .pieceListener(holdFirstPieceUntilInterrupted).build()) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicReference<ChatResponse> answer = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    answer.set(endless.chat(ChatRequest.of(ChatMessage.user("go"))));
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.start();
            assertThat(firstPiece.await(30, TimeUnit.SECONDS)).as("the generation started").isTrue();
            t.interrupt();
            t.join(30_000);
            assertThat(t.isAlive()).isFalse();
            assertThat(answer.get()).as("the generation ran to its end despite the interrupt").isNull();
            assertThat(failure.get()).isInstanceOf(GoldException.class)
                    .hasMessageContaining("interrupted while generating");
            assertThat(pieces.get()).as("pieces streamed: stopped at the first token after the interrupt").isEqualTo(1);
            ChatResponse after = endless.chat(ChatRequest.builder().addMessage(ChatMessage.user("go")).maxTokens(3).build());
            assertThat(after.text()).matches("[a-z]{3}");
            assertThat(after.finishReason()).isEqualTo(FinishReason.LENGTH);
        }
    }

    @Test
    void chatTemplateOfTheModelFileIsUsed() {
        // Gemma's markers: llama.cpp recognises the family from the template text.
        String gemma = "{{ bos_token }}{% for message in messages %}<start_of_turn>{{ message['role'] }}\n"
                + "{{ message['content'] }}<end_of_turn>\n{% endfor %}<start_of_turn>model\n";
        Path file = TinyGguf.builder().seed(7).chatTemplate(gemma).build().write(dir.resolve("tiny-gemma.gguf"));
        try (LlamaCppChatModel m = LlamaCppChatModel.builder().modelPath(file).contextSize(256).threads(1).build()) {
            String prompt = m.formatPrompt(List.of(ChatMessage.user("Hello")));
            assertThat(prompt).contains("<start_of_turn>user\nHello<end_of_turn>").endsWith("<start_of_turn>model\n");
            assertThat(m.describe()).containsEntry("chatTemplate", "model file");
        }
        assertThat(model.formatPrompt(List.of(ChatMessage.user("Hi"))))
                .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        assertThat(model.describe()).containsEntry("chatTemplate", "chatml (fallback)");
    }

    @Test
    void closedModelRejectsCallsAndCloseIsIdempotent() {
        LlamaCppChatModel m = LlamaCppChatModel.builder().modelPath(dir.resolve("tiny.gguf")).contextSize(128)
                .maxTokens(16).threads(1).build();
        assertThat(m.isClosed()).isFalse();
        m.close();
        m.close();
        assertThat(m.isClosed()).isTrue();
        assertThatThrownBy(() -> m.chat(ChatRequest.of(ChatMessage.user("x")))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void closedModelIsReusedByTheNextBuilderWithTheSameLoadSettings() {
        Path file = dir.resolve("tiny.gguf");
        LlamaCppChatModel first = LlamaCppChatModel.builder().modelPath(file).contextSize(192).threads(1).build();
        String answer = first.chat(jsonRequest(4).toBuilder().maxTokens(20).build()).text();
        int idle = LoadedModels.idle();
        first.close();
        assertThat(LoadedModels.idle()).isEqualTo(idle + 1);
        // Other load settings cannot use it.
        try (LlamaCppChatModel other = LlamaCppChatModel.builder().modelPath(file).contextSize(200).threads(1).build()) {
            assertThat(LoadedModels.idle()).isEqualTo(idle + 1);
        }
        // The same load settings take it (sampling settings may differ) and answer as before.
        try (LlamaCppChatModel second = LlamaCppChatModel.builder().modelPath(file).contextSize(192).threads(1)
                .temperature(0.1).build()) {
            assertThat(LoadedModels.idle()).isEqualTo(idle + 1); // took this one's, the other's is idle now
            assertThat(second.chat(jsonRequest(4).toBuilder().maxTokens(20).build()).text()).isEqualTo(answer);
        }
    }

    @Test
    void builderValidatesSettingsAndTheModelFile() {
        Path file = dir.resolve("tiny.gguf");
        assertThatThrownBy(() -> LlamaCppChatModel.builder().build()).hasMessage("modelPath must be set");
        assertThatThrownBy(() -> LlamaCppChatModel.builder().modelPath(file).temperature(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("temperature must be in [0, 2], was -1.0");
        assertThatThrownBy(() -> LlamaCppChatModel.builder().modelPath(file).contextSize(512).maxTokens(600).build())
                .hasMessage("maxTokens must be in [1, contextSize = 512], was 600");
        assertThatThrownBy(() -> LlamaCppChatModel.builder().modelPath(file).threads(0).build())
                .hasMessage("threads must be in [1, 512], was 0");
        assertThatThrownBy(() -> LlamaCppChatModel.builder().modelPath(dir.resolve("none.gguf")).build())
                .isInstanceOf(GoldException.class).hasMessageContaining("does not exist");
        Path tmpLlama = Path.of(System.getProperty("java.io.tmpdir"), "llama-test-never-written.gguf");
        assertThatThrownBy(() -> LlamaCppChatModel.builder().modelPath(tmpLlama).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deletes such files");
    }

    @Test
    void nativeSeedKeeps31BitSeedsAndNeverGivesTheRandomSeed() {
        assertThat(LlamaCppChatModel.nativeSeed(12345)).isEqualTo(12345);
        assertThat(LlamaCppChatModel.nativeSeed(-1L)).isNotEqualTo(-1).isNotNegative();
        assertThat(LlamaCppChatModel.nativeSeed(Long.MIN_VALUE)).isNotNegative();
        assertThat(LlamaCppChatModel.nativeSeed(1L << 40)).isNotEqualTo(LlamaCppChatModel.nativeSeed(1L << 41));
    }
}
