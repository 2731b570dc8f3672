package dev.lanecontroller.hal.llrp;

import dev.lanecontroller.hal.TagRead;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads what a reader sends: tag reports, the status in a response, the connection event. Every
 * length is checked against what encloses it; anything that does not add up is an {@link
 * LlrpException} naming where, never another exception.
 */
final class LlrpDecoder {
    static final int PARAM_ANTENNA_PROPERTIES = 221;
    static final int PARAM_TAG_REPORT_DATA = 240;
    static final int PARAM_EPC_DATA = 241;
    static final int PARAM_READER_EVENT_NOTIFICATION_DATA = 246;
    static final int PARAM_ANTENNA_EVENT = 255;
    static final int PARAM_CONNECTION_ATTEMPT_EVENT = 256;
    static final int PARAM_C1G2_READ_OP_SPEC_RESULT = 349;
    static final int PARAM_LLRP_STATUS = 287;
    static final int TV_ANTENNA_ID = 1;
    static final int TV_FIRST_SEEN_UTC = 2;
    static final int TV_PEAK_RSSI = 6;
    static final int TV_EPC_96 = 13;
    /** A report without a peak RSSI counts as the weakest read there is, so an RSSI threshold drops it. */
    public static final int RSSI_MISSING_DBM = -128;
    /** No real report carries more; a bound on the work one message can cause. */
    public static final int TAGS_PER_REPORT_MAX = 10_000;

    /** Value lengths of the TV parameters (LLRP 1.0.1 §17.2), by type; -1 for types that do not exist. */
    private static final int[] TV_VALUE_BYTES = {-1, 2, 8, 8, 8, 8, 1, 2, 2, 4, 2, 2, 2, 12, 2, 2, 4, 2, 4, 2, 2};

    /**
     * One tag in an RO_ACCESS_REPORT. {@code firstSeenUtcMicros} is 0 when the reader did not say;
     * {@code tidHex} is null unless the lane's AccessSpec read the TID of this tag.
     */
    public record TagReport(String epcHex, int antenna, int peakRssiDbm, long firstSeenUtcMicros, String tidHex) {
        public TagRead toTagRead() {
            return new TagRead(epcHex, tidHex, antenna, peakRssiDbm);
        }
    }

    /** An antenna connected or disconnected (an AntennaEvent, or the AntennaProperties of GET_READER_CONFIG). */
    public record AntennaState(int antenna, boolean connected) {}

    /** The LLRPStatus of a response: code 0 is M_Success. */
    public record Status(int code, String description) {
        public boolean ok() {
            return code == 0;
        }
    }

    /** A parameter found in a body: its type and where its value lies. */
    record Parameter(int type, int valueStart, int valueEnd) {}

    private LlrpDecoder() {}

    public static List<TagReport> tagReports(LlrpMessage report) throws LlrpException {
        if (report.type() != LlrpMessage.RO_ACCESS_REPORT) {
            throw new LlrpException("message type " + report.type() + " is not an RO_ACCESS_REPORT");
        }
        byte[] body = report.body();
        List<TagReport> tags = new ArrayList<>();
        for (Parameter data : parameters(body, 0, body.length)) {
            if (data.type() != PARAM_TAG_REPORT_DATA) {
                continue; // AccessSpec results, custom extensions: not a lane's business
            }
            if (tags.size() == TAGS_PER_REPORT_MAX) {
                throw new LlrpException("more than " + TAGS_PER_REPORT_MAX + " tags in one report");
            }
            tags.add(tagReport(body, data));
        }
        return tags;
    }

    private static TagReport tagReport(byte[] body, Parameter data) throws LlrpException {
        String epc = null;
        int antenna = 0;
        int rssi = RSSI_MISSING_DBM;
        long firstSeen = 0;
        String tid = null;
        for (Parameter field : parameters(body, data.valueStart(), data.valueEnd())) {
            switch (field.type()) {
                case PARAM_C1G2_READ_OP_SPEC_RESULT -> tid = readResult(body, field);
                case TV_EPC_96 -> epc = HexFormat.of().withUpperCase().formatHex(body, field.valueStart(), field.valueEnd());
                case PARAM_EPC_DATA -> epc = epcData(body, field);
                case TV_ANTENNA_ID -> antenna = u16(body, field.valueStart());
                case TV_PEAK_RSSI -> rssi = body[field.valueStart()];
                case TV_FIRST_SEEN_UTC -> firstSeen = s64(body, field.valueStart());
                default -> { } // channel, seen count, ROSpec id...: not needed
            }
        }
        if (epc == null) {
            throw new LlrpException("a TagReportData at byte " + data.valueStart() + " has no EPC");
        }
        try {
            TagRead read = new TagRead(epc, tid, antenna, rssi);
            return new TagReport(read.epcHex(), antenna, rssi, firstSeen, read.tidHex());
        } catch (IllegalArgumentException e) {
            throw new LlrpException("a TagReportData at byte " + data.valueStart() + ": " + e.getMessage());
        }
    }

    /**
     * C1G2ReadOpSpecResult: result, OpSpec id, then the words read (a word count and the words). The
     * TID when the read succeeded; null when the tag did not answer it (result not 0, or no words):
     * the card is then decided as if the reader read no TID.
     */
    private static String readResult(byte[] body, Parameter field) throws LlrpException {
        int length = field.valueEnd() - field.valueStart();
        if (length < 5) {
            throw new LlrpException("C1G2ReadOpSpecResult at byte " + field.valueStart() + " is " + length + " bytes, at least 5 expected");
        }
        int result = body[field.valueStart()] & 0xFF;
        int words = u16(body, field.valueStart() + 3);
        if (words * 2 != length - 5) {
            throw new LlrpException("C1G2ReadOpSpecResult at byte " + field.valueStart() + " says " + words + " words in " + (length - 5) + " bytes");
        }
        if (result != 0 || words == 0) {
            return null;
        }
        if (words * 4 > TagRead.TID_HEX_LENGTH_MAX) {
            throw new LlrpException("C1G2ReadOpSpecResult at byte " + field.valueStart() + " has " + words + " words, a TID is at most "
                    + TagRead.TID_HEX_LENGTH_MAX / 4);
        }
        return HexFormat.of().withUpperCase().formatHex(body, field.valueStart() + 5, field.valueEnd());
    }

    /** The antennas a READER_EVENT_NOTIFICATION says connected or disconnected (none when it is about something else). */
    public static List<AntennaState> antennaEvents(LlrpMessage notification) throws LlrpException {
        byte[] body = notification.body();
        List<AntennaState> states = new ArrayList<>();
        for (Parameter data : parameters(body, 0, body.length)) {
            if (data.type() == PARAM_READER_EVENT_NOTIFICATION_DATA) {
                for (Parameter event : parameters(body, data.valueStart(), data.valueEnd())) {
                    if (event.type() == PARAM_ANTENNA_EVENT) {
                        if (event.valueEnd() - event.valueStart() != 3) {
                            throw new LlrpException("AntennaEvent at byte " + event.valueStart() + " is not 3 bytes");
                        }
                        int type = body[event.valueStart()] & 0xFF;
                        if (type > 1) {
                            throw new LlrpException("AntennaEvent type " + type + " (0 disconnected, 1 connected)");
                        }
                        states.add(new AntennaState(u16(body, event.valueStart() + 1), type == 1));
                    }
                }
            }
        }
        return states;
    }

    /** Every AntennaProperties in a GET_READER_CONFIG_RESPONSE: each antenna, connected or not. */
    public static List<AntennaState> antennaProperties(LlrpMessage response) throws LlrpException {
        byte[] body = response.body();
        List<AntennaState> states = new ArrayList<>();
        for (Parameter parameter : parameters(body, 0, body.length)) {
            if (parameter.type() == PARAM_ANTENNA_PROPERTIES) {
                if (parameter.valueEnd() - parameter.valueStart() != 5) {
                    throw new LlrpException("AntennaProperties at byte " + parameter.valueStart() + " is not 5 bytes");
                }
                boolean connected = (body[parameter.valueStart()] & 0x80) != 0;
                states.add(new AntennaState(u16(body, parameter.valueStart() + 1), connected));
            }
        }
        return states;
    }

    /** EPCData: the EPC's length in bits, then its bits, padded to whole bytes. */
    private static String epcData(byte[] body, Parameter field) throws LlrpException {
        int length = field.valueEnd() - field.valueStart();
        if (length < 2) {
            throw new LlrpException("EPCData at byte " + field.valueStart() + " is too short for its bit count");
        }
        int bits = u16(body, field.valueStart());
        int bytes = (bits + 7) / 8;
        if (bits == 0 || bits % 4 != 0 || bytes != length - 2) {
            throw new LlrpException("EPCData at byte " + field.valueStart() + " says " + bits + " bits in " + (length - 2) + " bytes");
        }
        String hex = HexFormat.of().withUpperCase().formatHex(body, field.valueStart() + 2, field.valueEnd());
        return hex.substring(0, bits / 4);
    }

    /** The LLRPStatus of a response (any *_RESPONSE, or ERROR_MESSAGE). */
    public static Status status(LlrpMessage response) throws LlrpException {
        byte[] body = response.body();
        for (Parameter parameter : parameters(body, 0, body.length)) {
            if (parameter.type() == PARAM_LLRP_STATUS) {
                int length = parameter.valueEnd() - parameter.valueStart();
                if (length < 4) {
                    throw new LlrpException("LLRPStatus too short: " + length + " bytes");
                }
                int code = u16(body, parameter.valueStart());
                int textBytes = u16(body, parameter.valueStart() + 2);
                if (textBytes > length - 4) {
                    throw new LlrpException("LLRPStatus description of " + textBytes + " bytes in " + (length - 4));
                }
                return new Status(code, new String(body, parameter.valueStart() + 4, textBytes, StandardCharsets.UTF_8));
            }
        }
        throw new LlrpException("response type " + response.type() + " has no LLRPStatus");
    }

    /**
     * The ConnectionAttemptEvent's status in a READER_EVENT_NOTIFICATION (0: this client may go on;
     * otherwise another client holds the reader), or -1 when the notification is about something else.
     */
    public static int connectionAttemptStatus(LlrpMessage notification) throws LlrpException {
        byte[] body = notification.body();
        for (Parameter data : parameters(body, 0, body.length)) {
            if (data.type() == PARAM_READER_EVENT_NOTIFICATION_DATA) {
                for (Parameter event : parameters(body, data.valueStart(), data.valueEnd())) {
                    if (event.type() == PARAM_CONNECTION_ATTEMPT_EVENT) {
                        if (event.valueEnd() - event.valueStart() < 2) {
                            throw new LlrpException("ConnectionAttemptEvent too short");
                        }
                        return u16(body, event.valueStart());
                    }
                }
            }
        }
        return -1;
    }

    /** The parameters between {@code start} and {@code end}: TV (first bit 1) or TLV. */
    static List<Parameter> parameters(byte[] body, int start, int end) throws LlrpException {
        List<Parameter> found = new ArrayList<>();
        int at = start;
        while (at < end) {
            int first = body[at] & 0xFF;
            if ((first & 0x80) != 0) {
                int type = first & 0x7F;
                int valueBytes = type < TV_VALUE_BYTES.length ? TV_VALUE_BYTES[type] : -1;
                if (valueBytes < 0) {
                    throw new LlrpException("unknown TV parameter type " + type + " at byte " + at);
                }
                if (at + 1 + valueBytes > end) {
                    throw new LlrpException("TV parameter type " + type + " at byte " + at + " runs past its enclosure");
                }
                found.add(new Parameter(type, at + 1, at + 1 + valueBytes));
                at += 1 + valueBytes;
            } else {
                if (at + 4 > end) {
                    throw new LlrpException("truncated TLV header at byte " + at);
                }
                int type = u16(body, at) & 0x3FF;
                int length = u16(body, at + 2);
                if (length < 4 || at + length > end) {
                    throw new LlrpException("TLV parameter type " + type + " at byte " + at + " has length " + length
                            + ", " + (end - at) + " bytes left");
                }
                found.add(new Parameter(type, at + 4, at + length));
                at += length;
            }
        }
        return found;
    }

    private static int u16(byte[] bytes, int at) {
        return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
    }

    private static long s64(byte[] bytes, int at) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (bytes[at + i] & 0xFF);
        }
        return value;
    }
}
