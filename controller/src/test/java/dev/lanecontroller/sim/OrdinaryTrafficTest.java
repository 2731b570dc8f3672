package dev.lanecontroller.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.config.LaneSetup;
import dev.lanecontroller.core.CommandKind;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.LaneSettings;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.ReadFilter;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.shell.LaneObserver;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.MemoryClearance;
import dev.lanecontroller.store.MemoryJournal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Well-behaved members in a queue are cleared one by one: the cards of the car queued behind must
 * not leak into the transaction of the car at the gate (which would refer the next car as
 * DUPLICATE_TAG). The demo traffic of `run` is this traffic.
 */
class OrdinaryTrafficTest {
    @Test
    void aQueueOfMembersIsMostlyClearedAndRarelySeenTwice() {
        List<CardRecord> cards = DemoList.cards(20_000, 7);
        MemoryClearance clearance = new MemoryClearance();
        long start = 1_795_852_800_000L;
        clearance.put(new ListInfo("NEXUS", 1, start, ListInfo.NO_EXPIRY, cards.size()), cards);
        Map<String, Integer> outcomes = new HashMap<>();
        Simulation[] sim = new Simulation[1];
        LaneObserver officer = new LaneObserver() {
            @Override
            public void onEvent(JournalEntry entry) {
                if (entry.type().equals("DECISION")) {
                    String outcome = entry.payloadJson().replaceAll(".*\"outcome\":\"([A-Z_]+)\".*", "$1");
                    outcomes.merge(outcome, 1, Integer::sum);
                    if (!outcome.equals("CLEARED")) {
                        sim[0].scheduler.after(8_000, () -> sim[0].submit(new LaneInput.Command("r" + entry.seq(), CommandKind.RELEASE, null, "o")));
                    }
                }
            }

            @Override
            public void onSignal(SignalAspect aspect, Now at) {
                // Not watched.
            }

            @Override
            public void onGate(GateDirection direction, Now at) {
                // Not watched.
            }
        };
        sim[0] = new Simulation(new LaneSetup(LaneSettings.defaults("lane-queue"), new ReadFilter(Set.of(1, 2), -90)), 1_500, 1_000,
                clearance, new MemoryJournal("queue"), start, true, 3, 0.01, officer);
        TrafficGenerator generator = new TrafficGenerator(cards, new SplittableRandom(5), false);
        for (int i = 0; i < 1_000; i++) {
            sim[0].runUntil(sim[0].elapsedMs() + generator.nextGapMs(600));
            sim[0].traffic.add(generator.next());
        }
        sim[0].runUntil(sim[0].elapsedMs() + 600_000);
        int decisions = outcomes.values().stream().mapToInt(Integer::intValue).sum();
        int cleared = outcomes.getOrDefault("CLEARED", 0);
        assertTrue(decisions >= 1_000, "every vehicle gets its decision: " + outcomes);
        assertTrue(cleared >= decisions * 0.8, "mostly cleared: " + outcomes);
        assertTrue(outcomes.getOrDefault("DUPLICATE_TAG", 0) <= decisions * 0.01, "cards leaking between vehicles: " + outcomes);
    }
}
