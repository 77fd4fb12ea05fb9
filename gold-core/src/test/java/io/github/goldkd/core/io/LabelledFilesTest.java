package io.github.goldkd.core.io;

import com.google.gson.JsonObject;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelledFilesTest {

    @TempDir
    Path dir;

    private static final List<String> HARD_TEXTS = List.of(
            "plain ascii",
            "comma, inside, a field",
            "a \"quoted\" word and a lone \" quote",
            "two\nlines",
            "windows\r\nline break",
            "日本語のレビュー：とても良い。",
            "Ελληνικά και עברית و العربية",
            "emoji 👍🏽 and combining e\u0301",
            "tab\tinside",
            "  leading and trailing spaces  ",
            "");

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    // ---------------------------------------------------------------- JSONL

    @Test
    void jsonlDefaultsReadTextLabelAndId() throws IOException {
        Path f = write("reviews.jsonl", """
                {"id":"a1","text":"Great food.","label":"positive"}

                {"text":"Cold soup.","label":"negative"}
                """);
        Dataset d = LabelledFiles.jsonl().read(f);
        assertThat(d.size()).isEqualTo(2);
        assertThat(d.get(0)).isEqualTo(new Sample("a1", Map.of("text", "Great food."), "positive", null, Origin.REAL, -1));
        // no id field: <file stem>-<line>, the blank line counts
        assertThat(d.get(1).id()).isEqualTo("reviews-3");
        assertThat(d.get(1).inputs()).containsExactly(Map.entry("text", "Cold soup."));
        assertThat(d.get(1).origin()).isEqualTo(Origin.REAL);
        assertThat(d.get(1).round()).isEqualTo(-1);
    }

    @Test
    void jsonlConfiguredFieldsLabelMapAndNumericLabels() throws IOException {
        Path f = write("s.jsonl", """
                {"uid":7,"sentence":"Loved it","polarity":1}
                {"uid":8,"sentence":"Hated it","polarity":"0"}
                """);
        Dataset d = LabelledFiles.jsonl().text("sentence").label("polarity").id("uid")
                .labelMap(Map.of("1", "positive", "0", "negative"))
                .allowedLabels(List.of("negative", "positive"))
                .read(f);
        assertThat(d.samples()).extracting(Sample::id).containsExactly("7", "8");
        assertThat(d.samples()).extracting(Sample::label).containsExactly("positive", "negative");
        assertThat(d.samples()).extracting(Sample::text).containsExactly("Loved it", "Hated it");
    }

    @Test
    void jsonlUnknownLabelNamesFileLineAndAllowedLabels() throws IOException {
        Path f = write("bad.jsonl", """
                {"text":"ok","label":"1"}
                {"text":"ok too","label":"2"}
                """);
        assertThatThrownBy(() -> LabelledFiles.jsonl().labelMap(Map.of("1", "positive", "0", "negative"))
                .allowedLabels(List.of("negative", "positive")).read(f))
                .isInstanceOf(GoldException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("line 2")
                .hasMessageContaining("unknown label '2'")
                .hasMessageContaining("[negative, positive]");
    }

    @Test
    void jsonlMappedUnknownLabelShowsRawValue() throws IOException {
        Path f = write("m.jsonl", "{\"text\":\"x\",\"label\":\"neutral\"}\n");
        assertThatThrownBy(() -> LabelledFiles.jsonl().labelMap(Map.of("neutral", "meh"))
                .allowedLabels(List.of("negative", "positive")).read(f))
                .hasMessageContaining("line 1").hasMessageContaining("'meh'").hasMessageContaining("raw value 'neutral'");
    }

    @Test
    void jsonlErrorsNameFileLineAndReason() throws IOException {
        Path notJson = write("a.jsonl", "{\"text\":\"x\",\"label\":\"p\"}\n{\"text\": \"unclosed\n");
        assertThatThrownBy(() -> LabelledFiles.jsonl().read(notJson))
                .isInstanceOf(GoldException.class).hasMessageContaining(notJson + " line 2: not valid JSON");

        Path array = write("b.jsonl", "[1,2]\n");
        assertThatThrownBy(() -> LabelledFiles.jsonl().read(array)).hasMessageContaining("line 1: expected a JSON object");

        Path noText = write("c.jsonl", "{\"text\":\"x\",\"label\":\"p\"}\n{\"body\":\"x\",\"label\":\"p\"}\n");
        assertThatThrownBy(() -> LabelledFiles.jsonl().read(noText))
                .hasMessageContaining("line 2: no field 'text'").hasMessageContaining("[body, label]");

        Path noLabel = write("d.jsonl", "{\"text\":\"x\"}\n");
        assertThatThrownBy(() -> LabelledFiles.jsonl().read(noLabel)).hasMessageContaining("line 1: no label field 'label'");

        Path nullLabel = write("e.jsonl", "{\"text\":\"x\",\"label\":null}\n");
        assertThatThrownBy(() -> LabelledFiles.jsonl().read(nullLabel)).hasMessageContaining("line 1: no label field");

        Path emptyLabel = write("f.jsonl", "{\"text\":\"x\",\"label\":\"  \"}\n");
        assertThatThrownBy(() -> LabelledFiles.jsonl().read(emptyLabel)).hasMessageContaining("line 1: empty label");

        Path objText = write("g.jsonl", "{\"text\":{\"a\":1},\"label\":\"p\"}\n");
        assertThatThrownBy(() -> LabelledFiles.jsonl().read(objText))
                .hasMessageContaining("line 1: field 'text' must be a string or number, found an object");

        Path dupId = write("h.jsonl", "{\"id\":\"x\",\"text\":\"a\",\"label\":\"p\"}\n{\"id\":\"x\",\"text\":\"b\",\"label\":\"p\"}\n");
        assertThatThrownBy(() -> LabelledFiles.jsonl().read(dupId))
                .hasMessageContaining("line 2: duplicate id 'x', first used on line 1");
    }

    @Test
    void invalidUtf8IsReported() throws IOException {
        Path f = dir.resolve("latin1.jsonl");
        Files.write(f, "{\"text\":\"caf\u00e9\",\"label\":\"p\"}\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> LabelledFiles.jsonl().read(f))
                .isInstanceOf(GoldException.class).hasMessageContaining("not valid UTF-8");
    }

    @Test
    void missingFileIsReported() {
        Path f = dir.resolve("nope.jsonl");
        assertThatThrownBy(() -> LabelledFiles.jsonl().read(f))
                .isInstanceOf(GoldException.class).hasMessageContaining("cannot read").hasMessageContaining("nope.jsonl");
    }

    @Test
    void jsonlRoundTripsHardTexts() {
        Path f = dir.resolve("hard.jsonl");
        List<JsonObject> rows = new ArrayList<>();
        for (int i = 0; i < HARD_TEXTS.size(); i++) {
            JsonObject o = new JsonObject();
            o.addProperty("id", "h" + i);
            o.addProperty("text", HARD_TEXTS.get(i));
            o.addProperty("label", i % 2 == 0 ? "positive" : "négatif");
            rows.add(o);
        }
        Jsonl.write(f, rows, o -> o);
        Dataset d = LabelledFiles.jsonl().read(f);
        assertThat(d.samples()).extracting(Sample::text).containsExactlyElementsOf(HARD_TEXTS);
        assertThat(d.get(1).label()).isEqualTo("négatif");
    }

    // ---------------------------------------------------------------- CSV

    @Test
    void csvReadsRfc4180Quoting() throws IOException {
        Path f = write("reviews.csv", "id,text,label\r\n"
                + "1,\"Good, cheap, fast\",positive\r\n"
                + "2,\"She said \"\"never again\"\"\",negative\r\n"
                + "3,\"first line\nsecond line\",negative\r\n"
                + ",plain,positive\r\n"
                + "5,\"\",positive\r\n");
        Dataset d = LabelledFiles.csv().read(f);
        assertThat(d.samples()).extracting(Sample::text).containsExactly(
                "Good, cheap, fast", "She said \"never again\"", "first line\nsecond line", "plain", "");
        assertThat(d.samples()).extracting(Sample::label)
                .containsExactly("positive", "negative", "negative", "positive", "positive");
        // an empty id cell falls back to <stem>-<line>; the record on line 4 spans two lines, so this one is on line 6
        assertThat(d.samples()).extracting(Sample::id).containsExactly("1", "2", "3", "reviews-6", "5");
    }

    @Test
    void csvColumnMappingForTaskOrdersInputsAsTheTask() throws IOException {
        Task nli = new Task("rte", TaskKind.CLASSIFICATION, "", List.of("premise", "hypothesis"),
                List.of(new Label("yes", ""), new Label("no", "")), List.of());
        // columns in the file in the other order, and label values needing a map
        Path f = write("dev.csv", "gold,h,p\nentailment,A dog runs.,A dog is running fast.\nnot_entailment,A cat,A dog\n");
        Dataset d = LabelledFiles.csv().input("hypothesis", "h").input("premise", "p").label("gold")
                .labelMap(Map.of("entailment", "yes", "not_entailment", "no")).forTask(nli).read(f);
        assertThat(d.get(0).inputs().keySet()).containsExactly("premise", "hypothesis");
        assertThat(d.get(0).input("premise")).isEqualTo("A dog is running fast.");
        assertThat(d.get(0).label()).isEqualTo("yes");
        assertThat(d.get(1).label()).isEqualTo("no");
        assertThat(d.get(1).id()).isEqualTo("dev-3");

        // forTask makes the task's labels the allowed ones
        Path bad = write("dev2.csv", "gold,h,p\nneutral,x,y\n");
        assertThatThrownBy(() -> LabelledFiles.csv().input("hypothesis", "h").input("premise", "p").label("gold")
                .forTask(nli).read(bad)).hasMessageContaining("line 2: unknown label 'neutral', allowed: [yes, no]");

        // a mapping that does not cover the task's fields is refused
        assertThatThrownBy(() -> LabelledFiles.csv().input("premise", "p").forTask(nli).read(f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differ from task 'rte' input fields [premise, hypothesis]");
    }

    @Test
    void csvWithoutExplicitMappingUsesTaskFieldNames() throws IOException {
        Task t = new Task("t", TaskKind.CLASSIFICATION, "", List.of("question", "passage"),
                List.of(new Label("a", ""), new Label("b", "")), List.of());
        Path f = write("x.csv", "passage,label,question\nP1,a,Q1\n");
        Sample s = LabelledFiles.csv().forTask(t).read(f).get(0);
        assertThat(s.inputs()).containsExactly(Map.entry("question", "Q1"), Map.entry("passage", "P1"));
    }

    @Test
    void csvErrorsNameFileLineAndReason() throws IOException {
        Path unclosed = write("u.csv", "text,label\nok,p\n\"never closed,p\nmore,p\n");
        assertThatThrownBy(() -> LabelledFiles.csv().read(unclosed))
                .isInstanceOf(GoldException.class)
                .hasMessageContaining(unclosed + " line 3: quoted field 1 is not closed");

        Path afterQuote = write("a.csv", "text,label\n\"ok\"x,p\n");
        assertThatThrownBy(() -> LabelledFiles.csv().read(afterQuote))
                .hasMessageContaining("line 2: unexpected character 'x' after the closing quote of field 1");

        Path stray = write("s.csv", "text,label\nhe said \"hi\",p\n");
        assertThatThrownBy(() -> LabelledFiles.csv().read(stray))
                .hasMessageContaining("line 2: quote inside unquoted field 1");

        Path count = write("c.csv", "text,label\n\"multi\nline\",p\na,b,c\n");
        assertThatThrownBy(() -> LabelledFiles.csv().read(count))
                .hasMessageContaining("line 4: expected 2 fields as in the header, found 3");

        Path noColumn = write("n.csv", "sentence,label\nx,p\n");
        assertThatThrownBy(() -> LabelledFiles.csv().read(noColumn))
                .hasMessageContaining("line 1: the header has no column 'text', columns: [sentence, label]");

        Path dupHeader = write("d.csv", "text,text,label\nx,y,p\n");
        assertThatThrownBy(() -> LabelledFiles.csv().read(dupHeader))
                .hasMessageContaining("line 1: column 'text' appears twice");

        Path empty = write("e.csv", "");
        assertThatThrownBy(() -> LabelledFiles.csv().read(empty)).hasMessageContaining("line 1: no header row");
    }

    @Test
    void csvHeaderOnlyAndBlankLinesAndBom() throws IOException {
        assertThat(LabelledFiles.csv().read(write("h.csv", "text,label\n")).isEmpty()).isTrue();
        Path f = write("b.csv", "\uFEFFtext,label\n\nx,p\n\ny,q");
        Dataset d = LabelledFiles.csv().read(f);
        assertThat(d.samples()).extracting(Sample::text).containsExactly("x", "y");
        assertThat(d.samples()).extracting(Sample::id).containsExactly("b-3", "b-5");
    }

    @Test
    void csvOtherDelimiter() throws IOException {
        Path f = write("semi.csv", "text;label\n\"a;b\";p\n");
        assertThat(LabelledFiles.csv().delimiter(';').read(f).get(0).text()).isEqualTo("a;b");
    }

    @Test
    void csvRoundTripsHardTexts() throws IOException {
        StringBuilder sb = new StringBuilder("id,text,label\r\n");
        for (int i = 0; i < HARD_TEXTS.size(); i++) {
            sb.append("h").append(i).append(',').append(csvQuote(HARD_TEXTS.get(i))).append(',')
                    .append(i % 2 == 0 ? "positive" : "\"négatif, vraiment\"").append("\r\n");
        }
        Dataset d = LabelledFiles.csv().read(write("hard.csv", sb.toString()));
        assertThat(d.samples()).extracting(Sample::text).containsExactlyElementsOf(HARD_TEXTS);
        assertThat(d.samples()).extracting(Sample::id).containsExactly(
                "h0", "h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9", "h10");
        assertThat(d.get(1).label()).isEqualTo("négatif, vraiment");
    }

    private static String csvQuote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    // ---------------------------------------------------------------- TSV

    @Test
    void tsvGlueLayoutKeepsBareQuotes() throws IOException {
        // SST-2 style: no quoting, quote characters are part of the text
        Path f = write("train.tsv", "sentence\tlabel\nit 's a \"charming\" film \t1\n\"quoted start\t0\n");
        Dataset d = LabelledFiles.tsv().text("sentence").labelMap(Map.of("1", "positive", "0", "negative")).read(f);
        assertThat(d.samples()).extracting(Sample::text).containsExactly("it 's a \"charming\" film ", "\"quoted start");
        assertThat(d.samples()).extracting(Sample::label).containsExactly("positive", "negative");
        assertThat(d.samples()).extracting(Sample::id).containsExactly("train-2", "train-3");
    }

    @Test
    void tsvFieldCountErrorMentionsQuotingOff() throws IOException {
        Path f = write("bad.tsv", "text\tlabel\na\tb\tc\n");
        assertThatThrownBy(() -> LabelledFiles.tsv().read(f))
                .hasMessageContaining("line 2: expected 2 fields as in the header, found 3")
                .hasMessageContaining("quoting is off");
    }

    @Test
    void tsvWithQuotingRoundTripsHardTexts() throws IOException {
        StringBuilder sb = new StringBuilder("text\tlabel\n");
        for (String t : HARD_TEXTS) {
            sb.append(csvQuote(t)).append("\tx\n");
        }
        Dataset d = LabelledFiles.tsv().quoting(true).read(write("q.tsv", sb.toString()));
        assertThat(d.samples()).extracting(Sample::text).containsExactlyElementsOf(HARD_TEXTS);
    }

    // ---------------------------------------------------------------- API

    @Test
    void forFileChoosesByExtension() throws IOException {
        Path j = write("a.JSONL", "{\"text\":\"t\",\"label\":\"l\"}\n");
        Path c = write("a.csv", "text,label\n\"t,u\",l\n");
        Path t = write("a.tsv", "text\tlabel\n\"t\tl\n");
        assertThat(LabelledFiles.forFile(j).read(j).get(0).text()).isEqualTo("t");
        assertThat(LabelledFiles.forFile(c).read(c).get(0).text()).isEqualTo("t,u");
        assertThat(LabelledFiles.forFile(t).read(t).get(0).text()).isEqualTo("\"t");
        assertThatThrownBy(() -> LabelledFiles.forFile(dir.resolve("a.txt")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a.txt").hasMessageContaining(".jsonl");
    }

    @Test
    void readNamesTheFileOnceAndReadsItForTheTask() throws IOException {
        Task nli = new Task("rte", TaskKind.CLASSIFICATION, "", List.of("premise", "hypothesis"),
                List.of(new Label("yes", ""), new Label("no", "")), List.of());
        Path j = write("pairs.jsonl", "{\"hypothesis\":\"h\",\"premise\":\"p\",\"label\":\"no\"}\n");
        Path c = write("pairs.csv", "label,premise,hypothesis\nyes,\"p, q\",h\n");
        Dataset fromJsonl = LabelledFiles.read(j, nli);
        assertThat(fromJsonl.samples()).isEqualTo(LabelledFiles.forFile(j).forTask(nli).read(j).samples());
        assertThat(fromJsonl.get(0).inputs().keySet()).containsExactly("premise", "hypothesis");
        assertThat(fromJsonl.get(0).label()).isEqualTo("no");
        assertThat(LabelledFiles.read(c, nli).get(0).input("premise")).isEqualTo("p, q");
        // the task's labels are the allowed ones
        Path bad = write("bad.jsonl", "{\"hypothesis\":\"h\",\"premise\":\"p\",\"label\":\"maybe\"}\n");
        assertThatThrownBy(() -> LabelledFiles.read(bad, nli)).isInstanceOf(GoldException.class)
                .hasMessageContaining("bad.jsonl").hasMessageContaining("maybe");
        assertThatThrownBy(() -> LabelledFiles.read(dir.resolve("a.txt"), nli))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a.txt").hasMessageContaining(".jsonl");
    }

    @Test
    void loaderIsImmutableAndValidatesSettings() throws IOException {
        LabelledFiles.Loader base = LabelledFiles.jsonl();
        LabelledFiles.Loader other = base.text("sentence");
        Path f = write("x.jsonl", "{\"text\":\"t\",\"sentence\":\"s\",\"label\":\"l\"}\n");
        assertThat(base.read(f).get(0).text()).isEqualTo("t");
        assertThat(other.read(f).get(0).text()).isEqualTo("s");

        // Settings are refused as settings (IllegalArgumentException), unlike a file's bad content (GoldException).
        assertThatThrownBy(() -> base.label(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("label column must be a non-blank name, was ' '");
        assertThatThrownBy(() -> base.input("a", "x").input("a", "y")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input field 'a' is already mapped to column 'x'");
        assertThatThrownBy(() -> base.allowedLabels(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowedLabels must not be empty");
        assertThatThrownBy(() -> base.labelMap(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("labelMap is required, was null");
        assertThatThrownBy(() -> base.quoting(true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("quoting applies to CSV and TSV files only, not JSON Lines");
        assertThatThrownBy(() -> LabelledFiles.csv().delimiter('"')).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delimiter must not be a quote or a line break, was '\"'");
    }

    @Test
    void delimitedParserTracksLinesAcrossLineBreakStyles() {
        List<LabelledFiles.Row> rows = LabelledFiles.Delimited.parse(Path.of("x"),
                "a,b\r\n\"1\r\n2\",3\r4,5\n6,\"7\n\n8\"\n9,10", ',', true);
        assertThat(rows).extracting(LabelledFiles.Row::line).containsExactly(1, 2, 4, 5, 8);
        assertThat(rows.get(1).fields()).containsExactly("1\r\n2", "3");
        assertThat(rows.get(3).fields()).containsExactly("6", "7\n\n8");
        assertThat(rows.get(4).fields()).containsExactly("9", "10");
    }

    // ---------------------------------------------------------------- sequence tasks

    private static final Task QA = Task.sequence("qa", TaskKind.EXTRACTIVE_QA, "", List.of("context", "question"),
            null, List.of());
    private static final Task MATH = Task.sequence("math", TaskKind.MATH_WORD_PROBLEM, "", List.of("body", "question"),
            null, List.of());
    private static final Task GEN = Task.sequence("gen", TaskKind.TEXT_GENERATION, "", List.of("document"),
            "formulation", List.of());

    @Test
    void squadStyleJsonlTakesTheFirstAnswerAsTargetAndEveryAnswerAsReference() throws IOException {
        Path f = write("normans.jsonl", """
                {"id":"q1","title":"Normans","context":"Rollo led the Normans in France.","question":"Who led them?","answers":["Rollo","Rollo led"],"answer_start":0}
                {"id":"q2","title":"Normans","context":"Rollo led the Normans in France.","question":"Where?","answers":["France"]}
                """);
        Dataset d = LabelledFiles.jsonl().forTask(QA).read(f);
        assertThat(d.get(0)).isEqualTo(new Sample("q1", Map.of("context", "Rollo led the Normans in France.",
                "question", "Who led them?"), null, "Rollo", Origin.REAL, -1, List.of("Rollo", "Rollo led"), 0));
        assertThat(d.get(0).inputs().keySet()).containsExactly("context", "question");
        assertThat(d.get(0).label()).isNull();
        assertThat(d.get(1).target()).isEqualTo("France");
        assertThat(d.get(1).references()).containsExactly("France");
    }

    @Test
    void squadsAnswerStartIsTheTargetsPlaceAndMustPointAtIt() throws IOException {
        Path f = write("twice.jsonl", """
                {"id":"q1","context":"Rome, then Rome again.","question":"Which?","answers":["Rome"],"answer_start":11}
                {"id":"q2","context":"Rome, then Rome again.","question":"Which?","answers":["Rome"]}
                """);
        Dataset d = LabelledFiles.jsonl().forTask(QA).read(f);
        assertThat(d.samples()).extracting(Sample::targetStart).containsExactly(11, -1);
        Path wrong = write("wrong.jsonl", """
                {"id":"q1","context":"Rome, then Rome again.","question":"Which?","answers":["Rome"],"answer_start":3}
                """);
        assertThatThrownBy(() -> LabelledFiles.jsonl().forTask(QA).read(wrong)).isInstanceOf(GoldException.class)
                .hasMessageContaining("line 1").hasMessageContaining("field 'answer_start' (3) does not point at the "
                        + "answer 'Rome' in input 'context'");
        Path notNumber = write("nan.jsonl", """
                {"id":"q1","context":"Rome, then Rome again.","question":"Which?","answers":["Rome"],"answer_start":"x"}
                """);
        assertThatThrownBy(() -> LabelledFiles.jsonl().forTask(QA).read(notNumber))
                .hasMessageContaining("field 'answer_start' must be a character offset (an integer >= 0), was 'x'");
    }

    @Test
    void theOutputFieldWinsOverTargetAndReferencesWinOverAnswers() throws IOException {
        Path f = write("qa.jsonl", """
                {"context":"a b c d","question":"q","answer":"c","target":"b","answers":["d"]}
                {"context":"a b c d","question":"q","target":"b","references":["b","a b"],"answers":["d"]}
                {"context":"a b c d","question":"q","target":"d","label":"ignored"}
                """);
        Dataset d = LabelledFiles.jsonl().forTask(QA).read(f);
        assertThat(d.get(0).target()).isEqualTo("c");
        assertThat(d.get(0).references()).containsExactly("d");
        assertThat(d.get(1).target()).isEqualTo("b");
        assertThat(d.get(1).references()).containsExactly("b", "a b");
        assertThat(d.get(2).target()).isEqualTo("d");
        assertThat(d.get(2).label()).isNull();
        assertThat(d.get(2).id()).isEqualTo("qa-3");
    }

    @Test
    void mathTakesTheEquationAsTargetAndTheNumericAnswerAsReference() throws IOException {
        Path f = write("svamp.jsonl", """
                {"id":"chal-1","body":"Each pack costs 76 dollars. If there is a discount of 25 dollars","question":"How much?","equation":"( 76.0 - 25.0 )","answer":51.0,"type":"Subtraction"}
                {"id":"m2","body":"b","question":"q","equation":"( 1.0 + 2.0 )"}
                """);
        Dataset d = LabelledFiles.jsonl().forTask(MATH).read(f);
        assertThat(d.get(0).target()).isEqualTo("( 76.0 - 25.0 )");
        assertThat(d.get(0).references()).containsExactly("51.0");
        assertThat(d.get(0).inputs().keySet()).containsExactly("body", "question");
        // no answer: the equation itself is the reference (its value is what execution accuracy compares)
        assertThat(d.get(1).references()).containsExactly("( 1.0 + 2.0 )");

        Path bad = write("bad.jsonl", "{\"body\":\"b\",\"question\":\"q\",\"equation\":\"1+2\",\"answer\":\"three\"}\n");
        assertThatThrownBy(() -> LabelledFiles.jsonl().forTask(MATH).read(bad)).isInstanceOf(GoldException.class)
                .hasMessageContaining(bad + " line 1: field 'answer' must be a number").hasMessageContaining("'three'");

        // a task whose output field is 'answer' reads the answer as the target, not as a reference
        Task answerIsOutput = Task.sequence("m", TaskKind.MATH_WORD_PROBLEM, "", List.of("body", "question"),
                "answer", List.of());
        Path one = write("one.jsonl", "{\"body\":\"b\",\"question\":\"q\",\"equation\":\"( 76.0 - 25.0 )\",\"answer\":51.0}\n");
        Sample s = LabelledFiles.jsonl().forTask(answerIsOutput).read(one).get(0);
        assertThat(s.target()).isEqualTo("51.0");
        assertThat(s.references()).containsExactly("51.0");
    }

    @Test
    void generationReadsItsNamedOutputFieldFromJsonlAndCsv() throws IOException {
        Path j = write("g.jsonl", "{\"id\":\"n1\",\"document\":\"Maximize x.\",\"formulation\":\"variables: x\\nmaximize: x\"}\n");
        Sample s = LabelledFiles.jsonl().forTask(GEN).read(j).get(0);
        assertThat(s.target()).isEqualTo("variables: x\nmaximize: x");
        assertThat(s.inputs()).containsExactly(Map.entry("document", "Maximize x."));

        Path c = write("g.csv", "id,document,formulation\nn1,\"Maximize x, y.\",\"maximize: x + y\"\n");
        Sample cs = LabelledFiles.csv().forTask(GEN).read(c).get(0);
        assertThat(cs.target()).isEqualTo("maximize: x + y");
        assertThat(cs.input("document")).isEqualTo("Maximize x, y.");

        Path m = write("m.csv", "body,question,equation,answer\nb,q,( 2.0 * 3.0 ),6\n");
        Sample ms = LabelledFiles.csv().forTask(MATH).read(m).get(0);
        assertThat(ms.target()).isEqualTo("( 2.0 * 3.0 )");
        assertThat(ms.references()).containsExactly("6");
    }

    @Test
    void sequenceErrorsNameFileLineAndField() throws IOException {
        Path noTarget = write("a.jsonl", "{\"context\":\"x y\",\"question\":\"q\",\"title\":\"t\"}\n");
        assertThatThrownBy(() -> LabelledFiles.jsonl().forTask(QA).read(noTarget)).isInstanceOf(GoldException.class)
                .hasMessageContaining(noTarget + " line 1: no target: no field 'answer', 'target', 'answers' or "
                        + "'references', fields: [context, question, title]");

        Path empty = write("b.jsonl", "{\"document\":\"d\",\"formulation\":\"  \"}\n");
        assertThatThrownBy(() -> LabelledFiles.jsonl().forTask(GEN).read(empty))
                .hasMessageContaining("line 1: empty target in 'formulation'");

        Path noAnswers = write("c.jsonl", "{\"context\":\"x\",\"question\":\"q\"}\n");
        assertThatThrownBy(() -> LabelledFiles.jsonl().forTask(QA).read(noAnswers))
                .hasMessageContaining("line 1: no target");
        Path emptyList = write("d.jsonl", "{\"context\":\"x\",\"question\":\"q\",\"answers\":[]}\n");
        assertThatThrownBy(() -> LabelledFiles.jsonl().forTask(QA).read(emptyList))
                .hasMessageContaining("line 1: field 'answers' is an empty list");
        Path emptyItem = write("e.jsonl", "{\"context\":\"x\",\"question\":\"q\",\"answers\":[\"x\",\"\"]}\n");
        assertThatThrownBy(() -> LabelledFiles.jsonl().forTask(QA).read(emptyItem))
                .hasMessageContaining("line 1: field 'answers' item 2 is empty");
        Path objectItem = write("f.jsonl", "{\"context\":\"x\",\"question\":\"q\",\"answers\":[{\"text\":\"x\"}]}\n");
        assertThatThrownBy(() -> LabelledFiles.jsonl().forTask(QA).read(objectItem))
                .hasMessageContaining("line 1: field 'answers' must be a list of strings");

        Path notSpan2 = write("h.jsonl", "{\"context\":\"Rollo led\",\"question\":\"q\",\"answers\":[\"rollo\"]}\n");
        assertThatThrownBy(() -> LabelledFiles.jsonl().forTask(QA).read(notSpan2))
                .hasMessageContaining("line 1: the answer 'rollo' (field 'answers') is not a span of input 'context'");

        Path dupId = write("i.jsonl", "{\"id\":\"x\",\"document\":\"d\",\"formulation\":\"f\"}\n"
                + "{\"id\":\"x\",\"document\":\"d\",\"formulation\":\"f\"}\n");
        assertThatThrownBy(() -> LabelledFiles.jsonl().forTask(GEN).read(dupId))
                .hasMessageContaining("line 2: duplicate id 'x', first used on line 1");
    }

    @Test
    void sequenceSamplesWrittenByTheRunStoreReadBack() {
        Path f = dir.resolve("samples.jsonl");
        List<Sample> samples = List.of(
                Sample.withTarget("r1", Map.of("context", "a b c", "question", "q"), "b", List.of("b", "b c"), Origin.TRAIN),
                Sample.withTarget("r2", Map.of("context", "a b c", "question", "q2"), "c", List.of(), Origin.TRAIN));
        SampleJson.write(f, samples);
        Dataset d = LabelledFiles.jsonl().forTask(QA).read(f);
        assertThat(d.samples()).extracting(Sample::target).containsExactly("b", "c");
        assertThat(d.get(0).references()).containsExactly("b", "b c");
        assertThat(d.get(1).references()).containsExactly("c");
        assertThat(d.samples()).extracting(Sample::origin).containsOnly(Origin.REAL);
    }
}
