package io.github.goldkd.llm;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A minimal HTTP/1.1 server on loopback that keeps connections alive but closes one that stays idle longer
 * than {@code idleMillis}, without a word to the client: what uvicorn (vLLM's server) does when its
 * keep-alive timeout runs out. MockWebServer cannot close a connection on an idle timer, hence this one.
 * It answers every POST with 200 and the JSON that {@code answer} makes of the request body.
 */
final class IdleClosingServer implements AutoCloseable {

    private final ServerSocket serverSocket;
    private final int idleMillis;
    private final UnaryOperator<String> answer;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "idle-closing-server");
        t.setDaemon(true);
        return t;
    });
    /** Connections accepted. */
    final AtomicInteger connections = new AtomicInteger();
    /** Requests answered. */
    final AtomicInteger requests = new AtomicInteger();
    /** Connections this server closed because they were idle too long. */
    final AtomicInteger idleCloses = new AtomicInteger();

    IdleClosingServer(int idleMillis, UnaryOperator<String> answer) throws IOException {
        this.idleMillis = idleMillis;
        this.answer = answer;
        this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    /** The base URL of the OpenAI-style API. */
    String baseUrl() {
        return "http://" + serverSocket.getInetAddress().getHostAddress() + ":" + serverSocket.getLocalPort() + "/v1";
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket s = serverSocket.accept();
                connections.incrementAndGet();
                threads.execute(() -> serve(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                socket.setSoTimeout(idleMillis);
                String requestLine;
                try {
                    requestLine = readLine(in);
                } catch (SocketTimeoutException idle) {
                    idleCloses.incrementAndGet();
                    return; // closes the socket: a FIN, and nothing else the client could notice
                } catch (EOFException clientClosed) {
                    return;
                }
                socket.setSoTimeout(10_000);
                int length = 0;
                for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring("content-length:".length()).trim());
                    }
                }
                byte[] body = in.readNBytes(length);
                if (!requestLine.startsWith("POST ")) {
                    throw new IOException("unexpected request " + requestLine);
                }
                byte[] answerBytes = answer.apply(new String(body, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                        + answerBytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(answerBytes);
                out.flush();
                requests.incrementAndGet();
            }
        } catch (IOException e) {
            // the client went away mid-request: nothing to answer
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("connection closed by the client");
            }
            line.write(c);
        }
        String s = line.toString(StandardCharsets.US_ASCII);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        threads.shutdownNow();
    }
}
