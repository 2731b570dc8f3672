package dev.lanecontroller.hal.llrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a site tunes on the reader, byte for byte as LLRP 1.0.1 lays it out (§12.2.6, §16.3.1.2). */
class LlrpRequestsTest {
    private static String hex(byte[] bytes) {
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }

    @Test
    void transmitPowerSessionAndReaderModeGoIntoEveryAntennasConfiguration() {
        LlrpSettings.Air air = new LlrpSettings.Air(false, 81, 2, 32, 1002);
        // AntennaConfiguration (222) for antenna 0 (all): RFTransmitter (224) hop table 1, channel 1, power index 81;
        // C1G2InventoryCommand (330) not state-aware: C1G2RFControl (335) mode 1002, Tari 0; C1G2SingulationControl (336)
        // session 2 in the top two bits, population 32, transit time 0.
        String expected = "00DE0028" + "0000" + "00E0000A" + "0001" + "0001" + "0051"
                + "014A0018" + "00" + "014F0008" + "03EA" + "0000" + "0150000B" + "80" + "0020" + "00000000";
        assertEquals(expected, hex(LlrpRequests.antennaConfiguration(air)));
        String rospec = hex(LlrpRequests.addRospec(7, LlrpReader.ROSPEC_ID, List.of(1, 2), air).body());
        assertTrue(rospec.contains("00BA002F" + "0001" + "01" + expected), "inside the InventoryParameterSpec: " + rospec);
        assertEquals("00" + "00F4000B00F50007000880" + "00DC0009010000" + "03E8", hex(LlrpRequests.setConfig(8, 1_000, false).body()),
                "no factory reset: what a technician set on the reader stays");
    }

    @Test
    void withoutTuningTheRospecIsTheReadersDefaults() {
        assertEquals(FakeReader.ADD_ROSPEC_BODY_ANTENNAS_1_2.replace(" ", ""),
                hex(LlrpRequests.addRospec(7, LlrpReader.ROSPEC_ID, List.of(1, 2), LlrpSettings.Air.READER_DEFAULTS).body()));
    }

    @Test
    void valuesAReaderCannotTakeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LlrpSettings.Air(true, 0, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new LlrpSettings.Air(true, null, 4, null, null));
        assertThrows(IllegalArgumentException.class, () -> new LlrpSettings.Air(true, null, null, 0, null));
    }
}
