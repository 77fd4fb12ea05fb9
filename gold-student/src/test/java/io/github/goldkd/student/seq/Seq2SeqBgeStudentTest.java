package io.github.goldkd.student.seq;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.core.metric.Metrics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static io.github.goldkd.student.seq.Seq2SeqStudentTest.assertSameLogits;
import static io.github.goldkd.student.seq.Seq2SeqStudentTest.energy;
import static io.github.goldkd.student.seq.Seq2SeqStudentTest.ranking;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The seq2seq student on frozen bge token states ({@link Seq2SeqConfig.Encoder#FROZEN_BGE}): the slot tags follow
 * bge's word pieces, it learns the synthetic math task of {@link Seq2SeqStudentTest} to the same level, its logits
 * ignore padding, save/load reproduce it, and student files written before the option load as from scratch.
 */
class Seq2SeqBgeStudentTest {

    static final Seq2SeqConfig BGE_CONFIG = Seq2SeqStudentTest.MATH_CONFIG.toBuilder()
            .encoder(Seq2SeqConfig.Encoder.FROZEN_BGE).build();
    static final Dataset TRAIN = Seq2SeqStudentTest.MATH_TRAIN;
    static final Dataset TEST = Seq2SeqStudentTest.MATH_TEST;

    static Seq2SeqStudent student;
    static String stdout;

    @BeforeAll
    static void train() {
        stdout = SeqStudentFixture.printedBy(
                () -> student = SeqStudentFixture.trained(BGE_CONFIG, SeqToyData.MATH, TRAIN, 8));
    }

    @Test
    void slotTagsMarkEveryWordPieceOfEachNumberInBgesTokenisation() {
        Sample s = Sample.withTarget("tags", Map.of("body", "Tom paid $1,200 for 3.5 kg and 7 pens.",
                "question", "How much per kg?"), "( 1200.0 / 3.5 )", List.of("342.857"), Origin.REAL);
        MathCodec codec = (MathCodec) student.codec();
        SeqCodec.Source src;
        try (BgeTokenStates bge = BgeTokenStates.create(1)) {
            src = BgeMathSources.source(codec, bge, s, 128);
        }
        assertThat(src.numbers()).containsExactly(1200.0, 3.5, 7.0);
        assertThat(src.numbers()).containsExactly(codec.source(s, 128).numbers());
        assertThat(src.tokens().get(0)).isEqualTo("[CLS]");
        assertThat(src.tokens().get(src.length() - 1)).isEqualTo("[SEP]");
        assertThat(src.states().length()).isEqualTo(src.length());
        StringBuilder slot0 = new StringBuilder();
        StringBuilder slot1 = new StringBuilder();
        StringBuilder slot2 = new StringBuilder();
        for (int i = 0; i < src.length(); i++) {
            String piece = src.tokens().get(i).replace("##", "");
            switch (src.ids()[i]) {
                case 1 -> slot0.append(piece);
                case 2 -> slot1.append(piece);
                case 3 -> slot2.append(piece);
                case BgeMathSources.WORD -> assertThat(piece).doesNotContainPattern("\\d");
                default -> throw new AssertionError("unexpected tag " + src.ids()[i] + " on " + piece);
            }
        }
        // bge splits 1,200 and 3.5 into several pieces: all of them carry their number's slot
        assertThat(slot0.toString()).isEqualTo("1,200");
        assertThat(slot1.toString()).isEqualTo("3.5");
        assertThat(slot2.toString()).isEqualTo("7");
        // the target is written over the same slots as from scratch
        assertThat(codec.target(s, src, 32)).containsExactly(codec.target(s, codec.source(s, 128), 32));
    }

    @Test
    void learnsSyntheticArithmeticOnUnseenNumbersToTheLevelOfTheFromScratchStudent() {
        // the same data, epochs and level as Seq2SeqStudentTest.mathLearnsSyntheticArithmeticOnUnseenNumbers
        assertThat(student.score(TEST, Metrics.executionAccuracy())).isGreaterThanOrEqualTo(0.9);
        List<String> beam = student.predict(TEST.samples(), 3);
        assertThat(Metrics.executionAccuracy().score(beam, TEST.samples().stream().map(Sample::references)
                .toList())).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void theHostEncoderAndDecoderComputeTheGraphsLogitsAndDecodeAsTheGraphDoes() {
        // predictions encode on the host (projection of the bge states, slot tags, encoder layers): the logits of
        // every target position equal the graph's, and decoding a chunk equals the graph decoding each alone
        List<Sample> probe = new java.util.ArrayList<>(TEST.samples().subList(0, 6));
        probe.add(Sample.withTarget("empty", Map.of("body", "", "question", ""), "( 1.0 + 1.0 )", List.of("2.0"),
                Origin.REAL));
        int compared = 0;
        for (Sample s : probe.subList(0, 4)) {
            Logits graph = student.logits(List.of(s)).get(0);
            float[][] host = student.incrementalLogits(s);
            assertThat(host.length).as(s.id() + " positions").isEqualTo(graph.realPositions());
            for (int t = 0; t < host.length; t++) {
                assertThat(host[t]).as(s.id() + " position " + t).containsExactly(graph.row(t), within(1e-4f));
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(10);
        assertThat(student.predict(probe, 3)).isEqualTo(student.predictEachAlone(probe, 3));
    }

    @Test
    void theSameProblemPaddedToTwoLengthsHasTheSameEnergy() {
        Sample shortOne = TEST.get(0);
        // a longer problem pads the short one's bge source and its target in a shared batch
        Sample longOne = Sample.withTarget("long", Map.of("body", "tom has 12 apples and gets 30 more apples from "
                        + "his aunt who lives far away in the big old house by the river .",
                "question", "how many apples does tom have now , counting every one of them ?"),
                "( ( 12.0 + 30.0 ) - ( 12.0 - 30.0 ) )", List.of("24.0"), Origin.REAL);
        Logits alone = student.logits(List.of(shortOne)).get(0);
        Logits padded = student.logits(List.of(longOne, shortOne)).get(1);
        assertThat(padded.positions()).isGreaterThan(alone.realPositions());
        assertThat(energy(padded)).isCloseTo(energy(alone), within(1e-4));
        assertThat(energy(alone)).isFinite();
    }

    @Test
    void saveAndLoadRecordTheEncoderAndGiveIdenticalLogitsAndPredictions(@TempDir Path dir) {
        Path file = dir.resolve("bge.zip");
        SeqStudentFixture.Printed<Seq2SeqStudent> loaded = SeqStudentFixture.printing(() -> {
            student.save(file);
            return Seq2SeqStudent.factory().load(file);
        });
        assertThat(loaded.stdout()).isEmpty();
        Seq2SeqStudent back = loaded.value();
        assertThat(back.config()).isEqualTo(BGE_CONFIG);
        List<Sample> probe = TEST.samples().subList(0, 6);
        assertSameLogits(student.logits(probe), back.logits(probe));
        assertThat(ranking(back.logits(probe))).isEqualTo(ranking(student.logits(probe)));
        assertThat(back.predict(probe)).isEqualTo(student.predict(probe));
        io.github.goldkd.core.Student byPath = io.github.goldkd.student.Students.load(file);
        assertSameLogits(student.logits(probe), byPath.logits(probe));
    }

    @Test
    void aStudentFileWrittenBeforeTheEncoderOptionLoadsAsFromScratch(@TempDir Path dir) throws IOException {
        Seq2SeqStudent scratch = Seq2SeqStudent.factory(Seq2SeqStudentTest.MATH_CONFIG).create(SeqToyData.MATH,
                TrainingOptions.defaults(4));
        scratch.fit(TRAIN.head(32), 1, 1);
        Path file = dir.resolve("new.zip");
        scratch.save(file);
        Path old = dir.resolve("old.zip");
        withoutEncoder(file, old);
        Seq2SeqStudent back = Seq2SeqStudent.factory().load(old);
        assertThat(back.config().encoder()).isEqualTo(Seq2SeqConfig.Encoder.FROM_SCRATCH);
        assertThat(back.config()).isEqualTo(Seq2SeqStudentTest.MATH_CONFIG);
        List<Sample> probe = TEST.samples().subList(0, 4);
        assertSameLogits(scratch.logits(probe), back.logits(probe));
    }

    /** Copies a student file with the {@code encoder} setting removed from its student.json (the old layout). */
    private static void withoutEncoder(Path from, Path to) throws IOException {
        boolean found = false;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(from));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                byte[] bytes = in.readAllBytes();
                if (e.getName().equals("student.json")) {
                    JsonObject meta = new Gson().fromJson(new String(bytes, StandardCharsets.UTF_8), JsonObject.class);
                    found = meta.getAsJsonObject("config").remove("encoder") != null;
                    bytes = new Gson().toJson(meta).getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        assertThat(found).as("student.json records the encoder").isTrue();
    }

    @Test
    void libraryCodeWritesNothingToStandardOutput() {
        assertThat(stdout).isEmpty();
    }

    @Test
    void clearErrors() {
        assertThatThrownBy(() -> Seq2SeqStudentTest.MATH_CONFIG.toBuilder().encoder(null).build())
                .hasMessageContaining("encoder must be FROM_SCRATCH or FROZEN_BGE");
        assertThatThrownBy(() -> Seq2SeqStudentTest.MATH_CONFIG.toBuilder().encoderLayers(0).build())
                .hasMessageContaining("encoderLayers must be >= 1 (>= 0 with encoder FROZEN_BGE)");
        assertThat(BGE_CONFIG.toBuilder().encoderLayers(0).build().encoderLayers()).isZero();
        Seq2SeqConfig textBge = Seq2SeqStudentTest.TEXT_CONFIG.toBuilder()
                .encoder(Seq2SeqConfig.Encoder.FROZEN_BGE).build();
        assertThatThrownBy(() -> Seq2SeqStudent.factory(textBge).create(SeqToyData.TEXT, TrainingOptions.defaults(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encoder FROZEN_BGE is for MATH_WORD_PROBLEM");
        assertThat(Seq2SeqConfig.defaults(TaskKind.MATH_WORD_PROBLEM).encoder())
                .isEqualTo(Seq2SeqConfig.Encoder.FROM_SCRATCH);
    }
}
