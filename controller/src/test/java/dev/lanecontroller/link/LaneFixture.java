package dev.lanecontroller.link;

import dev.lanecontroller.config.ConfigLoader;
import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.daemon.Host;
import dev.lanecontroller.daemon.LaneDaemon;
import dev.lanecontroller.hal.sim.SimLane;
import dev.lanecontroller.pki.Ed25519Keys;
import dev.lanecontroller.shell.Inbox;
import dev.lanecontroller.shell.LaneShell;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.SqliteJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole lane with its central link, assembled as the daemon assembles it ({@link LaneDaemon}, from
 * a config file written here): simulated hardware without traffic, the real core on its own thread,
 * SQLite storage, and a central link to a test broker. Central's keys are made here; the tests sign
 * with them (and with others, to see them refused).
 */
final class LaneFixture implements AutoCloseable {
    static final String SITE = "test-site";
    static final String LANE = "lane-07";
    static final String ROOT = "lc/v1";

    final KeyPair listKey = Ed25519Keys.generate();
    final KeyPair commandKey = Ed25519Keys.generate();
    final LaneDaemon daemon;
    final SqliteJournal journal;
    final ClearanceStore store;
    final Inbox inbox;
    final LaneShell shell;
    final LaneLink link;
    final SimLane hardware;
    final Topics topics = Topics.lane(ROOT, SITE, LANE);

    LaneFixture(Path dir, String brokerUri, long commandMaxAgeMs) throws Exception {
        this(dir, brokerUri, commandMaxAgeMs, null, null, null);
    }

    /** With TLS files: the lane connects over ssl:// with its client certificate. */
    LaneFixture(Path dir, String brokerUri, long commandMaxAgeMs, Path caFile, Path certFile, Path keyFile) throws Exception {
        Files.createDirectories(dir);
        Ed25519Keys.writePublic(listKey.getPublic(), dir.resolve("lists.pub"));
        Ed25519Keys.writePublic(commandKey.getPublic(), dir.resolve("commands.pub"));
        String tls = caFile == null ? "  allowPlainTcp: true\n"
                : "  tls: {caFile: %s, certFile: %s, keyFile: %s}\n".formatted(caFile, certFile, keyFile);
        Path config = dir.resolve("lane.yaml");
        Files.writeString(config, """
                lane: {id: %s}
                storage: {path: %s}
                health: {enabled: false}
                hardware:
                  kind: simulated
                  simulated: {gateTravelMs: 500, readerHeartbeatIntervalMs: 1000, traffic: false, demoListCards: 0}
                central:
                  broker: %s
                %s  site: %s
                  topicRoot: %s
                  keepAliveS: 5
                  heartbeatIntervalS: 1
                  inFlightWindow: 128
                  reconnectMinMs: 50
                  reconnectMaxMs: 500
                  commandMaxAgeS: %d
                  keys:
                    lists: {central-lists: lists.pub}
                    commands: {central-ops: commands.pub}
                  backlogAlarm: {events: [10000], ageMinutes: [15]}
                """.formatted(LANE, dir.resolve("lane.db"), brokerUri, tls, SITE, ROOT, commandMaxAgeMs / 1000));
        daemon = LaneDaemon.start(ConfigLoader.load(config), Host.forTests(System.out));
        journal = daemon.journal();
        store = daemon.store();
        inbox = daemon.inbox();
        shell = daemon.shell();
        link = daemon.link();
        hardware = daemon.simulatedHardware();
    }

    /** Events of a type journaled so far (by the lane or by the link). */
    List<JournalEntry> events(String type) {
        List<JournalEntry> found = new ArrayList<>();
        long after = 0;
        List<JournalEntry> page;
        do {
            page = journal.read(after, 1_000);
            for (JournalEntry entry : page) {
                if (entry.type().equals(type)) {
                    found.add(entry);
                }
                after = entry.seq();
            }
        } while (!page.isEmpty());
        return found;
    }

    @Override
    public void close() {
        daemon.close();
    }
}
