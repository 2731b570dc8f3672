package dev.lanecontroller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The list and journal tools refuse what would silently do harm, exit 2, and change nothing. */
class ListToolInputTest {
    @TempDir
    Path dir;

    private int importList(Path file, String version, String... more) {
        String[] args = {"list", "import", file.toString(), "--program", "NEXUS", "--list-version", version, "--db",
                dir.resolve("lane.db").toString()};
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return Main.execute(all);
    }

    private int cardsInForce() {
        try (ClearanceStore store = new ClearanceStore(Database.open(dir.resolve("lane.db")))) {
            return store.inForce("NEXUS") == null ? -1 : (int) store.inForce("NEXUS").entryCount();
        }
    }

    @Test
    void anEmptyListIsPutInForceOnlyWhenAskedFor() throws Exception {
        Path one = Files.writeString(dir.resolve("one.csv"), "epc\nE20000000000000000000001\n");
        assertEquals(0, importList(one, "1"));
        Path empty = Files.writeString(dir.resolve("empty.csv"), "");
        Path headerOnly = Files.writeString(dir.resolve("header.csv"), "epc,status\n");
        assertEquals(2, importList(empty, "2"), "an empty file would refer every member");
        assertEquals(2, importList(headerOnly, "2"), "so would a header alone");
        assertEquals(1, cardsInForce(), "v1 stays in force");
        assertEquals(0, importList(headerOnly, "2", "--allow-empty"), "unless that is what is meant");
        assertEquals(0, cardsInForce());
    }

    @Test
    void aVersionOutsideOneTo2Pow53IsRefused() throws Exception {
        Path one = Files.writeString(dir.resolve("one.csv"), "epc\nE20000000000000000000001\n");
        assertEquals(2, importList(one, "0"));
        assertEquals(2, importList(one, "-3"));
        assertEquals(2, importList(one, "1000000000000000000000000000000"));
        assertEquals(2, importList(one, "9007199254740993"));
        assertEquals(-1, cardsInForce(), "nothing in force");
        assertEquals(0, importList(one, "9007199254740992"));
    }

    @Test
    void theReadingToolsNeverMakeADatabase() {
        Path missing = dir.resolve("nowhere").resolve("lane.db");
        assertEquals(2, Main.execute("list", "show", "E20000000000000000000001", "--db", missing.toString()));
        assertEquals(2, Main.execute("journal", "verify", "--db", missing.toString()));
        assertEquals(2, Main.execute("journal", "tail", "--db", missing.toString()));
        assertEquals(2, Main.execute("journal", "backlog", "--db", missing.toString()));
        assertFalse(Files.exists(missing), "no database was made");
        assertTrue(Files.notExists(missing.getParent()) || Files.isDirectory(missing.getParent()));
    }
}
