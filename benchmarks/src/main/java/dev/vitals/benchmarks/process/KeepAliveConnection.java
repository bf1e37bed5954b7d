package dev.vitals.benchmarks.process;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One persistent HTTP/1.1 connection that sends {@code GET}s and reads whole responses
 * ({@code Content-Length} or chunked bodies). Plain sockets rather than an HTTP client library, so
 * the load generator's connections are exactly the ones asked for and its own overhead is small.
 *
 * <p>Threading: one thread per connection.
 */
final class KeepAliveConnection implements AutoCloseable {

    /** Longest status or header line accepted: bounds what a broken server can make us buffer. */
    private static final int MAX_LINE_BYTES = 16 * 1024;

    /** Connect and read timeout: a stuck server fails the figure instead of hanging the run. */
    private static final int TIMEOUT_MILLIS = 10_000;

    private final URI base;
    private final String token;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    /**
     * @param base {@code http://host:port/}
     * @param token sent as {@code Authorization: Bearer}, or null
     */
    KeepAliveConnection(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /** Sends {@code GET path} and reads the whole response; reconnects once if the server had closed the connection. */
    Response get(String path) throws IOException {
        if (socket == null) {
            connect();
        }
        try {
            return exchange(path);
        } catch (EOFException | SocketException e) {
            // A keep-alive connection the server closed while idle: open a new one, once.
            close();
            connect();
            return exchange(path);
        }
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), TIMEOUT_MILLIS);
        in = new BufferedInputStream(socket.getInputStream());
        out = new BufferedOutputStream(socket.getOutputStream());
    }

    private Response exchange(String path) throws IOException {
        StringBuilder request = new StringBuilder(160)
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
        if (token != null) {
            request.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        request.append("\r\n");
        out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();

        String statusLine = readLine();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        long contentLength = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        for (String header = readLine(); !header.isEmpty(); header = readLine()) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closeAfter = value.equalsIgnoreCase("close");
                default -> {
                }
            }
        }
        body.reset();
        if (chunked) {
            readChunked();
        } else if (contentLength >= 0) {
            copy(contentLength);
        } else {
            // Neither: the body runs to the end of the connection.
            in.transferTo(body);
            closeAfter = true;
        }
        if (closeAfter) {
            close();
        }
        return new Response(status, body.toString(StandardCharsets.UTF_8));
    }

    private void readChunked() throws IOException {
        while (true) {
            String sizeLine = readLine();
            int extension = sizeLine.indexOf(';');
            long size = Long.parseLong((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
            if (size == 0) {
                // Trailers, then the empty line that ends the message.
                while (!readLine().isEmpty()) {
                    // skipped
                }
                return;
            }
            copy(size);
            readLine();
        }
    }

    private void copy(long bytes) throws IOException {
        byte[] buffer = new byte[8192];
        long left = bytes;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new EOFException("connection closed with " + left + " body bytes to go");
            }
            body.write(buffer, 0, read);
            left -= read;
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed");
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            if (line.length() >= MAX_LINE_BYTES) {
                throw new IOException("HTTP line longer than " + MAX_LINE_BYTES + " bytes");
            }
            line.append((char) b);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Nothing to do: the connection is gone either way.
            }
            socket = null;
        }
    }

    /** A response: its status and its body as text. */
    record Response(int status, String body) {
    }
}
