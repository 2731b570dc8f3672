package dev.lanecontroller.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.cli.Main;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    @Test
    void theExampleConfigPassesCheckConfig() {
        assertEquals(0, Main.execute("check-config", Path.of("..", "config", "lane.yaml").toString()));
        LaneConfig config = ConfigLoader.load(Path.of("..", "config", "lane.yaml"));
        assertEquals("lane-01", config.settings().laneId());
    }

    @Test
    void aBrokenConfigReportsEveryProblemAtOnceWithItsKeyAndAllowedValues() {
        String yaml = """
                lane:
                  id: Lane 1
                  initialMode: FAULT
                programs:
                  accepted: [nexus]
                policy:
                  randomReferralPercent: 150
                  plateRequired: maybe
                timings:
                  readWindowMs: 5
                  suppresionMs: 1000
                hardware:
                  kind: pi4j
                """;
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "broken.yaml", null));
        String all = String.join("\n", e.problems());
        for (String key : new String[] {"lane.id", "lane.initialMode", "programs.accepted", "policy.randomReferralPercent",
                "policy.plateRequired", "timings.readWindowMs", "timings.suppresionMs", "hardware.kind"}) {
            assertTrue(all.contains(key + ":"), "no problem reported for " + key + " in:\n" + all);
        }
        assertTrue(all.contains("allowed: AUTOMATED, MANUAL, CLOSED, MAINTENANCE"), all);
        assertEquals(9, e.problems().size(), all); // the bad program also leaves none accepted
    }

    @Test
    void checkConfigExitsTwoOnABrokenFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        java.nio.file.Files.writeString(file, "timings: {readWindowMs: -1}\n");
        assertEquals(2, Main.execute("check-config", file.toString()));
    }

    @Test
    void aConfigThatDoesNotSayWhichLaneAndWhichHardwareIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // An empty file, or one without lane.id, would otherwise start a demo lane called lane-01.
        Path empty = java.nio.file.Files.writeString(dir.resolve("empty.yaml"), "");
        assertEquals(2, Main.execute("check-config", empty.toString()));
        ConfigException none = assertThrows(ConfigException.class, () -> ConfigLoader.load(empty));
        assertEquals(List.of("lane.id: required (this lane's id, e.g. lane-03)",
                "hardware.kind: required (simulated for the demo, gpio for a real lane)"), none.problems());
        ConfigException noId = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                programs: {accepted: [NEXUS]}
                lane:
                  initialMode: AUTOMATED
                hardware: {kind: simulated}
                """, "no-id.yaml", null));
        assertEquals(List.of("lane.id: required (this lane's id, e.g. lane-03) (line 2)"), noId.problems());
    }

    @Test
    void aKeyGivenTwiceIsRefusedWithItsLine() {
        ConfigException twice = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                lane:
                  id: lane-03
                hardware: {kind: simulated}
                lane:
                  id: lane-04
                """, "twice.yaml", null));
        String problem = String.join("\n", twice.problems());
        assertTrue(problem.contains("Duplicate field 'lane'") && problem.contains("line 4"), problem);
    }

    @Test
    void everyProblemNamesTheLineOfItsKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                lane: {id: lane-03}
                hardware:
                  kind: simulated
                timings:
                  readWindowMs: 5
                  suppresionMs: 1000
                """, "lines.yaml", null));
        String all = String.join("\n", e.problems());
        assertTrue(all.contains("timings.readWindowMs: ") && all.contains("(line 5)"), all);
        assertTrue(all.contains("timings.suppresionMs") && all.contains("(line 6)"), all);
    }
}
