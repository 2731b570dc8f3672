package dev.lanecontroller.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.link.CampaignReport;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.MemoryJournal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Clock faults in virtual time (docs/reliability.md): the wall clock stepped back and forward by
 * an hour at seeded moments under steady traffic, and a clock that is far behind at boot until
 * NTP steps it. Timeouts and ordering run on the monotonic clock, so a lane whose wall clock is
 * stepped must do exactly what an undisturbed lane does, plus one CLOCK_STEPPED alert per step.
 * Expiry runs on the wall clock as it is (docs/configuration.md): a clock that is provably behind
 * (the list was signed in its future) refers everyone as LIST_STALE until it is corrected.
 */
class ClockFaultTest {
    private static final long HOUR_MS = 3_600_000;

    @Test
    void steppingTheWallClockAnHourEitherWayChangesNothingButTheRecord() throws Exception {
        int steps = Integer.getInteger("lane.campaign.clockSteps", 24);
        long seed = Long.getLong("lane.campaign.seed", 20_261_128L);
        String replay = " (replay with -Dlane.campaign.seed=" + seed + " -Dlane.campaign.clockSteps=" + steps + ")";
        long startNanos = System.nanoTime();
        // The list was signed two hours before the start: an hour back is still after it, an hour on still fresh.
        long listIssued = BusyLane.START_WALL_MS - 2 * HOUR_MS;
        BusyLane undisturbed = new BusyLane(new MemoryJournal("clock-control"), seed, listIssued);
        BusyLane stepped = new BusyLane(new MemoryJournal("clock-stepped"), seed, listIssued);
        SplittableRandom random = new SplittableRandom(seed);
        long t = 0;
        long offsetMs = 0;
        List<Long> stepsMade = new ArrayList<>();
        // Within the list's 24 h life however many steps: the lane must not go stale (and refer everyone) halfway.
        long gapMs = Math.min(20 * 60_000, 18 * HOUR_MS / steps);
        for (int i = 0; i < steps; i++) {
            t += 60_000 + random.nextLong(gapMs);
            undisturbed.runUntil(t);
            stepped.runUntil(t);
            // Back or forward, but never more than an hour off the true time, so every list stays fresh.
            long step = offsetMs > 0 ? -HOUR_MS : offsetMs < 0 ? HOUR_MS : (random.nextBoolean() ? HOUR_MS : -HOUR_MS);
            stepped.sim.stepWallClock(step);
            offsetMs += step;
            stepsMade.add(step);
        }
        t += 10 * 60_000;
        undisturbed.runUntil(t);
        stepped.runUntil(t);

        List<JournalEntry> clockSteps = stepped.events().stream().filter(e -> e.type().equals("CLOCK_STEPPED")).toList();
        assertEquals(steps, clockSteps.size(), "one CLOCK_STEPPED alert per step" + replay);
        for (int i = 0; i < steps; i++) {
            assertTrue(clockSteps.get(i).payloadJson().contains("\"stepMs\":" + stepsMade.get(i)), clockSteps.get(i).payloadJson() + replay);
        }
        assertEquals(withoutClockSteps(undisturbed.events()), withoutClockSteps(stepped.events()),
                "the same events in the same order, the same decisions, no timeout early or late" + replay);
        long lastMono = Long.MIN_VALUE;
        long lastSeq = 0;
        for (JournalEntry entry : stepped.events()) {
            assertTrue(entry.seq() == lastSeq + 1 && entry.monoMs() >= lastMono, "journal order is monotonic-time order" + replay);
            lastSeq = entry.seq();
            lastMono = entry.monoMs();
        }
        int decisions = stepped.events("DECISION");
        assertTrue(decisions > 100, decisions + " decisions");
        CampaignReport.row("clock-steps", "wall clock stepped ±1 h", CampaignReport.size(steps, 24) + ", seed " + seed,
                String.format(Locale.ROOT, "%d steps under traffic over %.1f virtual hours: %d CLOCK_STEPPED alerts (one per step, with "
                        + "its size); %d events and %d decisions identical, in order, to an undisturbed lane's (no timeout early or "
                        + "late); journal order = monotonic order", steps, t / 3_600_000.0, clockSteps.size(),
                        stepped.events().size() - steps, decisions), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos));
    }

    @Test
    void aClockFarBehindAtBootRefersEveryoneUntilNtpStepsIt() throws Exception {
        long seed = Long.getLong("lane.campaign.seed", 20_261_128L);
        long startNanos = System.nanoTime();
        // A Pi without a real-time clock boots at the time it last saved: here three days before the list was signed.
        long listIssued = BusyLane.START_WALL_MS + 3 * 24 * HOUR_MS;
        BusyLane lane = new BusyLane(new MemoryJournal("clock-boot"), seed, listIssued, false);
        lane.runUntil(20 * 60_000);
        List<JournalEntry> before = new ArrayList<>(lane.events());
        assertTrue(before.stream().noneMatch(JournalEntry::clockSynced), "every event says the clock is not synchronised");
        List<JournalEntry> decisionsBefore = before.stream().filter(e -> e.type().equals("DECISION")).toList();
        assertFalse(decisionsBefore.isEmpty());
        assertTrue(decisionsBefore.stream().allMatch(e -> e.payloadJson().contains("LIST_STALE") && !e.payloadJson().contains("\"CLEARED\"")),
                "a clock behind the list's signature clears no one: expired cards would look valid");
        assertEquals(LaneMode.AUTOMATED, lane.sim.shell().state().mode(), "the lane keeps working (referring) meanwhile");

        // NTP answers: the clock jumps three days forward and is synchronised.
        lane.sim.stepWallClock(3 * 24 * HOUR_MS + 60_000);
        lane.sim.setClockSynced(true);
        lane.runUntil(40 * 60_000);
        List<JournalEntry> after = lane.events().subList(before.size(), lane.events().size());
        assertEquals("CLOCK_STEPPED", after.get(0).type(), "the step is the first thing journaled after it");
        assertTrue(after.stream().allMatch(JournalEntry::clockSynced));
        long cleared = after.stream().filter(e -> e.type().equals("DECISION") && e.payloadJson().contains("\"outcome\":\"CLEARED\"")).count();
        assertTrue(cleared > 0, "members are cleared again once the clock is right");
        assertTrue(new ListInfo("NEXUS", 1, listIssued, ListInfo.NO_EXPIRY, 1).isFreshAt(lane.sim.now().wallMs(), 24 * HOUR_MS));
        CampaignReport.row("clock-unsynced-boot", "clock unsynchronised and 3 days behind at boot", "short (every CI run), seed " + seed,
                String.format(Locale.ROOT, "%d events flagged clockSynced=false, %d decisions all LIST_STALE referrals (the list was "
                        + "signed in the clock's future), lane AUTOMATED; after NTP stepped it: one CLOCK_STEPPED alert first, "
                        + "%d members cleared", before.size(), decisionsBefore.size(), cleared),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos));
    }

    /** What the lane did, without the record of the clock: type and details of every event, in order. */
    private static List<String> withoutClockSteps(List<JournalEntry> events) {
        return events.stream().filter(e -> !e.type().equals("CLOCK_STEPPED")).map(e -> e.type() + " " + e.payloadJson()).toList();
    }
}
