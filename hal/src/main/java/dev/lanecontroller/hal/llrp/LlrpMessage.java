package dev.lanecontroller.hal.llrp;

import java.util.Arrays;

/**
 * One LLRP message: its type, its id (a response carries the id of its request) and its body (the
 * bytes after the 10-byte header).
 */
record LlrpMessage(int type, long id, byte[] body) {
    public static final int GET_READER_CAPABILITIES = 1;
    public static final int GET_READER_CONFIG = 2;
    public static final int SET_READER_CONFIG = 3;
    public static final int CLOSE_CONNECTION_RESPONSE = 4;
    public static final int GET_READER_CONFIG_RESPONSE = 12;
    public static final int SET_READER_CONFIG_RESPONSE = 13;
    public static final int CLOSE_CONNECTION = 14;
    public static final int ADD_ROSPEC = 20;
    public static final int DELETE_ROSPEC = 21;
    public static final int START_ROSPEC = 22;
    public static final int ENABLE_ROSPEC = 24;
    public static final int ADD_ROSPEC_RESPONSE = 30;
    public static final int DELETE_ROSPEC_RESPONSE = 31;
    public static final int START_ROSPEC_RESPONSE = 32;
    public static final int ENABLE_ROSPEC_RESPONSE = 34;
    public static final int ADD_ACCESSSPEC = 40;
    public static final int DELETE_ACCESSSPEC = 41;
    public static final int ENABLE_ACCESSSPEC = 42;
    public static final int ADD_ACCESSSPEC_RESPONSE = 50;
    public static final int DELETE_ACCESSSPEC_RESPONSE = 51;
    public static final int ENABLE_ACCESSSPEC_RESPONSE = 52;
    public static final int RO_ACCESS_REPORT = 61;
    public static final int KEEPALIVE = 62;
    public static final int READER_EVENT_NOTIFICATION = 63;
    public static final int ENABLE_EVENTS_AND_REPORTS = 64;
    public static final int KEEPALIVE_ACK = 72;
    public static final int ERROR_MESSAGE = 100;

    /** The message type's name for a technician's log line ("type 20" says nothing on site). */
    static String name(int type) {
        return switch (type) {
            case GET_READER_CONFIG -> "GET_READER_CONFIG";
            case SET_READER_CONFIG -> "SET_READER_CONFIG";
            case ADD_ACCESSSPEC -> "ADD_ACCESSSPEC";
            case DELETE_ACCESSSPEC -> "DELETE_ACCESSSPEC";
            case ENABLE_ACCESSSPEC -> "ENABLE_ACCESSSPEC";
            case ADD_ROSPEC -> "ADD_ROSPEC";
            case DELETE_ROSPEC -> "DELETE_ROSPEC";
            case START_ROSPEC -> "START_ROSPEC";
            case ENABLE_ROSPEC -> "ENABLE_ROSPEC";
            case ENABLE_EVENTS_AND_REPORTS -> "ENABLE_EVENTS_AND_REPORTS";
            case CLOSE_CONNECTION -> "CLOSE_CONNECTION";
            case GET_READER_CAPABILITIES -> "GET_READER_CAPABILITIES";
            default -> "type " + type;
        };
    }

    public LlrpMessage {
        if (type < 0 || type > 1023) {
            throw new IllegalArgumentException("LLRP message type is 10 bits, got " + type);
        }
        if (id < 0 || id > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("LLRP message id is 32 bits, got " + id);
        }
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LlrpMessage m && m.type == type && m.id == id && Arrays.equals(m.body, body);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id) * 31 + type * 17 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "LlrpMessage[type=" + type + ", id=" + id + ", " + body.length + " body bytes]";
    }
}
