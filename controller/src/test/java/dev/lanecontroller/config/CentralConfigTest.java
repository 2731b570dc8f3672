package dev.lanecontroller.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The central section: TLS unless plain TCP is asked for by name, files relative to the config, every problem reported. */
class CentralConfigTest {
    @Test
    void aConfigWithoutCentralRunsAlone() {
        assertFalse(ConfigLoader.parse("lane: {id: lane-02}\n", "t.yaml", null).hasCentral());
    }

    @Test
    void tlsFilesAndKeysResolveAgainstTheConfigsFolder() {
        LaneConfig config = ConfigLoader.parse("""
                lane: {id: lane-03}
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
                "central: {broker: 'tcp://broker:1883', site: s}\n", "t.yaml", null));
        assertTrue(plain.getMessage().contains("central.broker: plain tcp://"), plain.getMessage());
        ConfigException noFiles = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                "central: {broker: 'ssl://broker:8883', site: s, heartbeatIntervalS: 0, flavour: x}\n", "t.yaml", null));
        assertTrue(noFiles.getMessage().contains("central.tls: ssl:// needs caFile, certFile and keyFile"), noFiles.getMessage());
        assertTrue(noFiles.getMessage().contains("central.heartbeatIntervalS"), noFiles.getMessage());
        assertTrue(noFiles.getMessage().contains("central.flavour: unknown key"), noFiles.getMessage());
        assertTrue(ConfigLoader.parse("central: {broker: 'tcp://127.0.0.1:1883', site: s, allowPlainTcp: true}\n", "t.yaml", null)
                .hasCentral());
    }
}
