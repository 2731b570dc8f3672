package dev.lanecontroller.cli;

import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.EventChain;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.SqliteJournal;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "journal", description = "The event journal.", subcommands = {JournalCommand.Verify.class, JournalCommand.Tail.class,
        JournalCommand.Backlog.class})
final class JournalCommand {

    @Command(name = "verify", description = "Checks the hash chain and the sequence: nothing removed, nothing altered.")
    static final class Verify implements Callable<Integer> {
        @Mixin
        StorageOptions storage;

        @Override
        public Integer call() {
            try (SqliteJournal journal = new SqliteJournal(Database.open(storage.existingDatabaseFile()), "verify")) {
                long checked = 0;
                long after = 0;
                String prevHash = null;
                List<JournalEntry> page;
                while (!(page = journal.read(after, SqliteJournal.READ_LIMIT_MAX)).isEmpty()) {
                    for (JournalEntry entry : page) {
                        if (prevHash != null && (entry.seq() != after + 1 || !entry.prevHash().equals(prevHash))) {
                            System.err.println("chain broken before seq " + entry.seq() + " (previous seq " + after + ")");
                            return 1;
                        }
                        if (!EventChain.hashOf(entry).equals(entry.hash())) {
                            System.err.println("event seq " + entry.seq() + " was altered: its hash does not match");
                            return 1;
                        }
                        prevHash = entry.hash();
                        after = entry.seq();
                        checked++;
                    }
                }
                System.out.println("journal ok: " + checked + " events, last seq " + after);
                return 0;
            }
        }
    }

    @Command(name = "tail", description = "Prints the last events of the journal.")
    static final class Tail implements Callable<Integer> {
        @Mixin
        StorageOptions storage;

        @Option(names = "-n", defaultValue = "20")
        int count;

        @Override
        public Integer call() {
            try (SqliteJournal journal = new SqliteJournal(Database.open(storage.existingDatabaseFile()), "tail")) {
                long from = Math.max(0, journal.lastSeq() - Math.min(count, SqliteJournal.READ_LIMIT_MAX));
                for (JournalEntry entry : journal.read(from, Math.max(1, Math.min(count, SqliteJournal.READ_LIMIT_MAX)))) {
                    System.out.println(entry.seq() + " " + java.time.Instant.ofEpochMilli(entry.wallMs()) + " " + entry.type() + " "
                            + entry.payloadJson());
                }
                return 0;
            }
        }
    }

    @Command(name = "backlog", description = "Prints how many events central has not acknowledged yet: exit 0 when none, 1 otherwise.")
    static final class Backlog implements Callable<Integer> {
        @Mixin
        StorageOptions storage;

        @Override
        public Integer call() {
            try (SqliteJournal journal = new SqliteJournal(Database.open(storage.existingDatabaseFile()), "backlog")) {
                long unsent = journal.outbox().unsentCount();
                System.out.println(unsent == 0 ? "backlog 0: central has every event (last seq " + journal.lastSeq() + ")"
                        : "backlog " + unsent + ": events central has not acknowledged yet, oldest seq " + journal.outbox().oldestUnsentSeq());
                return unsent == 0 ? 0 : 1;
            }
        }
    }
}
