package io.github.goldkd.llm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The settings LlmGenerator and LlmPredictor share are checked once, with the same words for both. */
class RequestFanOutBuilderTest {

    @TempDir
    Path dir;

    /** Answers nothing: these tests never send a request. */
    private static final ChatModel SILENT = new ChatModel() {
        @Override
        public ChatResponse chat(ChatRequest request) {
            throw new AssertionError("no request expected");
        }

        @Override
        public String modelName() {
            return "silent";
        }

        @Override
        public int maxConcurrency() {
            return 3;
        }
    };

    private static List<Supplier<RequestFanOutBuilder<?>>> bothBuilders() {
        return List.of(LlmGenerator::builder, LlmPredictor::builder);
    }

    @Test
    void sharedSettingsAreRejectedWithTheSameMessageByBothBuilders() {
        for (Supplier<RequestFanOutBuilder<?>> builder : bothBuilders()) {
            assertThatThrownBy(() -> build(builder.get())).hasMessage("chatModel must be set");
            assertThatThrownBy(() -> build(builder.get().chatModel(SILENT).maxTokens(0)))
                    .hasMessage("maxTokens must be >= 1, was 0");
            assertThatThrownBy(() -> build(builder.get().chatModel(SILENT).budget(null)))
                    .hasMessage("budget must not be null");
            assertThatThrownBy(() -> build(builder.get().chatModel(SILENT).parallelism(257)))
                    .hasMessage("parallelism must be in [1, 256], was 257");
            assertThatThrownBy(() -> build(builder.get().chatModel(SILENT).cache(RequestCache.inMemory())
                    .cacheFile(dir.resolve("c.jsonl"))))
                    .hasMessageStartingWith("set cache or cacheFile, not both");
        }
    }

    @Test
    void theParallelismDefaultsToTheModelsConcurrency() {
        assertThat(LlmGenerator.builder().chatModel(SILENT).checkSharedSettings()).isEqualTo(3);
        assertThat(LlmPredictor.builder().chatModel(SILENT).parallelism(5).checkSharedSettings()).isEqualTo(5);
    }

    @Test
    void aRejectedBuildOpensNoCacheFile() {
        Path generatorCache = dir.resolve("generator.jsonl");
        Path predictorCache = dir.resolve("predictor.jsonl");

        assertThatThrownBy(() -> LlmGenerator.builder().chatModel(SILENT).cacheFile(generatorCache).topP(2.0).build())
                .hasMessage("topP must be in (0, 1], was 2.0");
        assertThatThrownBy(() -> LlmPredictor.builder().chatModel(SILENT).cacheFile(predictorCache).temperature(3)
                .build()).hasMessage("temperature must be in [0, 2], was 3.0");

        assertThat(Files.exists(generatorCache)).isFalse();
        assertThat(Files.exists(predictorCache)).isFalse();
    }

    private static AutoCloseable build(RequestFanOutBuilder<?> b) throws Exception {
        AutoCloseable built = b instanceof LlmGenerator.Builder g ? g.build() : ((LlmPredictor.Builder) b).build();
        built.close();
        return built;
    }
}
