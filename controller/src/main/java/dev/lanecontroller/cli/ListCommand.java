package dev.lanecontroller.cli;

import dev.lanecontroller.core.CardEntry;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.hal.TagRead;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.DirectoryLock;
import dev.lanecontroller.store.ListFormatException;
import dev.lanecontroller.store.StoreException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "list", description = "Clearance lists: import a file, show a card.",
        subcommands = {ListCommand.Import.class, ListCommand.Show.class})
final class ListCommand {

    @Command(name = "import", description = "Imports a CSV or JSON-lines list as a new version of a program's list; all or nothing.")
    static final class Import implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "the list file (.csv with a header, or .jsonl); docs/lists.md")
        Path file;

        @Option(names = "--program", required = true, description = "the program the list is for, e.g. NEXUS")
        String program;

        @Option(names = "--list-version", required = true, paramLabel = "N",
                description = "the list version, 1 to 2^53; must be newer than the one in force")
        String version;

        @Option(names = "--allow-empty", description = "put a list with no cards in force (it refers every member of the program)")
        boolean allowEmpty;

        @Option(names = "--issued", description = "when central issued the list (ISO instant); default now")
        Instant issued;

        @Option(names = "--expires", description = "the list's signed expiry (ISO instant); default none (maxListAge applies)")
        Instant expires;

        @Mixin
        StorageOptions storage;

        @Override
        public Integer call() {
            long now = System.currentTimeMillis();
            long started = System.nanoTime();
            long listVersion;
            try {
                listVersion = Long.parseLong(version);
            } catch (NumberFormatException e) {
                System.err.println("import not started: --list-version '" + version + "' is not a whole number from 1 to " + ClearanceStore.VERSION_MAX);
                return 2;
            }
            Path dataDir = storage.databaseFile().toAbsolutePath().getParent();
            DirectoryLock importing;
            try {
                importing = DirectoryLock.take(dataDir, DirectoryLock.IMPORT, "another list import");
            } catch (DirectoryLock.Held e) {
                System.err.println("import not started, the list in force is unchanged: " + e.getMessage() + "; try again when it is done");
                return 2;
            } catch (java.io.IOException e) {
                System.err.println("import not started: cannot lock " + dataDir + ": " + e.getMessage());
                return 2;
            }
            try (importing; ClearanceStore store = new ClearanceStore(Database.open(storage.databaseFile()))) {
                ListInfo list = store.importFile(file, program, listVersion, issued == null ? now : issued.toEpochMilli(),
                        expires == null ? ListInfo.NO_EXPIRY : expires.toEpochMilli(), now, allowEmpty);
                System.out.printf("imported %s v%d: %d cards in %.1f s%n", list.program(), list.version(), list.entryCount(),
                        (System.nanoTime() - started) / 1e9);
                return 0;
            } catch (ListFormatException | StoreException | IllegalArgumentException e) {
                System.err.println("import rejected, the list in force is unchanged: " + file + ": " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "show", description = "Shows a card's entry in the lists in force.")
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "EPC", description = "the card's EPC (hex)")
        String epc;

        @Mixin
        StorageOptions storage;

        @Override
        public Integer call() {
            String epcHex = TagRead.normaliseHex(epc, TagRead.EPC_HEX_LENGTH_MAX, "EPC");
            try (ClearanceStore store = new ClearanceStore(Database.open(storage.existingDatabaseFile()))) {
                CardEntry entry = store.find(epcHex, Set.of());
                if (entry == null) {
                    System.out.println(epcHex + ": not on any list in force " + store.listsInForce().stream()
                            .map(l -> l.program() + " v" + l.version()).toList());
                    return 1;
                }
                System.out.println("epc:      " + entry.epcHex());
                System.out.println("program:  " + entry.program() + " (list v" + entry.listVersion() + ")");
                System.out.println("status:   " + entry.status());
                System.out.println("expires:  " + (entry.expiresWallMs() == Long.MAX_VALUE ? "never" : Instant.ofEpochMilli(entry.expiresWallMs())));
                System.out.println("plates:   " + String.join(" ", entry.plates().stream().sorted().toList()));
                System.out.println("tid:      " + (entry.tidHex() == null ? "-" : entry.tidHex()));
                System.out.println("lookout:  " + entry.lookout());
                return 0;
            }
        }
    }
}
