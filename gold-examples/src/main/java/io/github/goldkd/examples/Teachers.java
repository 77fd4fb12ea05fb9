package io.github.goldkd.examples;

import io.github.goldkd.core.BudgetExhaustedException;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.GeneratedBatch;
import io.github.goldkd.core.GenerationRequest;
import io.github.goldkd.core.Generator;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.llm.ChatModel;
import io.github.goldkd.llm.HttpChatModel;
import io.github.goldkd.llm.LlmGenerator;
import io.github.goldkd.llm.ServerStats;
import io.github.goldkd.llm.corpus.CorpusTeacher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds the teachers the command line offers. */
final class Teachers {

    private Teachers() {
    }

    /** A chat-model teacher with its request cache in {@code cacheFile}; closing it closes the model. */
    static Generator llm(ChatModel model, Path cacheFile) {
        LlmGenerator generator = LlmGenerator.builder().chatModel(model).cacheFile(cacheFile).build();
        return new ClosingGenerator(generator, model);
    }

    /** Requests, failures and tokens per server of an HTTP teacher, for summary.json (URLs carry no credentials). */
    static List<Map<String, Object>> serverCounts(HttpChatModel model) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ServerStats s : model.serverStats()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("url", s.url());
            m.put("requests", s.requests());
            m.put("failures", s.failures());
            m.put("promptTokens", s.promptTokens());
            m.put("completionTokens", s.completionTokens());
            m.put("timesTakenOut", s.timesTakenOut());
            list.add(m);
        }
        return list;
    }

    /** An LLM generator that also closes its chat model (the HTTP clients' pools, llama.cpp's model). */
    private record ClosingGenerator(LlmGenerator generator, ChatModel model) implements Generator, AutoCloseable {
        @Override
        public GeneratedBatch generate(GenerationRequest request) {
            return generator.generate(request);
        }

        @Override
        public void restore(List<Sample> generatedSoFar) {
            generator.restore(generatedSoFar);
        }

        @Override
        public Map<String, Object> describe() {
            return generator.describe();
        }

        @Override
        public void close() {
            try {
                generator.close();
            } finally {
                model.close();
            }
        }
    }

    /**
     * The offline simulation with its fixed defaults (it never answers with the prompt's own demonstrations:
     * the teacher marks them as returned when it is built).
     */
    static Generator corpus(Task task, Dataset pool) {
        return new FinitePool(CorpusTeacher.builder().task(task).pool(pool).build());
    }

    /**
     * The simulation's pool is its budget: a batch it cannot fill at all because the requested labels'
     * texts are used up ends generation as a spent budget does (the final student trains on the committed
     * rounds), instead of failing the run as a teacher that yields nothing usable.
     */
    private record FinitePool(CorpusTeacher teacher) implements Generator {
        @Override
        public GeneratedBatch generate(GenerationRequest request) {
            GeneratedBatch batch = teacher.generate(request);
            Map<String, Integer> rejects = batch.stats().rejects();
            if (batch.samples().isEmpty() && !rejects.isEmpty()
                    && rejects.keySet().stream().allMatch(reason -> reason.startsWith("exhausted"))) {
                throw new BudgetExhaustedException("the corpus teacher's pool is used up (" + new TreeMap<>(rejects)
                        + " in round " + request.round() + ")");
            }
            return batch;
        }

        @Override
        public void restore(List<Sample> generatedSoFar) {
            teacher.restore(generatedSoFar);
        }

        @Override
        public Map<String, Object> describe() {
            return teacher.describe();
        }
    }
}
