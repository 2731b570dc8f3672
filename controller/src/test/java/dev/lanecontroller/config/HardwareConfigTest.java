package dev.lanecontroller.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.cli.Main;
import dev.lanecontroller.hal.SignalAspect;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The hardware, reader and camera sections: the shipped examples, and wiring mistakes caught before anything moves. */
class HardwareConfigTest {
    private static final Path EXAMPLES = Path.of("..", "config", "examples");
    /** The least a GPIO lane needs, less its loops: each test adds those and its reader and camera. */
    private static final String MINIMAL_GPIO = """
                lane: {id: lane-05}
                hardware:
                  kind: gpio
                  gpio:
                    lamps: {STOP: {bcm: 5}, PROCEED: {bcm: 6}}
                    gateOpen: {bcm: 19}
                    gateClose: {bcm: 26}
                    openLimit: {bcm: 20}
                    closedLimit: {bcm: 21}
                """;

    @Test
    void everyReaderKindHasAnExampleThatPassesCheckConfig() {
        for (String kind : new String[] {"llrp", "serial", "wiegand"}) {
            Path file = EXAMPLES.resolve("lane-" + kind + ".yaml");
            LaneConfig config = ConfigLoader.load(file);
            // A serial reader's device not there now is said (exit 1: the check failed), not a bad config (2).
            boolean deviceAbsent = kind.equals("serial") && !java.nio.file.Files.exists(Path.of(config.hardware().reader().serial().device()));
            assertEquals(deviceAbsent ? 1 : 0, Main.execute("check-config", file.toString()), file.toString());
            assertEquals(HardwareSettings.Kind.GPIO, config.hardware().kind());
            assertEquals(kind.toUpperCase(java.util.Locale.ROOT), config.hardware().reader().kind().name());
        }
        LaneConfig llrp = ConfigLoader.load(EXAMPLES.resolve("lane-llrp.yaml"));
        assertEquals(5, llrp.hardware().gpio().lamps().get(SignalAspect.STOP).bcm());
        assertEquals("192.168.50.20", llrp.hardware().reader().llrp().host());
        assertEquals(8088, llrp.hardware().camera().port());
    }

    @Test
    void wiringMistakesAreNamedWithTheirKeys() {
        String yaml = """
                hardware:
                  kind: gpio
                  gpio:
                    lamps:
                      STOP: {bcm: 5}
                      GREEN: {bcm: 6}
                    gateOpen: {bcm: 19}
                    gateClose: {bcm: 19}
                    openLimit: {bcm: 20, pull: SIDEWAYS}
                    closedLimit: {bcm: 41}
                    loops:
                      SAFETY: {bcm: 17}
                    feedback:
                      lamp.GREEN: {bcm: 24}
                reader:
                  kind: wiegand
                  wiegand:
                    d0: {bcm: 17}
                    d1: {bcm: 18}
                camera:
                  kind: none
                policy:
                  plateRequired: true
                lane:
                  armingLoop: false
                """;
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "wiring.yaml", null));
        String all = String.join("\n", e.problems());
        for (String expected : new String[] {"hardware.gpio.lamps.GREEN: unknown key", "lamps: STOP and PROCEED need an output each",
                "gateClose: GPIO 19 is already gateOpen", "hardware.gpio.openLimit.pull", "closedLimit: GPIO 41 does not exist",
                "hardware.gpio.feedback.lamp.GREEN: not an output", "reader.wiegand.d0: GPIO 17 is already loop.SAFETY",
                "camera: policy.plateRequired needs a camera",
                "camera: lane.armingLoop: false needs a camera (camera.kind: webhook) to see a vehicle that carries no card"}) {
            assertTrue(all.contains(expected), "no '" + expected + "' in:\n" + all);
        }
    }

    @Test
    void aCamerasDryContactTriggerIsTheArmingLoopOfALaneWithoutOne() {
        String lane = MINIMAL_GPIO + """
                    loops: {SAFETY: {bcm: 27}%s}
                    cameraTrigger: {bcm: 4, pull: UP, activeLow: true}
                reader:
                  kind: llrp
                  llrp: {host: 10.0.0.2}
                camera:
                  kind: none
                """;
        LaneConfig config = ConfigLoader.parse(lane.formatted(""), "trigger.yaml", null);
        assertEquals(4, config.hardware().gpio().loops().get(dev.lanecontroller.hal.LoopId.ARMING).bcm());
        ConfigException both = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(lane.formatted(", ARMING: {bcm: 17}"), "both.yaml", null));
        assertTrue(String.join("\n", both.problems()).contains("hardware.gpio.cameraTrigger: stands in for an arming loop"),
                both.getMessage());
    }

    @Test
    void simulatedHardwareTakesNoRealReaderAndARealLaneNoSimulatedOne() {
        ConfigException simulated = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                lane: {id: lane-05}
                hardware: {kind: simulated}
                reader:
                  kind: llrp
                """, "sim.yaml", null));
        assertTrue(String.join("\n", simulated.problems()).contains("reader.kind"), simulated.getMessage());
        ConfigException llrpWithoutHost = assertThrows(ConfigException.class, () -> ConfigLoader.parse(MINIMAL_GPIO + """
                    loops: {SAFETY: {bcm: 27}}
                reader:
                  kind: llrp
                camera:
                  kind: webhook
                  webhook: {mapping: {preset: flat}}
                """, "llrp.yaml", null));
        String all = String.join("\n", llrpWithoutHost.problems());
        assertTrue(all.contains("reader.llrp.host"), all);
        assertTrue(all.contains("camera.webhook.secretFile"), all);
    }

    @Test
    void aSerialReadersLineIsConfigurable() {
        String lane = MINIMAL_GPIO + """
                    loops: {SAFETY: {bcm: 27}}
                reader:
                  kind: serial
                  serial: {device: /dev/ttyUSB0, baudRate: 2400, dataBits: 7, parity: EVEN, stopBits: 2}
                """;
        LaneConfig config = ConfigLoader.parse(lane, "serial.yaml", null);
        assertEquals(new dev.lanecontroller.hal.serial.SerialSettings.Line(7, dev.lanecontroller.hal.serial.SerialSettings.Parity.EVEN, 2),
                config.hardware().reader().serial().line());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(lane.replace("parity: EVEN", "parity: MARK"),
                "serial.yaml", null));
        assertTrue(String.join("\n", e.problems()).contains("reader.serial.parity: 'MARK' is not allowed; allowed: NONE, EVEN, ODD"),
                e.problems().toString());
    }
}
