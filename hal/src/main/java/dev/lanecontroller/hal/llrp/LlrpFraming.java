package dev.lanecontroller.hal.llrp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * LLRP's message framing: a 10-byte header (3 reserved bits, version 1, a 10-bit type; the whole
 * message's length; its id) and the body. A length that cannot be right leaves the stream
 * unreadable from there on: the caller drops the connection.
 */
final class LlrpFraming {
    public static final int HEADER_BYTES = 10;
    /** A report of a few hundred tags is tens of kilobytes; more than this is not a reader talking. */
    public static final int MESSAGE_BYTES_MAX = 1 << 20;
    static final int VERSION = 1;

    private LlrpFraming() {}

    public static byte[] encode(LlrpMessage message) {
        byte[] body = message.body();
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + body.length);
        out.putShort((short) ((VERSION << 10) | message.type()));
        out.putInt(HEADER_BYTES + body.length);
        out.putInt((int) message.id());
        out.put(body);
        return out.array();
    }

    /** The next message; EOFException at a clean end of stream, LlrpException on a bad header. */
    public static LlrpMessage read(InputStream in) throws IOException, LlrpException {
        byte[] header = in.readNBytes(HEADER_BYTES);
        if (header.length == 0) {
            throw new EOFException("the reader closed the connection");
        }
        if (header.length < HEADER_BYTES) {
            throw new LlrpException("truncated LLRP header: " + header.length + " of " + HEADER_BYTES + " bytes");
        }
        ByteBuffer head = ByteBuffer.wrap(header);
        int first = Short.toUnsignedInt(head.getShort());
        long length = Integer.toUnsignedLong(head.getInt());
        long id = Integer.toUnsignedLong(head.getInt());
        int version = (first >> 10) & 0x7;
        if (version != VERSION) {
            throw new LlrpException("LLRP version " + version + " (only version 1, LLRP 1.0.1, is spoken)");
        }
        if (length < HEADER_BYTES || length > MESSAGE_BYTES_MAX) {
            throw new LlrpException("LLRP message length " + length + " outside " + HEADER_BYTES + ".." + MESSAGE_BYTES_MAX);
        }
        byte[] body = in.readNBytes((int) length - HEADER_BYTES);
        if (body.length < length - HEADER_BYTES) {
            throw new LlrpException("truncated LLRP message: " + (HEADER_BYTES + body.length) + " of " + length + " bytes");
        }
        return new LlrpMessage(first & 0x3FF, id, body);
    }

    public static void write(OutputStream out, LlrpMessage message) throws IOException {
        out.write(encode(message));
        out.flush();
    }
}
