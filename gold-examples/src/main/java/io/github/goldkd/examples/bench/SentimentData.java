package io.github.goldkd.examples.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The UCI "Sentiment Labelled Sentences" (Kotzias et al., KDD 2015; CC BY 4.0) as shipped in the npm package
 * {@code sentiment@5.0.2} ({@code package/test/fixtures/{yelp,amazon,imdb}.json}): JSON arrays of
 * {@code {"text", "class": 0|1}}. The empty record each file ends with is skipped.
 */
final class SentimentData {

    static final Task TASK = Task.classification("sentiment", "Is the sentence positive or negative?",
            List.of(new Label("negative", "a negative opinion"), new Label("positive", "a positive opinion")),
            List.of());

    private SentimentData() {
    }

    static List<Sample> read(Path file) throws IOException {
        String name = file.getFileName().toString().replace(".json", "");
        List<Sample> out = new ArrayList<>();
        int i = 0;
        for (JsonElement e : JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonArray()) {
            JsonObject o = e.getAsJsonObject();
            String text = o.get("text").getAsString();
            JsonElement cls = o.get("class");
            if (text.isBlank() || cls == null || cls.isJsonNull()) {
                continue;
            }
            out.add(Sample.real(name + "-" + i++, text, cls.getAsInt() == 1 ? "positive" : "negative"));
        }
        return out;
    }
}
