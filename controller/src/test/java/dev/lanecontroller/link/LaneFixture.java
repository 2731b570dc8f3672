package dev.lanecontroller.link;

import dev.lanecontroller.config.CentralSettings;
import dev.lanecontroller.core.Lane;
import dev.lanecontroller.core.LaneSettings;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.hal.sim.RealTimeScheduler;
import dev.lanecontroller.hal.sim.SimLane;
import dev.lanecontroller.hal.ReadFilter;
import dev.lanecontroller.shell.HardwareInputs;
import dev.lanecontroller.shell.Inbox;
import dev.lanecontroller.shell.LaneObserver;
import dev.lanecontroller.shell.LaneRunner;
import dev.lanecontroller.shell.LaneShell;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.NonceStore;
import dev.lanecontroller.store.SqliteJournal;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A whole lane with its central link, as the daemon puts it together: simulated hardware, the real
 * core on its own thread, SQLite storage, and a LaneLink to a test broker. Central's keys are made
 * here; the tests sign with them (and with others, to see them refused).
 */
final class LaneFixture implements AutoCloseable {
    static final String SITE = "test-site";
    static final String LANE = "lane-07";
    static final String ROOT = "lc/v1";

    final KeyPair listKey = Ed25519Keys.generate();
    final KeyPair commandKey = Ed25519Keys.generate();
    final Database database;
    final SqliteJournal journal;
    final ClearanceStore store;
    final NonceStore nonces;
    final RealTimeScheduler scheduler = new RealTimeScheduler();
    final Inbox inbox = new Inbox();
    final LaneShell shell;
    final LaneRunner runner;
    final LaneLink link;
    final SimLane hardware;
    final List<JournalEntry> events = new CopyOnWriteArrayList<>();
    final Topics topics = Topics.lane(ROOT, SITE, LANE);

    LaneFixture(Path dir, String brokerUri, long commandMaxAgeMs) throws Exception {
        this(dir, brokerUri, commandMaxAgeMs, null, null, null);
    }

    /** With TLS files: the lane connects over ssl:// with its client certificate. */
    LaneFixture(Path dir, String brokerUri, long commandMaxAgeMs, Path caFile, Path certFile, Path keyFile) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        Ed25519Keys.writePublic(listKey.getPublic(), dir.resolve("lists.pub"));
        Ed25519Keys.writePublic(commandKey.getPublic(), dir.resolve("commands.pub"));
        CentralSettings settings = new CentralSettings(brokerUri, SITE, ROOT, SITE + "-" + LANE, caFile, certFile, keyFile, caFile == null,
                5, 1_000, 128,
                50, 500, commandMaxAgeMs, Map.of("central-lists", dir.resolve("lists.pub")),
                Map.of("central-ops", dir.resolve("commands.pub")), List.of(10_000L), List.of(900_000L));
        database = Database.open(dir.resolve("lane.db"));
        journal = new SqliteJournal(database, "boot-fixture");
        store = new ClearanceStore(database);
        nonces = new NonceStore(database);
        hardware = new SimLane(scheduler, 500, 1_000, true, true);
        Supplier<Now> clock = () -> new Now(scheduler.nowMs(), System.currentTimeMillis(), true);
        LaneLink[] linkRef = new LaneLink[1];
        shell = new LaneShell(new Lane(LaneSettings.defaults(LANE), () -> 0.5), hardware.ports(), journal, store, clock,
                LaneObserver.NONE.alsoOnEvent(entry -> {
                    events.add(entry);
                    if (linkRef[0] != null) {
                        linkRef[0].onLaneEvent(entry);
                    }
                }));
        link = new LaneLink(settings, new LaneLink.Lane(LANE, Set.of("NEXUS"), journal, store, nonces, inbox::offer,
                () -> new LaneView(shell.state().mode().name(), shell.state().lists().values(), true), clock, events::add,
                "boot-fixture", "test", Math::random));
        linkRef[0] = link;
        // The simulated reader's heartbeat reaches the lane as in the daemon: without it the lane
        // would fault (READER_SILENT) after its heartbeat timeout.
        HardwareInputs.subscribe(hardware.ports(), new ReadFilter(Set.of(), -90), inbox::offer);
        hardware.tagReader.start();
        runner = new LaneRunner(shell, inbox, scheduler::nowMs);
        runner.start();
        link.start();
    }

    /** Events of a type journaled so far (by the lane or by the link). */
    List<JournalEntry> events(String type) {
        return events.stream().filter(e -> e.type().equals(type)).toList();
    }

    @Override
    public void close() {
        link.close();
        runner.close();
        nonces.close();
        store.close();
        journal.close();
        scheduler.close();
    }
}
