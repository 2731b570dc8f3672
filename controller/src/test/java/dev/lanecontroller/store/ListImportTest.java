package dev.lanecontroller.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.core.CardEntry;
import dev.lanecontroller.core.CardStatus;
import dev.lanecontroller.core.ListInfo;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Imports are all or nothing: a bad line leaves the old version in force and says where it is. */
class ListImportTest {
    @TempDir
    Path dir;

    static String epc(int i) {
        return String.format("E2000017%016X", i);
    }

    Path csv(String name, int count, int badLine) throws IOException {
        Path file = dir.resolve(name);
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("epc,status,expires,plates,tid,lookout\n");
            for (int i = 0; i < count; i++) {
                if (i + 2 == badLine) {
                    out.write(epc(i) + ",ACTIVE,2027-13-45,ON:ABC123,,false\n");
                } else {
                    out.write(epc(i) + "," + (i % 10 == 9 ? "SUSPENDED" : "ACTIVE") + ",2027-06-30,ON:AB-" + i + "|QC:X" + i + ",,"
                            + (i == 7) + "\n");
                }
            }
        }
        return file;
    }

    @Test
    void aLargeFileImportsAndEveryCardIsFound() throws IOException {
        try (ClearanceStore store = new ClearanceStore(Database.open(dir.resolve("lane.db")))) {
            ListInfo list = store.importFile(csv("v1.csv", 200_000, -1), "NEXUS", 1, 0, ListInfo.NO_EXPIRY, 0, false);
            assertEquals(200_000, list.entryCount());
            CardEntry card = store.find(epc(199_999), Set.of("NEXUS"));
            assertEquals(CardStatus.SUSPENDED, card.status());
            assertEquals(Set.of("ON:AB199999", "QC:X199999"), card.plates());
            assertTrue(store.find(epc(7), Set.of()).lookout());
            assertNull(store.find("E200001700000000FFFFFFFF", Set.of()));
        }
    }

    @Test
    void aBadLineRejectsTheWholeImportAndTheOldVersionStaysInForce() throws IOException {
        try (ClearanceStore store = new ClearanceStore(Database.open(dir.resolve("lane.db")))) {
            store.importFile(csv("v1.csv", 1_000, -1), "NEXUS", 1, 0, ListInfo.NO_EXPIRY, 0, false);
            ListFormatException bad = assertThrows(ListFormatException.class,
                    () -> store.importFile(csv("v2.csv", 5_000, 4_321), "NEXUS", 2, 0, ListInfo.NO_EXPIRY, 0, false));
            assertEquals(4_321, bad.line());
            assertTrue(bad.getMessage().contains("expires"), bad.getMessage());
            assertEquals(1, store.listsInForce().get(0).version());
            assertNotNull(store.find(epc(999), Set.of()));
            assertNull(store.find(epc(1_500), Set.of()), "nothing of the rejected version is visible");
        }
    }

    @Test
    void duplicatesRollbacksAndJsonLines() throws IOException {
        try (ClearanceStore store = new ClearanceStore(Database.open(dir.resolve("lane.db")))) {
            Path jsonl = dir.resolve("v3.jsonl");
            Files.writeString(jsonl, "{\"epc\":\"" + epc(1) + "\",\"plates\":[\"on:abc 123\"],\"tid\":\"e2801130aa\"}\n"
                    + "{\"epc\":\"" + epc(2) + "\",\"status\":\"REVOKED\",\"lookout\":true}\n");
            store.importFile(jsonl, "FAST", 3, 0, ListInfo.NO_EXPIRY, 0, false);
            assertEquals("E2801130AA", store.find(epc(1), Set.of()).tidHex());
            assertEquals(Set.of("ON:ABC123"), store.find(epc(1), Set.of()).plates());
            StoreException rollback = assertThrows(StoreException.class, () -> store.importFile(jsonl, "FAST", 2, 0, ListInfo.NO_EXPIRY, 0, false));
            assertTrue(rollback.getMessage().contains("never rolled back"), rollback.getMessage());
            Path dup = dir.resolve("dup.csv");
            Files.writeString(dup, "epc\n" + epc(5) + "\n" + epc(6) + "\n" + epc(5) + "\n");
            StoreException duplicate = assertThrows(StoreException.class, () -> store.importFile(dup, "FAST", 4, 0, ListInfo.NO_EXPIRY, 0, false));
            assertTrue(duplicate.getMessage().contains("listed twice"), duplicate.getMessage());
            assertEquals(3, store.listsInForce().get(0).version());
            assertEquals(0, store.dropOrphanTables(), "a rejected import leaves no table behind");
        }
    }
}
