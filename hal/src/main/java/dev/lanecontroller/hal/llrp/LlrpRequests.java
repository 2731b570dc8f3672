package dev.lanecontroller.hal.llrp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The messages a lane sends a reader: reset its configuration with a keepalive, replace every
 * ROSpec by one that inventories the lane's antennas continuously and reports each tag as soon as
 * it is seen, enable and start it, and acknowledge keepalives.
 */
final class LlrpRequests {
    static final int PARAM_ROSPEC = 177;
    static final int PARAM_RO_BOUNDARY_SPEC = 178;
    static final int PARAM_ROSPEC_START_TRIGGER = 179;
    static final int PARAM_ROSPEC_STOP_TRIGGER = 182;
    static final int PARAM_AI_SPEC = 183;
    static final int PARAM_AI_SPEC_STOP_TRIGGER = 184;
    static final int PARAM_INVENTORY_PARAMETER_SPEC = 186;
    static final int PARAM_ACCESS_SPEC = 207;
    static final int PARAM_ACCESS_SPEC_STOP_TRIGGER = 208;
    static final int PARAM_ACCESS_COMMAND = 209;
    static final int PARAM_KEEPALIVE_SPEC = 220;
    static final int PARAM_READER_EVENT_NOTIFICATION_SPEC = 244;
    static final int PARAM_EVENT_NOTIFICATION_STATE = 245;
    static final int PARAM_ACCESS_REPORT_SPEC = 239;
    static final int PARAM_C1G2_TAG_SPEC = 338;
    static final int PARAM_C1G2_TARGET_TAG = 339;
    static final int PARAM_C1G2_READ = 341;
    /** ReaderEventNotificationSpec's event type for antenna connects and disconnects. */
    static final int EVENT_ANTENNA = 8;
    /** GET_READER_CONFIG's RequestedData for AntennaProperties (connected or not, per antenna). */
    static final int REQUESTED_ANTENNA_PROPERTIES = 2;
    /** Gen2 memory bank 2: the TID, the chip's factory id. */
    static final int MEMORY_BANK_TID = 2;
    /** Reported with the RO report of the inventory that read the tag: TID and EPC in one TagReportData. */
    static final int ACCESS_REPORT_WITH_RO_REPORT = 0;
    /** The one OpSpec of the lane's AccessSpec. */
    static final int TID_READ_OP_SPEC_ID = 1;
    public static final int TID_WORDS_MAX = 16;
    static final int PARAM_RO_REPORT_SPEC = 237;
    static final int PARAM_TAG_REPORT_CONTENT_SELECTOR = 238;
    static final int PARAM_ANTENNA_CONFIGURATION = 222;
    static final int PARAM_RF_TRANSMITTER = 224;
    static final int PARAM_C1G2_INVENTORY_COMMAND = 330;
    static final int PARAM_C1G2_RF_CONTROL = 335;
    static final int PARAM_C1G2_SINGULATION_CONTROL = 336;
    /** LLRP 1.0.1's errata: channel and hop table indices start at 1 (0 is refused by some readers). */
    static final int HOP_TABLE_ID = 1;
    static final int CHANNEL_INDEX = 1;
    static final int PROTOCOL_EPC_GEN2 = 1;
    /** Report after every tag (N = 1) or at the end of the AISpec, whichever is first. */
    static final int REPORT_UPON_N_TAGS_OR_END_OF_AI_SPEC = 1;
    /** Antenna id, peak RSSI and first-seen time in each report; the rest is not needed. */
    static final int CONTENT_ANTENNA_ID = 1 << 12;
    static final int CONTENT_PEAK_RSSI = 1 << 10;
    static final int CONTENT_FIRST_SEEN = 1 << 9;
    public static final int ANTENNAS_MAX = 64;

    private LlrpRequests() {}

    /**
     * SET_READER_CONFIG: after a factory reset when {@code factoryReset}, antenna connects and
     * disconnects reported as events, and a keepalive every {@code keepaliveMs}.
     */
    public static LlrpMessage setConfig(long id, long keepaliveMs, boolean factoryReset) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(factoryReset ? 0x80 : 0x00); // ResetToFactoryDefault, 7 reserved bits
        // LLRP 1.0.1 §12.2.4 orders SET_READER_CONFIG's parameters: ReaderEventNotificationSpec before KeepaliveSpec.
        body.writeBytes(tlv(PARAM_READER_EVENT_NOTIFICATION_SPEC, tlv(PARAM_EVENT_NOTIFICATION_STATE,
                ByteBuffer.allocate(3).putShort((short) EVENT_ANTENNA).put((byte) 0x80).array())));
        body.writeBytes(tlv(PARAM_KEEPALIVE_SPEC, ByteBuffer.allocate(5).put((byte) 1).putInt((int) keepaliveMs).array()));
        return new LlrpMessage(LlrpMessage.SET_READER_CONFIG, id, body.toByteArray());
    }

    /** GET_READER_CONFIG of every antenna's AntennaProperties: which antennas are connected now. */
    public static LlrpMessage getAntennaProperties(long id) {
        return new LlrpMessage(LlrpMessage.GET_READER_CONFIG, id, ByteBuffer.allocate(7).putShort((short) 0)
                .put((byte) REQUESTED_ANTENNA_PROPERTIES).putShort((short) 0).putShort((short) 0).array());
    }

    /** DELETE_ACCESSSPEC of every AccessSpec (id 0): one an earlier client left could write to or kill tags. */
    public static LlrpMessage deleteAllAccessSpecs(long id) {
        return new LlrpMessage(LlrpMessage.DELETE_ACCESSSPEC, id, u32(0));
    }

    /**
     * ADD_ACCESSSPEC: on every antenna, for the lane's ROSpec, read {@code tidWords} words of every
     * tag's TID bank (a target with an empty mask matches every tag), reported in the same
     * TagReportData as the tag's EPC; it never stops.
     */
    public static LlrpMessage addTidAccessSpec(long id, long accessSpecId, long rospecId, int tidWords) {
        if (tidWords < 1 || tidWords > TID_WORDS_MAX) {
            throw new IllegalArgumentException("TID words must be 1.." + TID_WORDS_MAX + ", got " + tidWords);
        }
        byte[] stopTrigger = tlv(PARAM_ACCESS_SPEC_STOP_TRIGGER, new byte[] {0, 0, 0}); // type 0: none; operation count 0
        // C1G2TargetTag: MB 1 (EPC), Match 1, then pointer 0, an empty mask and empty data: every tag matches.
        byte[] target = tlv(PARAM_C1G2_TARGET_TAG, ByteBuffer.allocate(7).put((byte) ((1 << 6) | (1 << 5))).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0).array());
        byte[] read = tlv(PARAM_C1G2_READ, ByteBuffer.allocate(11).putShort((short) TID_READ_OP_SPEC_ID).putInt(0)
                .put((byte) (MEMORY_BANK_TID << 6)).putShort((short) 0).putShort((short) tidWords).array());
        byte[] command = tlv(PARAM_ACCESS_COMMAND, concat(tlv(PARAM_C1G2_TAG_SPEC, target), read));
        byte[] reportSpec = tlv(PARAM_ACCESS_REPORT_SPEC, new byte[] {ACCESS_REPORT_WITH_RO_REPORT});
        byte[] spec = tlv(PARAM_ACCESS_SPEC, concat(u32(accessSpecId), ByteBuffer.allocate(4).putShort((short) 0).put((byte) PROTOCOL_EPC_GEN2)
                .put((byte) 0).array(), u32(rospecId), stopTrigger, command, reportSpec)); // antenna 0: all; disabled
        return new LlrpMessage(LlrpMessage.ADD_ACCESSSPEC, id, spec);
    }

    public static LlrpMessage enableAccessSpec(long id, long accessSpecId) {
        return new LlrpMessage(LlrpMessage.ENABLE_ACCESSSPEC, id, u32(accessSpecId));
    }

    /** DELETE_ROSPEC of every ROSpec (id 0): whatever an earlier client left must not run. */
    public static LlrpMessage deleteAllRospecs(long id) {
        return new LlrpMessage(LlrpMessage.DELETE_ROSPEC, id, u32(0));
    }

    /**
     * ADD_ROSPEC: a disabled ROSpec with no start or stop trigger (it runs from START_ROSPEC until
     * stopped), one AISpec over {@code antennas} (empty: all), Gen2 inventory, a report per tag; the site's
     * transmit power, Gen2 session and reader mode for every antenna (when set).
     */
    public static LlrpMessage addRospec(long id, long rospecId, List<Integer> antennas, LlrpSettings.Air air) {
        if (antennas.size() > ANTENNAS_MAX) {
            throw new IllegalArgumentException("at most " + ANTENNAS_MAX + " antennas, got " + antennas.size());
        }
        byte[] boundary = tlv(PARAM_RO_BOUNDARY_SPEC, concat(tlv(PARAM_ROSPEC_START_TRIGGER, new byte[] {0}),
                tlv(PARAM_ROSPEC_STOP_TRIGGER, ByteBuffer.allocate(5).put((byte) 0).putInt(0).array())));
        List<Integer> ids = antennas.isEmpty() ? List.of(0) : antennas;
        ByteBuffer antennaIds = ByteBuffer.allocate(2 + 2 * ids.size()).putShort((short) ids.size());
        ids.forEach(antenna -> antennaIds.putShort(antenna.shortValue()));
        byte[] aiSpec = tlv(PARAM_AI_SPEC, concat(antennaIds.array(),
                tlv(PARAM_AI_SPEC_STOP_TRIGGER, ByteBuffer.allocate(5).put((byte) 0).putInt(0).array()),
                tlv(PARAM_INVENTORY_PARAMETER_SPEC, concat(ByteBuffer.allocate(3).putShort((short) 1).put((byte) PROTOCOL_EPC_GEN2).array(),
                        air.tunesTheAir() ? antennaConfiguration(air) : new byte[0]))));
        byte[] reportSpec = tlv(PARAM_RO_REPORT_SPEC, concat(ByteBuffer.allocate(3).put((byte) REPORT_UPON_N_TAGS_OR_END_OF_AI_SPEC)
                .putShort((short) 1).array(), tlv(PARAM_TAG_REPORT_CONTENT_SELECTOR,
                ByteBuffer.allocate(2).putShort((short) (CONTENT_ANTENNA_ID | CONTENT_PEAK_RSSI | CONTENT_FIRST_SEEN)).array())));
        byte[] rospec = tlv(PARAM_ROSPEC, concat(u32(rospecId), new byte[] {0, 0}, boundary, aiSpec, reportSpec));
        return new LlrpMessage(LlrpMessage.ADD_ROSPEC, id, rospec);
    }

    /** AntennaConfiguration for every antenna (id 0): the transmitter's power, and Gen2's RF mode and singulation. */
    static byte[] antennaConfiguration(LlrpSettings.Air air) {
        byte[] transmitter = air.transmitPowerIndex() == null ? new byte[0] : tlv(PARAM_RF_TRANSMITTER, ByteBuffer.allocate(6)
                .putShort((short) HOP_TABLE_ID).putShort((short) CHANNEL_INDEX).putShort(air.transmitPowerIndex().shortValue()).array());
        byte[] rfControl = air.readerModeIndex() == null ? new byte[0] : tlv(PARAM_C1G2_RF_CONTROL, ByteBuffer.allocate(4)
                .putShort(air.readerModeIndex().shortValue()).putShort((short) 0).array()); // Tari 0: the mode's own
        byte[] singulation = air.session() == null && air.tagPopulation() == null ? new byte[0] : tlv(PARAM_C1G2_SINGULATION_CONTROL,
                ByteBuffer.allocate(7).put((byte) ((air.session() == null ? 0 : air.session()) << 6))
                        .putShort((short) (air.tagPopulation() == null ? 32 : air.tagPopulation())).putInt(0).array());
        byte[] inventory = rfControl.length + singulation.length == 0 ? new byte[0]
                : tlv(PARAM_C1G2_INVENTORY_COMMAND, concat(new byte[] {0}, rfControl, singulation)); // not state-aware
        return tlv(PARAM_ANTENNA_CONFIGURATION, concat(new byte[] {0, 0}, transmitter, inventory));
    }

    public static LlrpMessage enableRospec(long id, long rospecId) {
        return new LlrpMessage(LlrpMessage.ENABLE_ROSPEC, id, u32(rospecId));
    }

    public static LlrpMessage startRospec(long id, long rospecId) {
        return new LlrpMessage(LlrpMessage.START_ROSPEC, id, u32(rospecId));
    }

    /** Some readers hold reports until the client says it is ready for them. */
    public static LlrpMessage enableEventsAndReports(long id) {
        return new LlrpMessage(LlrpMessage.ENABLE_EVENTS_AND_REPORTS, id, new byte[0]);
    }

    /** KEEPALIVE_ACK carries the id of the KEEPALIVE it answers. */
    public static LlrpMessage keepaliveAck(long keepaliveId) {
        return new LlrpMessage(LlrpMessage.KEEPALIVE_ACK, keepaliveId, new byte[0]);
    }

    public static LlrpMessage closeConnection(long id) {
        return new LlrpMessage(LlrpMessage.CLOSE_CONNECTION, id, new byte[0]);
    }

    /** A TLV parameter: 6 reserved bits and a 10-bit type, the length including this header, the value. */
    static byte[] tlv(int type, byte[] value) {
        return ByteBuffer.allocate(4 + value.length).putShort((short) type).putShort((short) (4 + value.length)).put(value).array();
    }

    private static byte[] u32(long value) {
        return ByteBuffer.allocate(4).putInt((int) value).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
