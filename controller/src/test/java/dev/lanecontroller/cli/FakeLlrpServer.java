package dev.lanecontroller.cli;

import dev.lanecontroller.hal.llrp.LlrpFraming;
import dev.lanecontroller.hal.llrp.LlrpMessage;
import java.io.BufferedInputStream;
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
    private final ServerSocket server;
    private final Thread thread;
    private volatile Socket client;
    private volatile OutputStream out;
    private volatile boolean running = true;
    private volatile boolean started;
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

    /** The lane's ROSpec was started: reports reach it from now on. */
    boolean started() {
        return started;
    }

    private void serve() {
        try (Socket socket = server.accept()) {
            client = socket;
            out = socket.getOutputStream();
            send(LlrpMessage.READER_EVENT_NOTIFICATION, 0, hex("00F6 0016 0080 000C 0005F8A1B2C3D4E5 0100 0006 0000"));
            Thread keepalive = new Thread(() -> {
                while (running) {
                    try {
                        Thread.sleep(500);
                        send(LlrpMessage.KEEPALIVE, nextId(), new byte[0]);
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            }, "fake-llrp-keepalive");
            keepalive.setDaemon(true);
            keepalive.start();
            BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
            while (running) {
                LlrpMessage request = LlrpFraming.read(in);
                int response = switch (request.type()) {
                    case LlrpMessage.SET_READER_CONFIG -> LlrpMessage.SET_READER_CONFIG_RESPONSE;
                    case LlrpMessage.DELETE_ROSPEC -> LlrpMessage.DELETE_ROSPEC_RESPONSE;
                    case LlrpMessage.ADD_ROSPEC -> LlrpMessage.ADD_ROSPEC_RESPONSE;
                    case LlrpMessage.ENABLE_ROSPEC -> LlrpMessage.ENABLE_ROSPEC_RESPONSE;
                    case LlrpMessage.START_ROSPEC -> LlrpMessage.START_ROSPEC_RESPONSE;
                    default -> -1;
                };
                if (response > 0) {
                    send(response, request.id(), hex("011F 0008 0000 0000"));
                }
                if (request.type() == LlrpMessage.ENABLE_EVENTS_AND_REPORTS) {
                    started = true;
                }
            }
        } catch (IOException | RuntimeException | dev.lanecontroller.hal.llrp.LlrpException e) {
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
        send(LlrpMessage.RO_ACCESS_REPORT, nextId(), bytes);
    }

    private synchronized long nextId() {
        return nextId++;
    }

    private synchronized void send(int type, long id, byte[] body) throws IOException {
        OutputStream stream = out;
        if (stream != null) {
            LlrpFraming.write(stream, new LlrpMessage(type, id, body));
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
