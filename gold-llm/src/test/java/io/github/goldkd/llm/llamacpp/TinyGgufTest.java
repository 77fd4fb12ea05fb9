package io.github.goldkd.llm.llamacpp;

import io.github.goldkd.core.GoldException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TinyGgufTest {

    @TempDir
    Path dir;

    @Test
    void writesAGgufV3FileWhoseMetadataReadsBack() throws IOException {
        Path f = TinyGguf.builder().seed(3).embeddingLength(48).blockCount(1).chatTemplate("{{ x }}").build()
                .write(dir.resolve("a.gguf"));
        byte[] head = Files.readAllBytes(f);
        assertThat(new String(head, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("GGUF");
        assertThat(head.length % TinyGguf.ALIGNMENT).isZero();

        GgufMetadata m = GgufMetadata.read(f);
        assertThat(m.version()).isEqualTo(3);
        assertThat(m.architecture()).isEqualTo("llama");
        assertThat(m.values()).containsEntry("llama.embedding_length", 48L).containsEntry("llama.block_count", 1L)
                .containsEntry("llama.rope.dimension_count", 12L).containsEntry("tokenizer.ggml.model", "llama");
        assertThat(m.arrays()).containsEntry("tokenizer.ggml.tokens", (long) TinyGguf.vocabulary().size());
        assertThat(m.hasChatTemplate()).isTrue();
        assertThat(m.addsBos()).isTrue();
        assertThat(m.addsEos()).isFalse();
        // 21 tensors for one block: embeddings, output norm, output, and 9 per block.
        assertThat(Files.size(f)).isGreaterThan(4L * 48 * TinyGguf.vocabulary().size() * 2);
    }

    @Test
    void vocabularyHasSpecialTokensAndAllBytes() {
        assertThat(TinyGguf.vocabulary()).startsWith("<unk>", "<s>", "</s>", "<0x00>");
        assertThat(TinyGguf.vocabulary().get(3 + 255)).isEqualTo("<0xFF>");
        assertThat(TinyGguf.vocabulary()).doesNotHaveDuplicates();
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherWeights() throws IOException {
        byte[] a = Files.readAllBytes(TinyGguf.builder().seed(1).build().write(dir.resolve("a.gguf")));
        byte[] b = Files.readAllBytes(TinyGguf.builder().seed(1).build().write(dir.resolve("b.gguf")));
        byte[] c = Files.readAllBytes(TinyGguf.builder().seed(2).build().write(dir.resolve("c.gguf")));
        assertThat(a).isEqualTo(b);
        assertThat(c).hasSameSizeAs(a).isNotEqualTo(a);
    }

    @Test
    void builderNamesTheBadSetting() {
        assertThatThrownBy(() -> TinyGguf.builder().headCount(4).embeddingLength(30).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("embeddingLength")
                .hasMessageContaining("was 30");
        assertThatThrownBy(() -> TinyGguf.builder().headCountKv(3).build())
                .hasMessage("headCountKv must divide headCount (4), was 3");
    }

    @Test
    void metadataReaderExplainsWhatIsWrongWithAFile() throws IOException {
        Path notGguf = Files.writeString(dir.resolve("x.gguf"), "hello world, not a model");
        assertThatThrownBy(() -> GgufMetadata.read(notGguf)).isInstanceOf(GoldException.class)
                .hasMessageContaining("not a GGUF file");
        assertThatThrownBy(() -> GgufMetadata.read(dir.resolve("missing.gguf"))).isInstanceOf(GoldException.class)
                .hasMessageContaining("does not exist");
        Path full = TinyGguf.builder().build().write(dir.resolve("full.gguf"));
        byte[] bytes = Files.readAllBytes(full);
        Path cut = Files.write(dir.resolve("cut.gguf"), java.util.Arrays.copyOf(bytes, 200));
        assertThatThrownBy(() -> GgufMetadata.read(cut)).isInstanceOf(GoldException.class)
                .hasMessageContaining("truncated");
    }
}
