package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.pki.Ed25519Keys;
import dev.lanecontroller.sim.DemoList;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.SqliteJournal;
import dev.lanecontroller.tools.ToolsMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The power-cut loop (docs/reliability.md): the real daemon under steady simulated traffic, linked to
 * a broker, killed with SIGKILL at seeded random moments and started again, with signed list
 * snapshots published during some of the runs so cuts land in receives and applies. After each cut
 * the database must pass SQLite's integrity check and every list in force must be a complete
 * version; at the end central must hold every journaled event exactly once (after dedupe), with no
 * hole and no sequence number reused, and the journal's chain must verify.
 *
 * <p>{@code -Dlane.campaign.cuts=N} (default 20, the CI's short campaign) and {@code
 * -Dlane.campaign.seed=S}; a failure names the seed that replays it.
 */
@Tag("campaign")
class PowerCutCampaignTest {
    private static final int LIST_CARDS = 2_000;

    @TempDir
    Path dir;

    @Test
    void nothingIsLostAndNothingHalfAppliedAcrossPowerCuts() throws Exception {
        int cuts = Integer.getInteger("lane.campaign.cuts", 20);
        long seed = Long.getLong("lane.campaign.seed", 20_261_128L);
        SplittableRandom random = new SplittableRandom(seed);
        String replay = " (replay with -Dlane.campaign.seed=" + seed + " -Dlane.campaign.cuts=" + cuts + ")";
        Path db = dir.resolve("data/lane.db");
        Path listKey = dir.resolve("lists.key");
        var keys = Ed25519Keys.generate();
        Ed25519Keys.writePrivate(keys.getPrivate(), listKey);
        Ed25519Keys.writePublic(keys.getPublic(), dir.resolve("lists.pub"));
        Path csv = dir.resolve("nexus.csv");
        List<String> lines = new ArrayList<>(List.of("epc,status"));
        for (CardRecord card : DemoList.cards(LIST_CARDS, 7)) {
            lines.add(card.epcHex() + "," + card.status());
        }
        Files.write(csv, lines);
        int publishes = 0;
        int cutsDuringPublish = 0;
        long startNanos = System.nanoTime();
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             CentralConsumer central = new CentralConsumer(broker.uri(), "central-cuts", "lc/v1/+/+/events")) {
            Path config = dir.resolve("lane.yaml");
            Files.writeString(config, Files.readString(Path.of("..", "config", "lane.yaml"))
                    .replace("../lane-data/lane.db", "data/lane.db").replace("vehiclesPerHour: 600", "vehiclesPerHour: 3600")
                    .replace("demoListCards: 2000", "demoListCards: " + LIST_CARDS)
                    + "central:\n  broker: " + broker.uri() + "\n  allowPlainTcp: true\n  site: cut-site\n"
                    + "  reconnectMinMs: 50\n  reconnectMaxMs: 500\n  keys:\n    lists: {central-lists: lists.pub}\n");
            Path log = config.resolveSibling("daemon.log");
            long listVersion = 100;
            for (int cut = 1; cut <= cuts; cut++) {
                Process daemon = LinkHarness.daemon(config, log);
                Thread publisher = null;
                if (cut % 3 == 0) {
                    long version = ++listVersion;
                    publishes++;
                    cutsDuringPublish++;
                    publisher = new Thread(() -> ToolsMain.execute("central", "publish-list", "--broker", broker.uri(), "--allow-plain-tcp",
                            "--key", listKey.toString(), "--key-id", "central-lists", "--program", "NEXUS", "--list-version",
                            Long.toString(version), "--file", csv.toString(), "--chunk-entries", "100"), "publisher");
                    publisher.start();
                }
                // From before the database exists to well into traffic (the first vehicle is decided ~5 s in).
                Thread.sleep(300 + random.nextInt(9_000));
                daemon.destroyForcibly(); // SIGKILL: the power cut
                assertTrue(daemon.waitFor(10, TimeUnit.SECONDS), "cut " + cut + replay);
                if (publisher != null) {
                    publisher.join(30_000);
                }
                checkStore(db, "after cut " + cut + replay);
            }
            // Power back for good: the lane drains what it holds, then stops cleanly.
            Process last = LinkHarness.daemon(config, log);
            long[] lastSeq = new long[1];
            long finalVersion = ++listVersion;
            Thread.sleep(2_000);
            // A list interrupted by cuts must not wedge the next one: this one comes into force whole.
            assertEquals(0, ToolsMain.execute("central", "publish-list", "--broker", broker.uri(), "--allow-plain-tcp", "--key",
                    listKey.toString(), "--key-id", "central-lists", "--program", "NEXUS", "--list-version", Long.toString(finalVersion),
                    "--file", csv.toString(), "--chunk-entries", "100"), replay);
            Thread.sleep(8_000);
            new ProcessBuilder("kill", "-TERM", Long.toString(last.pid())).start().waitFor();
            assertTrue(last.waitFor(30, TimeUnit.SECONDS), "the last run stopped on SIGTERM" + replay);
            try (SqliteJournal journal = new SqliteJournal(Database.open(db), "check")) {
                lastSeq[0] = journal.lastSeq();
            }
            Process drain = LinkHarness.daemon(config, log); // a run that only has to deliver what the last one left unacknowledged
            boolean complete = central.await(() -> central.distinctEvents() >= lastSeq[0], 120_000);
            drain.destroyForcibly();
            drain.waitFor(10, TimeUnit.SECONDS);
            assertTrue(complete, "missing at central: " + central.missing(lastSeq[0]) + replay);
            assertEquals(List.of(), central.missing(lastSeq[0]), replay);
            assertEquals(0, central.reusedSeqs(), "sequence numbers reused" + replay);
            assertTrue(central.chainIntact(), "the chain at central" + replay);
            assertEquals(0, ToolsMain.execute("journal", "verify", "--db", db.toString()), replay);
            checkStore(db, "at the end" + replay);
            // The core's safety monitor stops the lane thread on any broken invariant (a gate moving toward an occupied loop).
            String output = Files.readString(log);
            assertTrue(!output.contains("lane thread stopped") && !output.contains("FAILED"), "a lane thread stopped: see daemon.log" + replay);
            try (ClearanceStore store = new ClearanceStore(Database.open(db))) {
                assertEquals(finalVersion, store.inForce("NEXUS").version(), "the last list published is in force" + replay);
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
            CampaignReport.row("power-cut", "power cut (SIGKILL)", CampaignReport.size(cuts, 20) + ", seed " + seed,
                    String.format(java.util.Locale.ROOT, "%d cuts, %d list snapshots published during runs; %d events journaled, %d at "
                            + "central (%d duplicates dropped), 0 missing, %d reused, integrity_check ok and every list complete after "
                            + "every cut, the last snapshot in force, no stopped lane thread", cuts, publishes, lastSeq[0],
                            central.distinctEvents(), central.duplicates(), central.reusedSeqs()), seconds);
            assertTrue(cutsDuringPublish > 0);
        }
    }

    /** SQLite's own check of every database file, and every list in force complete. */
    private static void checkStore(Path db, String when) throws Exception {
        if (!Files.exists(db)) {
            return; // cut before the daemon made its database: nothing to check yet
        }
        List<Path> files = new ArrayList<>(List.of(db));
        Path lists = db.resolveSibling("lists");
        if (Files.isDirectory(lists)) {
            try (Stream<Path> listFiles = Files.list(lists)) {
                listFiles.filter(p -> p.toString().endsWith(".db")).forEach(files::add);
            }
        }
        for (Path file : files) {
            try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                 Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("PRAGMA integrity_check")) {
                assertTrue(row.next());
                assertEquals("ok", row.getString(1), file + " " + when);
            }
        }
        try (ClearanceStore store = new ClearanceStore(Database.open(db))) {
            for (ListInfo list : store.listsInForce()) {
                assertEquals(LIST_CARDS, list.entryCount(), list + " in force " + when);
            }
        }
    }
}
