package io.github.goldkd.core.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.goldkd.core.GoldException;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading text and JSON files with errors a person can act on: the file, the line and the reason, in one
 * line. The JDK's own messages lose the reason ({@code NoSuchFileException} says only the path), and
 * Gson's span several lines with a link.
 */
public final class TextFiles {

    /** Gson's position suffix: " at line 3 column 7 path $.labels" (then, since 2.11, a troubleshooting link). */
    private static final Pattern GSON_POSITION = Pattern.compile("^(.*?) at line (\\d+) column (\\d+) path (\\S+)");

    private TextFiles() {
    }

    /**
     * Reads a whole file as UTF-8 text (a leading byte order mark is dropped).
     *
     * @throws GoldException naming the file and the reason (not found, permission denied, ...), or the line
     *                       of the first byte that is not UTF-8
     */
    public static String read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new GoldException("cannot read " + file + ": " + reason(e), e);
        }
        // A strict decoder: new String(bytes, UTF_8) would replace bad bytes silently.
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new GoldException(String.format("%s line %d: not valid UTF-8 text (byte 0x%02X at byte offset %d); "
                    + "save the file as UTF-8", file, line, bytes[at] & 0xFF, at));
        }
        out.flip();
        String s = out.toString();
        return s.startsWith("\uFEFF") ? s.substring(1) : s; // a byte order mark, as spreadsheet programs write
    }

    /**
     * Parses {@code content}, read from {@code file}, as one JSON value.
     *
     * @throws GoldException in one line naming the file, the line and column, and what is wrong
     */
    public static JsonElement parseJson(Path file, String content) {
        try {
            return JsonParser.parseString(content);
        } catch (JsonParseException e) {
            Position p = position(e);
            throw new GoldException(file + (p.line > 0 ? " line " + p.line + ", column " + p.column : "")
                    + ": not valid JSON (" + p.reason + ")", e);
        }
    }

    /** Parses one line of a JSON Lines file; the error message holds the column and the reason, no line. */
    static JsonElement parseLine(String line) {
        try {
            return JsonParser.parseString(line);
        } catch (JsonParseException e) {
            Position p = position(e);
            throw new JsonParseException("not valid JSON (" + p.reason + (p.column > 0 ? " at column " + p.column
                    : "") + ")", e);
        }
    }

    /**
     * Why a file operation failed, in words: "not found", "permission denied", "not a directory", ... The
     * JDK's {@link NoSuchFileException} and its siblings carry only the path as their message.
     */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "not found";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists" + (((FileSystemException) e).getReason() == null ? ""
                    : " (" + ((FileSystemException) e).getReason() + ")");
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (e instanceof FileSystemException fse) {
            if (fse.getReason() != null) {
                return fse.getReason();
            }
            return e.getClass().getSimpleName().replaceAll("Exception$", "").replaceAll("([a-z])([A-Z])", "$1 $2")
                    .toLowerCase(java.util.Locale.ROOT);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private record Position(String reason, int line, int column) {
    }

    /** The first line of Gson's deepest message, split into reason, line and column. */
    private static Position position(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && t.getCause().getMessage() != null) {
            t = t.getCause();
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof EOFException) {
            msg = "unexpected end of the text" + msg.replaceFirst("^End of input", "");
        }
        msg = msg.lines().findFirst().orElse("").strip();
        Matcher m = GSON_POSITION.matcher(msg);
        if (m.find()) {
            String path = m.group(4);
            return new Position(m.group(1) + ("$".equals(path) ? "" : ", at " + path), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)));
        }
        return new Position(msg, 0, 0);
    }
}
