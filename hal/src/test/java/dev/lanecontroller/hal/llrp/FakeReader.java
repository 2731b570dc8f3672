package dev.lanecontroller.hal.llrp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * The reader's side of LLRP, driven step by step by a test: raw bytes out (the fixtures), messages
 * in (decoded here with nothing but a ByteBuffer, so the client's framing is checked, not trusted).
 */
final class FakeReader implements AutoCloseable {
    /** READER_EVENT_NOTIFICATION: ReaderEventNotificationData(UTCTimestamp, ConnectionAttemptEvent status 0). */
    static final String CONNECTION_ACCEPTED = "043F 00000020 00000000 00F6 0016 0080 000C 0005F8A1B2C3D4E5 0100 0006 0000";
    /** The same with status 4: another client holds the reader. */
    static final String CONNECTION_REFUSED = "043F 00000020 00000000 00F6 0016 0080 000C 0005F8A1B2C3D4E5 0100 0006 0004";
    /**
     * RO_ACCESS_REPORT of two tags: EPC-96 (TV) on antenna 2 at -60 dBm with a first-seen time,
     * and a 96-bit EPCData (TLV) on antenna 1 at -90 dBm.
     */
    static final String REPORT_TWO_TAGS = "043D 00000044 00000007"
            + " 00F0 001F 8D E28011606000020A1B2C3D4E 81 0002 86 C4 82 0005F8A1B2C3D4E5"
            + " 00F0 001B 00F1 0012 0060 300833B2DDD9014000000001 81 0001 86 A6";
    /** The TagReportData says 0x40 bytes, the message holds fewer. */
    static final String REPORT_OVERRUN = "043D 00000020 00000008 00F0 0040 8D E28011606000020A1B2C3D4E 81 0002 86 C4";
    /** A TV type that does not exist (0x7F) inside a TagReportData. */
    static final String REPORT_UNKNOWN_TV = "043D 00000014 00000009 00F0 000A FF 0001 86 C4 00";
    static final String KEEPALIVE_42 = "043E 0000000A 0000002A";
    /** RO_ACCESS_REPORT of one EPC-96 tag on antenna 2 with a C1G2ReadOpSpecResult: success, OpSpec 1, six words of TID. */
    static final String REPORT_TAG_WITH_TID = "043D 00000033 0000000B"
            + " 00F0 0029 8D E28011606000020A1B2C3D4E 81 0002 015D 0015 00 0001 0006 E2801160200012345678ABCD";
    /** The same whose read failed: result 2 (no response from tag), no words. */
    static final String REPORT_TAG_TID_UNREAD = "043D 00000027 0000000C"
            + " 00F0 001D 8D E28011606000020A1B2C3D4E 81 0002 015D 0009 02 0001 0000";
    /** READER_EVENT_NOTIFICATION: ReaderEventNotificationData(UTCTimestamp, AntennaEvent: antenna 2 disconnected). */
    static final String ANTENNA_2_DISCONNECTED = "043F 00000021 00000010 00F6 0017 0080 000C 0005F8A1B2C3D4E5 00FF 0007 00 0002";
    static final String ANTENNA_2_CONNECTED = "043F 00000021 00000011 00F6 0017 0080 000C 0005F8A1B2C3D4E5 00FF 0007 01 0002";
    /** Antenna 3 is not the lane's (its antennas are 1 and 2): the next lane's business. */
    static final String ANTENNA_3_DISCONNECTED = "043F 00000021 00000012 00F6 0017 0080 000C 0005F8A1B2C3D4E5 00FF 0007 00 0003";
    /** GET_READER_CONFIG_RESPONSE's AntennaProperties: antenna 1 connected, antenna 2 not (gain 0). */
    static final String ANTENNA_1_UP_2_DOWN = "00DD 0009 80 0001 0000 00DD 0009 00 0002 0000";
    /** The ADD_ACCESSSPEC the client must send to read six words of every tag's TID (LLRP 1.0.1 §11, §15.2.1.3). */
    static final String ADD_ACCESSSPEC_BODY_TID_6_WORDS = "00CF 003E 000006A6 0000 01 00 000006A5 00D0 0007 00 0000"
            + " 00D1 0022 0152 000F 0153 000B 60 0000 0000 0000 0155 000F 0001 00000000 80 0000 0006 00EF 0005 00";
    /** The ADD_ROSPEC the client must send for antennas 1 and 2 (LLRP 1.0.1 §10.2.1, §16.2.4.x). */
    static final String ADD_ROSPEC_BODY_ANTENNAS_1_2 = "00B1 0043 000006A5 00 00"
            + " 00B2 0012 00B3 0005 00 00B6 0009 00 00000000"
            + " 00B7 001A 0002 0001 0002 00B8 0009 00 00000000 00BA 0007 0001 01"
            + " 00ED 000D 01 0001 00EE 0006 1600";

    private final ServerSocket server;
    private Socket client;
    private InputStream in;
    private OutputStream out;

    FakeReader() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        server.setSoTimeout(10_000);
    }

    int port() {
        return server.getLocalPort();
    }

    void accept() throws IOException {
        client = server.accept();
        client.setSoTimeout(10_000);
        in = client.getInputStream();
        out = client.getOutputStream();
    }

    static byte[] hex(String spaced) {
        return HexFormat.of().parseHex(spaced.replace(" ", ""));
    }

    void send(String spacedHex) throws IOException {
        out.write(hex(spacedHex));
        out.flush();
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    record Received(int type, long id, byte[] body) {}

    Received receive() throws IOException {
        ByteBuffer header = ByteBuffer.wrap(in.readNBytes(10));
        int first = Short.toUnsignedInt(header.getShort());
        assertEquals(1, (first >> 10) & 7, "LLRP version 1");
        int length = header.getInt();
        long id = Integer.toUnsignedLong(header.getInt());
        return new Received(first & 0x3FF, id, in.readNBytes(length - 10));
    }

    /** Receives a request of the given type and answers it with M_Success. */
    Received answer(int requestType, int responseType) throws IOException {
        return answer(requestType, responseType, "");
    }

    /** The same, with these parameters after the LLRPStatus. */
    Received answer(int requestType, int responseType, String moreParametersHex) throws IOException {
        Received request = receive();
        assertEquals(requestType, request.type(), "message type");
        byte[] more = hex(moreParametersHex);
        ByteBuffer response = ByteBuffer.allocate(18 + more.length).putShort((short) (0x0400 | responseType)).putInt(18 + more.length)
                .putInt((int) request.id()).putShort((short) 287).putShort((short) 8).putShort((short) 0).putShort((short) 0).put(more);
        out.write(response.array());
        out.flush();
        return request;
    }

    /** The client's whole set-up, answered; returns the ADD_ROSPEC it sent. */
    Received handshake() throws IOException {
        return handshake(null, "");
    }

    /**
     * The same for a client that reads TIDs ({@code accessSpec} receives the ADD_ACCESSSPEC it sent;
     * null when it must send none), answering GET_READER_CONFIG with {@code antennaPropertiesHex}.
     */
    Received handshake(java.util.function.Consumer<Received> accessSpec, String antennaPropertiesHex) throws IOException {
        send(CONNECTION_ACCEPTED);
        Received config = answer(LlrpMessage.SET_READER_CONFIG, LlrpMessage.SET_READER_CONFIG_RESPONSE);
        assertEquals("80" + "00F4000B" + "00F500070008" + "80" + "00DC0009010000" + "03E8", HexFormat.of().withUpperCase().formatHex(config.body()),
                "reset to factory defaults; antenna events (EventNotificationState type 8, on); keepalive periodic every 1000 ms");
        Received deleteAccess = answer(LlrpMessage.DELETE_ACCESSSPEC, LlrpMessage.DELETE_ACCESSSPEC_RESPONSE);
        assertEquals("00000000", HexFormat.of().formatHex(deleteAccess.body()), "every AccessSpec");
        Received delete = answer(LlrpMessage.DELETE_ROSPEC, LlrpMessage.DELETE_ROSPEC_RESPONSE);
        assertEquals("00000000", HexFormat.of().formatHex(delete.body()), "every ROSpec");
        Received add = answer(LlrpMessage.ADD_ROSPEC, LlrpMessage.ADD_ROSPEC_RESPONSE);
        if (accessSpec != null) {
            accessSpec.accept(answer(LlrpMessage.ADD_ACCESSSPEC, LlrpMessage.ADD_ACCESSSPEC_RESPONSE));
            Received enableAccess = answer(LlrpMessage.ENABLE_ACCESSSPEC, LlrpMessage.ENABLE_ACCESSSPEC_RESPONSE);
            assertEquals("000006a6", HexFormat.of().formatHex(enableAccess.body()));
        }
        Received enable = answer(LlrpMessage.ENABLE_ROSPEC, LlrpMessage.ENABLE_ROSPEC_RESPONSE);
        assertEquals("000006a5", HexFormat.of().formatHex(enable.body()));
        answer(LlrpMessage.START_ROSPEC, LlrpMessage.START_ROSPEC_RESPONSE);
        Received antennas = answer(LlrpMessage.GET_READER_CONFIG, LlrpMessage.GET_READER_CONFIG_RESPONSE, antennaPropertiesHex);
        assertEquals("00000200000000", HexFormat.of().formatHex(antennas.body()), "AntennaProperties of every antenna");
        assertEquals(LlrpMessage.ENABLE_EVENTS_AND_REPORTS, receive().type());
        return add;
    }

    void drop() throws IOException {
        client.close();
    }

    @Override
    public void close() throws IOException {
        if (client != null) {
            client.close();
        }
        server.close();
    }
}
