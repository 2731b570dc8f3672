package dev.lanecontroller.sim;

import dev.lanecontroller.core.CardStatus;
import dev.lanecontroller.store.CardRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/** A made-up clearance list for demos, tests and benchmarks: members, a few inactive cards, a lookout. */
public final class DemoList {
    private DemoList() {}

    public static String epc(long n) {
        return String.format("E2000017%016X", n);
    }

    public static List<CardRecord> cards(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<CardRecord> cards = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            CardRecord card = card(i, random);
            cards.add(card);
        }
        return cards;
    }

    /** Card number {@code i}: every 50th suspended, every 97th expired, every 500th a lookout. */
    public static CardRecord card(long i, SplittableRandom random) {
        CardStatus status = i % 50 == 49 ? CardStatus.SUSPENDED : CardStatus.ACTIVE;
        long expires = i % 97 == 96 ? 1_600_000_000_000L : Long.MAX_VALUE;
        String plate = "ON:" + (char) ('A' + random.nextInt(26)) + (char) ('A' + random.nextInt(26))
                + (char) ('A' + random.nextInt(26)) + (100 + (i % 900));
        String tid = String.format("E2801130%016X", i * 7919);
        return new CardRecord(epc(i), status, expires, Set.of(plate), tid, i % 500 == 499);
    }
}
