package dev.lanecontroller.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanecontroller.cli.Main;
import dev.lanecontroller.core.CommandKind;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.link.CampaignReport;
import dev.lanecontroller.sim.BusyLane;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.SqliteJournal;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk faults under steady traffic in virtual time (docs/reliability.md). The journal lives on a
 * small tmpfs volume that is filled to the last byte at seeded moments (SQLite then fails with
 * "database or disk is full"): the lane must refer everyone (no green, no opening gate without a
 * durable record), raise JOURNAL_FAULT, hold the events it could not write, and once space
 * returns write them all, in order, losing nothing. The clearance list is corrupted on disk (read
 * errors): the lane must refer everyone and raise STORE_FAULT. Mounting a volume needs root, as
 * .ci/run has; {@code -Dlane.campaign.diskFaults=N} (default 4) and {@code -Dlane.campaign.seed=S}.
 */
@Tag("campaign")
class DiskFaultCampaignTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHORT_TRIALS = 4;

    @TempDir
    Path dir;
    private Path volume;

    @AfterEach
    void unmount() throws Exception {
        if (volume != null) {
            run("umount", volume.toString());
        }
    }

    @Test
    void aFullDiskRefersEveryoneAndLosesNothingOnceSpaceReturns() throws Exception {
        int trials = Integer.getInteger("lane.campaign.diskFaults", SHORT_TRIALS);
        long seed = Long.getLong("lane.campaign.seed", 20_261_128L);
        String replay = " (replay with -Dlane.campaign.seed=" + seed + " -Dlane.campaign.diskFaults=" + trials + ")";
        SplittableRandom random = new SplittableRandom(seed);
        volume = mountTmpfs(dir.resolve("volume"), "64m"); // room for 20 trials of journal: the fill takes the rest
        Path db = volume.resolve("lane.db");
        long startNanos = System.nanoTime();
        long journalFaults = 0;
        long heldMax = 0;
        try (SqliteJournal journal = new SqliteJournal(Database.open(db), "boot-disk")) {
            BusyLane lane = new BusyLane(journal, seed);
            long t = 10 * 60_000L;
            lane.runUntil(t);
            for (int trial = 1; trial <= trials; trial++) {
                String at = "trial " + trial + replay;
                int decisionsBefore = lane.events("DECISION");
                long seqBefore = journal.lastSeq();
                LaneShell shell = lane.sim.shell();
                long failuresBefore = shell.journalFailures();
                // SQLite goes on writing into the space its WAL file already holds (a full disk is no fault to it then):
                // empty the WAL first, so the fault comes with the next write that needs space, as with a small WAL.
                truncateWal(db);
                Path filler = fill(volume);
                long fullAt = t;
                while (shell.journalFailures() == failuresBefore && t < fullAt + 3 * 3_600_000L) {
                    t += 60_000;
                    lane.runUntil(t);
                }
                assertTrue(shell.journalFailures() > failuresBefore, "the full disk failed the journal within 3 virtual hours, " + at);
                t += 60_000L * (2 + random.nextInt(8));
                lane.runUntil(t);
                assertEquals(LaneMode.FAULT, shell.state().mode(), at);
                assertEquals("JOURNAL_FAULT", shell.state().faultCause(), at);
                heldMax = Math.max(heldMax, shell.heldEvents());
                assertTrue(shell.heldEvents() > 0, "events were held, " + at);
                Files.delete(filler);
                t += 5_000;
                lane.runUntil(t); // the reader's heartbeat alone brings the next write
                assertEquals(0, shell.heldEvents(), "the held events were written once space returned, " + at);
                assertFalse(shell.journalFailing(), at);
                long resetMono = lane.sim.now().monoMs();
                JournalEntry fault = lane.events().stream().filter(e -> e.seq() > seqBefore && e.type().equals("FAULT")
                        && e.payloadJson().contains("JOURNAL_FAULT")).findFirst().orElseThrow(() -> new AssertionError("no JOURNAL_FAULT, " + at));
                assertEquals(List.of(), lane.openingsSince(fault.monoMs()).stream()
                                .filter(o -> Long.parseLong(o.substring(0, o.indexOf(' '))) < resetMono).toList(),
                        "no green and no opening gate from the failed write to the reset, " + at);
                lane.sim.submit(new LaneInput.Command("reset-" + trial, CommandKind.FAULT_RESET, null, "technician"));
                assertEquals(LaneMode.AUTOMATED, shell.state().mode(), at);
                journalFaults++;
                t += 60_000L * (3 + random.nextInt(10));
                lane.runUntil(t);
                // The queue that built up while the lane was in FAULT drains before the next fault (the officer is human).
                while (lane.sim.traffic.vehiclesInLane() > 3 && t < fullAt + 12 * 3_600_000L) {
                    t += 60_000;
                    lane.runUntil(t);
                }
                assertTrue(lane.events("DECISION") > decisionsBefore, "traffic went on, " + at);
            }
            assertEquals(0, lane.sim.shell().eventsLost(), replay);
            List<JournalEntry> entries = readAll(journal);
            assertEquals(journal.lastSeq(), entries.size(), "no sequence number missing" + replay);
            TreeSet<Long> transactions = new TreeSet<>();
            int faults = 0;
            for (JournalEntry entry : entries) {
                JsonNode details = JSON.readTree(entry.payloadJson());
                if (entry.type().equals("DECISION")) {
                    assertTrue(transactions.add(details.get("transactionId").asLong()), "one decision per vehicle" + replay);
                }
                if (entry.type().equals("FAULT") && details.get("cause").asText().equals("JOURNAL_FAULT")) {
                    faults++;
                }
            }
            assertEquals(transactions.last() - transactions.first() + 1, transactions.size(),
                    "every vehicle's decision is in the journal, none lost to the full disk" + replay);
            assertEquals(trials, faults, "every JOURNAL_FAULT alert reached the journal once space returned" + replay);
            assertEquals(0, Main.execute("journal", "verify", "--db", db.toString()), "the chain verifies" + replay);
            assertEquals("ok", integrityCheck(db), replay);
            CampaignReport.row("disk-full", "disk full (journal volume)", CampaignReport.size(trials, SHORT_TRIALS) + ", seed " + seed,
                    String.format(Locale.ROOT, "%d times filled to the last byte under traffic (the WAL emptied first, so the next write needs space) and left full 2-9 more virtual minutes; lane in FAULT "
                                    + "(JOURNAL_FAULT) every time, 0 greens and 0 gate openings while full, up to %d events held; after "
                                    + "space returned all held events journaled in order: %d events, %d decisions with no transaction "
                                    + "missing, 0 lost, chain verifies, integrity_check ok", journalFaults, heldMax, entries.size(),
                            transactions.size()),
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos));
        }
    }

    @Test
    void aClearanceListThatCannotBeReadRefersEveryoneAndRaisesAnAlert() throws Exception {
        long seed = Long.getLong("lane.campaign.seed", 20_261_128L);
        long startNanos = System.nanoTime();
        Database database = Database.open(dir.resolve("lane.db"));
        try (SqliteJournal journal = new SqliteJournal(database, "boot-read");
             ClearanceStore store = new ClearanceStore(database)) {
            ListInfo v1 = importCards(store, 1);
            BusyLane lane = new BusyLane(journal, seed, store);
            lane.runUntil(10 * 60_000L);
            int clearedBefore = cleared(lane);
            assertTrue(clearedBefore > 0, "members were cleared before the fault");
            // The SD card returns garbage for the list's pages: SQLite reports the file malformed on every lookup.
            Path listFile;
            try (var files = Files.list(store.listDir())) {
                listFile = files.filter(p -> p.toString().endsWith(".db")).findFirst().orElseThrow();
            }
            corruptAfterFirstPages(listFile, seed);
            lane.runUntil(25 * 60_000L);
            LaneShell shell = lane.sim.shell();
            assertEquals(LaneMode.FAULT, shell.state().mode());
            assertEquals("STORE_FAULT", shell.state().faultCause());
            JournalEntry fault = lane.events().stream().filter(e -> e.type().equals("FAULT") && e.payloadJson().contains("STORE_FAULT"))
                    .findFirst().orElseThrow();
            // A vehicle whose cards were looked up before the first failed read may still pass; after it, no one.
            assertEquals(List.of(), lane.openingsSince(fault.monoMs()), "no one cleared once a lookup failed");
            int clearedDuringFault = (int) lane.events().stream().filter(e -> e.seq() > fault.seq() && e.type().equals("DECISION")
                    && e.payloadJson().contains("\"outcome\":\"CLEARED\"")).count();
            int decisionsDuringFault = lane.events("DECISION");
            // Central sends a fresh list (a new file), the technician resets the lane: members are cleared again.
            ListInfo v2 = importCards(store, v1.version() + 1);
            shell.refreshLists();
            lane.sim.submit(new LaneInput.Command("reset", CommandKind.FAULT_RESET, null, "technician"));
            assertEquals(LaneMode.AUTOMATED, shell.state().mode());
            lane.runUntil(40 * 60_000L);
            assertTrue(cleared(lane) > clearedBefore, "members are cleared again on the fresh list v" + v2.version());
            assertEquals(0, clearedDuringFault, "no clearance while the list could not be read");
            CampaignReport.row("read-errors", "clearance list unreadable (read errors)", "1 run, seed " + seed,
                    String.format(Locale.ROOT, "the list file's pages overwritten with random bytes under traffic: lane in FAULT "
                            + "(STORE_FAULT, an alert) at the first lookup, 0 clearances and 0 gate openings until a fresh list and a "
                            + "reset; %d decisions in all, every one journaled", decisionsDuringFault),
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos));
        }
    }

    private static int cleared(BusyLane lane) {
        return (int) lane.events().stream().filter(e -> e.type().equals("DECISION") && e.payloadJson().contains("\"outcome\":\"CLEARED\""))
                .count();
    }

    private static ListInfo importCards(ClearanceStore store, long version) throws IOException {
        return store.importList("NEXUS", version, BusyLane.START_WALL_MS, ListInfo.NO_EXPIRY, BusyLane.START_WALL_MS, sink -> {
            BusyLane.CARDS.forEach(sink);
            return BusyLane.CARDS.size();
        });
    }

    private static void corruptAfterFirstPages(Path file, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] garbage = new byte[4096];
            for (long offset = 8192; offset < raf.length(); offset += garbage.length) {
                for (int i = 0; i < garbage.length; i++) {
                    garbage[i] = (byte) random.nextInt(256);
                }
                raf.seek(offset);
                raf.write(garbage);
            }
        }
    }

    private static List<JournalEntry> readAll(SqliteJournal journal) {
        List<JournalEntry> all = new ArrayList<>();
        List<JournalEntry> page;
        while (!(page = journal.read(all.isEmpty() ? 0 : all.get(all.size() - 1).seq(), 5_000)).isEmpty()) {
            all.addAll(page);
        }
        return all;
    }

    /** Fills the volume to the last byte; the file is deleted to give the space back. */
    private static Path fill(Path volume) throws IOException {
        Path filler = volume.resolve("filler");
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            int size = block.length;
            while (size > 0) {
                try {
                    out.write(block, 0, size);
                    out.flush();
                } catch (IOException full) {
                    size /= 2;
                }
            }
        } catch (IOException full) {
            // The close flushed nothing more: the volume is full either way.
        }
        return filler;
    }

    static Path mountTmpfs(Path at, String size) throws Exception {
        Files.createDirectories(at);
        int rc = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", at.toString());
        assertEquals(0, rc, "mounting a " + size + " tmpfs needs root (as .ci/run has); run the disk campaign as root");
        return at;
    }

    private static int run(String... command) throws Exception {
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    private static void truncateWal(Path db) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    private static String integrityCheck(Path db) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("PRAGMA integrity_check")) {
            row.next();
            return row.getString(1);
        }
    }
}
