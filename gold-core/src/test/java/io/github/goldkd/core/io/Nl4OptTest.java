package io.github.goldkd.core.io;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The converter on real rows of the competition's files (nl4opt-rows.jsonl holds six rows copied unchanged
 * from test.jsonl and dev.jsonl), one test per declaration type, with the expected text written by hand from
 * the row's declarations.
 */
class Nl4OptTest {

    private static final Map<String, JsonObject> ROWS = new LinkedHashMap<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void rows() throws IOException {
        try (InputStream in = Nl4OptTest.class.getResourceAsStream("nl4opt-rows.jsonl")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                ROWS.put(o.get("id").getAsString(), o);
            }
        }
    }

    private static String convert(String id) {
        return Nl4Opt.formulation(ROWS.get(id));
    }

    @Test
    void objectiveLinearAndXy() {
        // "sled dog" and "truck" are mentions of the variables "sled dogs" and "trucks"
        assertThat(convert("nl4opt-test-1117636837")).isEqualTo("""
                variables: sled dogs, trucks
                maximize: 100 sled dogs + 300 trucks
                constraints:
                50 sled dogs + 100 trucks <= 1000
                sled dogs <= trucks""");
    }

    @Test
    void upperboundAndSum() {
        assertThat(convert("nl4opt-test-1884763091")).isEqualTo("""
                variables: color printers, black and white printers
                maximize: 200 color printers + 70 black and white printers
                constraints:
                color printers <= 20
                black and white printers <= 30
                color printers + black and white printers <= 35""");
    }

    @Test
    void lowerboundAndXbyWithAWordParameter() {
        // xby "at least a third": senior >= 1/3 junior
        assertThat(convert("nl4opt-test--1394927728")).isEqualTo("""
                variables: senior accountants, junior accountants
                minimize: 3000 senior accountants + 1000 junior accountants
                constraints:
                senior accountants + junior accountants >= 100
                senior accountants >= 5
                senior accountants >= 1/3 junior accountants
                3000 senior accountants + 1000 junior accountants <= 150000""");
    }

    @Test
    void objvarAndRatioWithAPercentage() {
        // vars is ["freight", "air", "air"] in the source: the duplicate is dropped; "freight trip" is freight
        assertThat(convert("nl4opt-test-358766780")).isEqualTo("""
                variables: freight, air
                minimize: freight + air
                constraints:
                5 freight + 3 air >= 200
                300 freight + 550 air <= 20000
                air >= 0.3 (freight + air)
                freight >= 5""");
    }

    @Test
    void aMentionWhoseOrderMappingIsWrongStillNamesItsVariable() {
        // order_mapping says "train": 1 (trams); the mention is the singular of "trains"
        assertThat(convert("nl4opt-test-1695786577")).isEqualTo("""
                variables: trains, trams
                minimize: trains + trams
                constraints:
                120 trains + 30 trams >= 600
                trams >= 2 trains""");
    }

    @Test
    void anEmptyTermListIsWrittenAsZero() {
        assertThat(convert("nl4opt-dev--1379231929")).isEqualTo("""
                variables: remote, urban branches
                minimize: remote + urban branches
                constraints:
                2 remote + 7 urban branches <= 550
                0 >= 1200""");
    }

    @Test
    void numbersAsTheLayoutWritesThem() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("1000", "1000");
        cases.put("250,000", "250000");
        cases.put("0.30", "0.3");
        cases.put("2.50", "2.5");
        cases.put("40%", "0.4");
        cases.put("35 percent", "0.35");
        cases.put("fifteen percent", "0.15");
        cases.put("thirty percent", "0.3");
        cases.put("twice", "2");
        cases.put("thrice", "3");
        cases.put("three times", "3");
        cases.put("1.5 times", "1.5");
        cases.put("Four", "4");
        cases.put("half", "0.5");
        cases.put("third", "1/3");
        cases.put("a third", "1/3");
        cases.put("one hundred thousand", "100000");
        cases.put("8000 minutes", "8000");
        cases.forEach((raw, expected) -> assertThat(Nl4Opt.number(raw)).as(raw).isEqualTo(expected));
        assertThatThrownBy(() -> Nl4Opt.number("several")).hasMessageContaining("'several' is not a number");
        assertThatThrownBy(() -> Nl4Opt.number("third%")).hasMessageContaining("is not a number");
    }

    @Test
    void whatTheLayoutDoesNotCoverIsAnErrorNamingProblemDeclarationAndField() {
        JsonObject type = ROWS.get("nl4opt-test-1117636837").deepCopy();
        type.getAsJsonArray("const_declarations").get(1).getAsJsonObject().addProperty("type", "xyz");
        assertThatThrownBy(() -> Nl4Opt.formulation(type)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NL4OPT problem nl4opt-test-1117636837, constraint 2, field 'type': 'xyz' is not one of");

        JsonObject op = ROWS.get("nl4opt-test-1117636837").deepCopy();
        op.getAsJsonArray("const_declarations").get(0).getAsJsonObject().addProperty("operator", "EQUAL");
        assertThatThrownBy(() -> Nl4Opt.formulation(op)).hasMessageContaining("constraint 1, field 'operator'");

        JsonObject direction = ROWS.get("nl4opt-test-1117636837").deepCopy();
        direction.getAsJsonObject("obj_declaration").addProperty("direction", "optimise");
        assertThatThrownBy(() -> Nl4Opt.formulation(direction))
                .hasMessageContaining("the objective, field 'direction': 'optimise'");

        JsonObject mention = ROWS.get("nl4opt-test-1117636837").deepCopy();
        mention.getAsJsonArray("const_declarations").get(1).getAsJsonObject().addProperty("y_var", "boats");
        assertThatThrownBy(() -> Nl4Opt.formulation(mention))
                .hasMessageContaining("constraint 2, field 'y_var': mention 'boats' names none of the variables "
                        + "[sled dogs, trucks]");

        JsonObject number = ROWS.get("nl4opt-test-1884763091").deepCopy();
        number.getAsJsonArray("const_declarations").get(2).getAsJsonObject().addProperty("limit", "lots");
        assertThatThrownBy(() -> Nl4Opt.formulation(number))
                .hasMessageContaining("constraint 3, field 'limit': 'lots' is not a number");
    }

    @Test
    void readGivesDocumentAndFormulationAndErrorsNameTheLine() throws IOException {
        Path f = dir.resolve("dev.jsonl");
        Files.writeString(f, ROWS.get("nl4opt-test-1117636837") + "\n" + ROWS.get("nl4opt-test-1695786577") + "\n",
                StandardCharsets.UTF_8);
        Dataset d = Nl4Opt.read(f);
        assertThat(d.size()).isEqualTo(2);
        Sample s = d.get(0);
        assertThat(s.id()).isEqualTo("nl4opt-test-1117636837");
        assertThat(s.inputs().keySet()).containsExactly("document");
        assertThat(s.input("document")).startsWith("A fishery wants to transport their catch.");
        assertThat(s.target()).isEqualTo(convert("nl4opt-test-1117636837"));
        assertThat(s.origin()).isEqualTo(Origin.REAL);
        assertThat(Nl4Opt.isProblem(ROWS.get("nl4opt-test-1117636837"))).isTrue();

        JsonObject broken = ROWS.get("nl4opt-test-1884763091").deepCopy();
        broken.remove("document");
        Path g = dir.resolve("bad.jsonl");
        Files.writeString(g, ROWS.get("nl4opt-test-1117636837") + "\n" + broken + "\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Nl4Opt.read(g)).isInstanceOf(GoldException.class)
                .hasMessageContaining(g + " line 2: no text in field 'document'");
    }
}
