package dev.lanecontroller.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.cli.Main;
import dev.lanecontroller.config.ConfigLoader;
import dev.lanecontroller.config.LaneConfig;
import dev.lanecontroller.store.DirectoryLock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One daemon per lane database; a list import at a time, which a starting daemon leaves alone. */
class DataDirectoryLockTest {
    @TempDir
    Path dir;

    private LaneConfig config() throws Exception {
        Path file = Files.writeString(dir.resolve("lane.yaml"), """
                lane: {id: lane-09}
                storage: {path: data/lane.db}
                health: {enabled: false}
                hardware:
                  kind: simulated
                  simulated: {traffic: false, demoListCards: 0}
                """);
        return ConfigLoader.load(file);
    }

    private static Host quietHost(ByteArrayOutputStream console) {
        return Host.forTests(new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    @Test
    void aSecondDaemonOnTheSameDatabaseIsRefusedWithTheHoldersPid() throws Exception {
        LaneConfig config = config();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (LaneDaemon first = LaneDaemon.start(config, quietHost(console))) {
            LaneDaemon.StartFailure refused = assertThrows(LaneDaemon.StartFailure.class, () -> LaneDaemon.start(config, quietHost(console)));
            assertTrue(refused.getMessage().contains("another lane-controller daemon (pid " + ProcessHandle.current().pid()),
                    refused.getMessage());
            assertTrue(refused.getMessage().contains("stop it first"), refused.getMessage());
            assertTrue(first.laneAlive(), "the first daemon runs on");
        }
        // Stopped, the directory is free again.
        LaneDaemon.start(config, quietHost(console)).close();
    }

    @Test
    void aListImportWaitsForAnotherAndADaemonStartsBesideOne() throws Exception {
        LaneConfig config = config();
        Path dataDir = config.storagePath().getParent();
        Path list = Files.writeString(dir.resolve("list.csv"), "epc\nE20000000000000000000001\n");
        try (DirectoryLock importing = DirectoryLock.take(dataDir, DirectoryLock.IMPORT, "a list import")) {
            assertEquals(2, Main.execute("list", "import", list.toString(), "--program", "NEXUS", "--list-version", "1",
                    "--db", config.storagePath().toString()), "refused while another import builds");
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            try (LaneDaemon daemon = LaneDaemon.start(config, quietHost(console))) {
                assertTrue(daemon.laneAlive());
            }
            assertTrue(console.toString(StandardCharsets.UTF_8).contains("its part file is left alone"), console.toString(StandardCharsets.UTF_8));
        }
        assertEquals(0, Main.execute("list", "import", list.toString(), "--program", "NEXUS", "--list-version", "1",
                "--db", config.storagePath().toString()), "the import runs once the other is done");
    }

    @Test
    void aDaemonInAnotherProcessIsNamedByItsPid() throws Exception {
        LaneConfig config = config();
        Path configFile = dir.resolve("lane.yaml");
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "run", "--config", configFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("other.log").toFile()).start();
        try {
            Path lockFile = config.storagePath().getParent().resolve(DirectoryLock.DAEMON);
            long deadline = System.currentTimeMillis() + 60_000;
            while (!(Files.exists(lockFile) && Files.readString(lockFile).trim().equals(Long.toString(other.pid())))) {
                assertTrue(other.isAlive() && System.currentTimeMillis() < deadline, "the other daemon took its lock");
                Thread.sleep(50);
            }
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            LaneDaemon.StartFailure refused = assertThrows(LaneDaemon.StartFailure.class, () -> LaneDaemon.start(config, quietHost(console)));
            assertTrue(refused.getMessage().contains("(pid " + other.pid() + ")"), refused.getMessage());
        } finally {
            other.destroy();
            other.waitFor();
        }
        // Its lock went with it, however it ended.
        LaneDaemon.start(config, quietHost(new ByteArrayOutputStream())).close();
    }
}
