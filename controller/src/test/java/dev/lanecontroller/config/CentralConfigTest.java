package dev.lanecontroller.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The central section: TLS unless plain TCP is asked for by name, files relative to the config, every problem reported. */
class CentralConfigTest {
    private static final String LANE = "lane: {id: lane-02}\nhardware: {kind: simulated}\n";

    @Test
    void aConfigWithoutCentralRunsAlone() {
        assertFalse(ConfigLoader.parse("lane: {id: lane-02}\nhardware: {kind: simulated}\n", "t.yaml", null).hasCentral());
    }

    @Test
    void tlsFilesAndKeysResolveAgainstTheConfigsFolder() {
        LaneConfig config = ConfigLoader.parse("""
                lane: {id: lane-03}
                hardware: {kind: simulated}
                central:
                  broker: ssl://broker.example:8883
                  site: poe-01
                  tls: {caFile: tls/ca.pem, certFile: tls/lane.pem, keyFile: tls/lane.key}
                  keys:
                    lists: {central-lists-2026: keys/lists.pub}
                    commands: {ops-2026: /etc/lane-controller/keys/ops.pub}
                """, "t.yaml", Path.of("/etc/lane-controller"));
        CentralSettings central = config.central();
        assertTrue(central.usesTls());
        assertEquals(Path.of("/etc/lane-controller/tls/ca.pem"), central.caFile());
        assertEquals("poe-01-lane-03", central.clientId());
        assertEquals(Path.of("/etc/lane-controller/keys/lists.pub"), central.listKeys().get("central-lists-2026"));
        assertEquals(Path.of("/etc/lane-controller/keys/ops.pub"), central.commandKeys().get("ops-2026"));
        assertEquals(120_000, central.commandMaxAgeMs());
    }

    @Test
    void plainTcpAndMissingTlsFilesAreRefusedWithTheirKeys() {
        ConfigException plain = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                LANE + "central: {broker: 'tcp://broker:1883', site: s}\n", "t.yaml", null));
        assertTrue(plain.getMessage().contains("central.broker: plain tcp://"), plain.getMessage());
        ConfigException noFiles = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                LANE + "central: {broker: 'ssl://broker:8883', site: s, heartbeatIntervalS: 0, flavour: x}\n", "t.yaml", null));
        assertTrue(noFiles.getMessage().contains("central.tls: ssl:// needs caFile, certFile and keyFile"), noFiles.getMessage());
        assertTrue(noFiles.getMessage().contains("central.heartbeatIntervalS"), noFiles.getMessage());
        assertTrue(noFiles.getMessage().contains("central.flavour: unknown key"), noFiles.getMessage());
        assertTrue(ConfigLoader.parse(LANE + "central: {broker: 'tcp://127.0.0.1:1883', site: s, allowPlainTcp: true}\n", "t.yaml", null)
                .hasCentral());
    }

    @Test
    void backlogAlarmThresholdsDefaultAndMustAscend() {
        CentralSettings defaults = ConfigLoader.parse(LANE + "central: {broker: 'tcp://127.0.0.1:1883', site: s, allowPlainTcp: true}\n", "t.yaml",
                null).central();
        assertEquals(java.util.List.of(10_000L, 100_000L), defaults.backlogAlarmEvents());
        assertEquals(java.util.List.of(900_000L, 14_400_000L), defaults.backlogAlarmAgeMs());
        CentralSettings set = ConfigLoader.parse(LANE + "central: {broker: 'tcp://127.0.0.1:1883', site: s, allowPlainTcp: true, "
                + "backlogAlarm: {events: [500], ageMinutes: [5, 60, 1440]}}\n", "t.yaml", null).central();
        assertEquals(java.util.List.of(500L), set.backlogAlarmEvents());
        assertEquals(java.util.List.of(300_000L, 3_600_000L, 86_400_000L), set.backlogAlarmAgeMs());
        ConfigException descending = assertThrows(ConfigException.class, () -> ConfigLoader.parse(LANE + "central: {broker: 'tcp://127.0.0.1:1883', "
                + "site: s, allowPlainTcp: true, backlogAlarm: {events: [1000, 10], size: 3}}\n", "t.yaml", null));
        assertTrue(descending.getMessage().contains("central.backlogAlarm.events: thresholds must be ascending"), descending.getMessage());
        assertTrue(descending.getMessage().contains("central.backlogAlarm.size: unknown key"), descending.getMessage());
    }

    @Test
    void aPathWithAControlCharacterIsAProblemNotACrash() {
        ConfigException nul = assertThrows(ConfigException.class, () -> ConfigLoader.parse(LANE + "storage: {path: \"lane\\0.db\"}\n", "t.yaml", null));
        assertTrue(nul.getMessage().contains("storage.path"), nul.getMessage());
    }
}
