package io.github.goldkd.core.io;

import io.github.goldkd.core.GoldException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** File errors in words, UTF-8 errors with their line, JSON errors in one line. */
class TextFilesTest {

    @TempDir
    Path tmp;

    @Test
    void ioFailuresAreNamedInWordsNotByTheirPath() throws Exception {
        assertThat(TextFiles.reason(new NoSuchFileException("/x"))).isEqualTo("not found");
        assertThat(TextFiles.reason(new AccessDeniedException("/x"))).isEqualTo("permission denied");
        assertThat(TextFiles.reason(new NotDirectoryException("/x"))).isEqualTo("not a directory");
        assertThat(TextFiles.reason(new FileSystemException("/x", null, "No space left on device")))
                .isEqualTo("No space left on device");
        assertThat(TextFiles.reason(new IOException("stream closed"))).isEqualTo("stream closed");

        // the real thing: a path whose parent is a file
        Path file = tmp.resolve("plain.txt");
        Files.writeString(file, "x");
        IOException e = null;
        try {
            Files.createDirectories(file.resolve("sub"));
        } catch (IOException ex) {
            e = ex;
        }
        assertThat(e).isNotNull();
        assertThat(TextFiles.reason(e)).isIn("already exists", "not a directory", "Not a directory");
    }

    @Test
    void utf8ErrorsNameTheLineAndDropNothingSilently() throws Exception {
        Path f = tmp.resolve("data.jsonl");
        Files.write(f, "{\"a\":1}\n{\"a\":2}\n{\"a\":\"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> TextFiles.read(f)).isInstanceOf(GoldException.class)
                .hasMessage(f + " line 3: not valid UTF-8 text (byte 0xE9 at byte offset 25); save the file as UTF-8");
        // and through the JSON Lines reader, which used to say "Input length = 1"
        assertThatThrownBy(() -> Jsonl.read(f, o -> o, Jsonl.CutOffLastLine.FAIL))
                .hasMessageContaining(f + " line 3: not valid UTF-8 text");

        Files.write(f, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'h', 'i'});
        assertThat(TextFiles.read(f)).isEqualTo("hi");
    }

    @Test
    void brokenJsonLinesAreOneLineEach() throws Exception {
        Path f = tmp.resolve("bad.jsonl");
        Files.writeString(f, "{\"a\":1}\n{\"a\": [1, 2}\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Jsonl.read(f, o -> o, Jsonl.CutOffLastLine.FAIL))
                .satisfies(e -> assertThat(e.getMessage()).startsWith(f + " line 2: not valid JSON (")
                        .contains("at column").doesNotContain("\n").doesNotContain("http"));
    }
}
