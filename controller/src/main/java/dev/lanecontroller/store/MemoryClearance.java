package dev.lanecontroller.store;

import dev.lanecontroller.core.CardEntry;
import dev.lanecontroller.core.ListInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Clearance lists held in memory, for simulations: a scenario's few hundred cards. */
public final class MemoryClearance implements ClearanceLookup {
    private final Map<String, ListInfo> lists = new TreeMap<>();
    private final Map<String, Map<String, CardEntry>> cardsByProgram = new TreeMap<>();
    private final Map<String, List<CardRecord>> recordsByProgram = new TreeMap<>();

    public void put(ListInfo list, List<CardRecord> records) {
        Map<String, CardEntry> cards = new HashMap<>();
        for (CardRecord record : records) {
            if (cards.put(record.epcHex(), record.toEntry(list.program(), list.version())) != null) {
                throw new StoreException("card " + record.epcHex() + " is listed twice in " + list.program());
            }
        }
        lists.put(list.program(), list);
        cardsByProgram.put(list.program(), cards);
        recordsByProgram.put(list.program(), List.copyOf(records));
    }

    /** The records of a program's list in force, as put; empty when there is none. */
    public List<CardRecord> records(String program) {
        return recordsByProgram.getOrDefault(program, List.of());
    }

    @Override
    public List<CardEntry> entriesFor(String epcHex) {
        List<CardEntry> entries = new ArrayList<>(1);
        for (Map<String, CardEntry> cards : cardsByProgram.values()) {
            CardEntry entry = cards.get(epcHex);
            if (entry != null) {
                entries.add(entry);
            }
        }
        return entries;
    }

    @Override
    public List<ListInfo> listsInForce() {
        return List.copyOf(lists.values());
    }
}
