package dev.lanecontroller.cli;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;

/**
 * A fixed reader for whole-lane tests: greets, accepts every set-up request, beats a keepalive
 * every 500 ms, and reports the tags it is told to, as an Impinj-class reader would.
 */
final class FakeLlrpServer implements AutoCloseable {
    private static final int HEADER_BYTES = 10;
    private static final long BODY_BYTES_MAX = 1 << 20;
    // Message types, LLRP 1.0.1 section 16.1.
    private static final int GET_READER_CONFIG = 2;
    private static final int GET_READER_CONFIG_RESPONSE = 12;
    private static final int DELETE_ACCESSSPEC = 41;
    private static final int DELETE_ACCESSSPEC_RESPONSE = 51;
    private static final int SET_READER_CONFIG = 3;
    private static final int SET_READER_CONFIG_RESPONSE = 13;
    private static final int ADD_ROSPEC = 20;
    private static final int DELETE_ROSPEC = 21;
    private static final int START_ROSPEC = 22;
    private static final int ENABLE_ROSPEC = 24;
    private static final int ADD_ROSPEC_RESPONSE = 30;
    private static final int DELETE_ROSPEC_RESPONSE = 31;
    private static final int START_ROSPEC_RESPONSE = 32;
    private static final int ENABLE_ROSPEC_RESPONSE = 34;
    private static final int RO_ACCESS_REPORT = 61;
    private static final int KEEPALIVE = 62;
    private static final int READER_EVENT_NOTIFICATION = 63;
    private static final int ENABLE_EVENTS_AND_REPORTS = 64;

    private final ServerSocket server;
    private final Thread thread;
    private volatile Socket client;
    private volatile OutputStream out;
    private volatile boolean running = true;
    private volatile boolean started;
    private volatile boolean answersSetUp = true;
    private long nextId = 1_000;

    FakeLlrpServer() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "fake-llrp");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** With false, the reader keeps sending keepalives but never answers ADD_ROSPEC (a reader that hangs in its set-up). */
    void answerSetUp(boolean answers) {
        answersSetUp = answers;
    }

    /** The lane's ROSpec was started: reports reach it from now on. */
    boolean started() {
        return started;
    }

    private void serve() {
        try (Socket socket = server.accept()) {
            client = socket;
            out = socket.getOutputStream();
            send(READER_EVENT_NOTIFICATION, 0, hex("00F6 0016 0080 000C 0005F8A1B2C3D4E5 0100 0006 0000"));
            Thread keepalive = new Thread(() -> {
                while (running) {
                    try {
                        Thread.sleep(500);
                        send(KEEPALIVE, nextId(), new byte[0]);
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            }, "fake-llrp-keepalive");
            keepalive.setDaemon(true);
            keepalive.start();
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            while (running) {
                // The LLRP 1.0.1 header, read here from the standard, not with the driver's own codec:
                // 3 reserved bits, 3 bits of version, 10 of message type; a 32-bit length that counts
                // the 10-byte header; a 32-bit message id.
                int versionAndType = in.readUnsignedShort();
                int type = versionAndType & 0x3FF;
                long length = in.readInt() & 0xFFFFFFFFL;
                long id = in.readInt() & 0xFFFFFFFFL;
                if (length < HEADER_BYTES || length > BODY_BYTES_MAX) {
                    return; // not a reader's business to survive a broken client
                }
                in.readFully(new byte[(int) (length - HEADER_BYTES)]);
                int response = switch (type) {
                    case GET_READER_CONFIG -> GET_READER_CONFIG_RESPONSE;
                    case SET_READER_CONFIG -> SET_READER_CONFIG_RESPONSE;
                    case DELETE_ACCESSSPEC -> DELETE_ACCESSSPEC_RESPONSE;
                    case DELETE_ROSPEC -> DELETE_ROSPEC_RESPONSE;
                    case ADD_ROSPEC -> ADD_ROSPEC_RESPONSE;
                    case ENABLE_ROSPEC -> ENABLE_ROSPEC_RESPONSE;
                    case START_ROSPEC -> START_ROSPEC_RESPONSE;
                    default -> -1;
                };
                if (response > 0 && (answersSetUp || type != ADD_ROSPEC)) {
                    send(response, id, hex("011F 0008 0000 0000")); // LLRPStatus: M_Success
                }
                if (type == ENABLE_EVENTS_AND_REPORTS) {
                    started = true;
                }
            }
        } catch (IOException | RuntimeException e) {
            // The lane closed the connection, or the test ended.
        }
    }

    /** One RO_ACCESS_REPORT with these tags, on antenna 1 at -50 dBm. */
    void report(List<String> epcs) throws IOException {
        ByteBuffer body = ByteBuffer.allocate(epcs.size() * 160);
        for (String epc : epcs) {
            byte[] bytes = HexFormat.of().parseHex(epc.length() % 2 == 0 ? epc : epc + "0");
            ByteBuffer tag = ByteBuffer.allocate(4 + 6 + bytes.length + 3 + 2);
            tag.putShort((short) 240).putShort((short) tag.capacity());
            tag.putShort((short) 241).putShort((short) (6 + bytes.length)).putShort((short) (epc.length() * 4)).put(bytes);
            tag.put((byte) 0x81).putShort((short) 1).put((byte) 0x86).put((byte) -50);
            body.put(tag.array());
        }
        byte[] bytes = new byte[body.position()];
        body.flip().get(bytes);
        send(RO_ACCESS_REPORT, nextId(), bytes);
    }

    private synchronized long nextId() {
        return nextId++;
    }

    private synchronized void send(int type, long id, byte[] body) throws IOException {
        OutputStream stream = out;
        if (stream != null) {
            ByteBuffer message = ByteBuffer.allocate(HEADER_BYTES + body.length);
            message.putShort((short) ((1 << 10) | type)).putInt(HEADER_BYTES + body.length).putInt((int) id).put(body);
            stream.write(message.array());
            stream.flush();
        }
    }

    private static byte[] hex(String spaced) {
        return HexFormat.of().parseHex(spaced.replace(" ", ""));
    }

    @Override
    public void close() throws IOException {
        running = false;
        Socket socket = client;
        if (socket != null) {
            socket.close();
        }
        server.close();
    }
}
