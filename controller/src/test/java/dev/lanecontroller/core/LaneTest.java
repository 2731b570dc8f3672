package dev.lanecontroller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.GateLimit;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.SignalAspect;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Hand-picked lane situations, read like the lane; the random runs in SafetyPropertyTest try the rest. */
class LaneTest {
    static final LaneSettings SETTINGS = LaneSettings.defaults("lane-test");

    LaneDriver clearedCarAtTheGate() {
        LaneDriver lane = new LaneDriver(SETTINGS, () -> 0.99);
        lane.loop(LoopId.ARMING, true).card(LaneDriver.member("E2000017000000000000000A")).after(SETTINGS.readWindowMs());
        assertEquals(List.of("CLEARED"), lane.decisions());
        assertEquals(SignalAspect.PROCEED, lane.signal());
        return lane.limit(GateLimit.OPEN);
    }

    @Test
    void aCarThatStopsOnTheSafetyLoopIsNeverLoweredOnEvenWhenItsTimeRunsOut() {
        LaneDriver lane = clearedCarAtTheGate();
        lane.loop(LoopId.ARMING, false).loop(LoopId.SAFETY, true);
        lane.after(SETTINGS.openTimeoutMs() * 3).after(SETTINGS.loopStuckMs());
        assertEquals(LaneMode.FAULT, lane.state.mode(), "a loop occupied that long is a fault");
        assertEquals(0, lane.gateCommands(GateDirection.DOWN), "the gate never comes down on the car");
        assertEquals(SignalAspect.STOP, lane.signal());
        lane.loop(LoopId.SAFETY, false).after(SETTINGS.suppressionMs() - 1);
        assertEquals(0, lane.gateCommands(GateDirection.DOWN), "nor within the suppression time after it leaves");
        lane.after(1);
        assertEquals(1, lane.gateCommands(GateDirection.DOWN));
    }

    @Test
    void aModeChangeThatWaitedForTheCarNamesItsCommandWhenItTakesEffect() {
        LaneDriver lane = clearedCarAtTheGate();
        lane.command(CommandKind.SET_MODE, LaneMode.CLOSED);
        String commandId = lane.recorded(LaneEvent.ModeChangePending.class).get(0).commandId();
        lane.loop(LoopId.ARMING, false).loop(LoopId.SAFETY, true).loop(LoopId.EXIT, true).loop(LoopId.SAFETY, false)
                .loop(LoopId.EXIT, false).after(SETTINGS.suppressionMs()).limit(GateLimit.CLOSED);
        List<LaneEvent.ModeChanged> changed = lane.recorded(LaneEvent.ModeChanged.class);
        assertEquals(1, changed.size(), lane.events().toString());
        assertEquals(commandId, changed.get(0).commandId(), "before: null, so central could not tell which command took effect");
    }

    @Test
    void theModeAlreadyInForceIsUnchangedAtOnceEvenWithACarInTheLane() {
        LaneDriver lane = clearedCarAtTheGate();
        lane.command(CommandKind.SET_MODE, LaneMode.AUTOMATED);
        assertEquals(List.of(), lane.recorded(LaneEvent.ModeChangePending.class), "before: PENDING from AUTOMATED to AUTOMATED");
        assertEquals(1, lane.recorded(LaneEvent.ModeUnchanged.class).size(), lane.events().toString());
        // A change that waits, then the mode in force asked again: the latest word counts, the lane stays.
        lane.command(CommandKind.SET_MODE, LaneMode.CLOSED).command(CommandKind.SET_MODE, LaneMode.AUTOMATED);
        assertEquals(null, lane.state.pendingMode(), "the waiting CLOSED is dropped");
        lane.loop(LoopId.ARMING, false).loop(LoopId.SAFETY, true).loop(LoopId.EXIT, true).loop(LoopId.SAFETY, false)
                .loop(LoopId.EXIT, false).after(SETTINGS.suppressionMs()).limit(GateLimit.CLOSED);
        assertEquals(LaneMode.AUTOMATED, lane.state.mode());
        assertEquals(List.of(), lane.recorded(LaneEvent.ModeChanged.class));
    }

    @Test
    void closingTheLaneWhileACarIsInItFinishesThatCarFirst() {
        LaneDriver lane = clearedCarAtTheGate();
        lane.command(CommandKind.SET_MODE, LaneMode.CLOSED);
        assertEquals(LaneMode.AUTOMATED, lane.state.mode());
        assertEquals(SignalAspect.PROCEED, lane.signal(), "the car in the lane still gets its green");
        lane.loop(LoopId.ARMING, false).loop(LoopId.SAFETY, true).loop(LoopId.EXIT, true).loop(LoopId.SAFETY, false)
                .loop(LoopId.EXIT, false).after(SETTINGS.suppressionMs()).limit(GateLimit.CLOSED);
        assertEquals(LaneMode.CLOSED, lane.state.mode());
        assertTrue(lane.events().containsAll(List.of("MODE_CHANGE_PENDING", "PASSAGE", "MODE_CHANGED")), lane.events().toString());
        lane.loop(LoopId.ARMING, true).card(LaneDriver.member("E2000017000000000000000B")).after(SETTINGS.readWindowMs());
        assertEquals(List.of("CLEARED", "LANE_NOT_AUTOMATED"), lane.decisions());
        assertEquals(SignalAspect.STOP, lane.signal(), "a closed lane shows the red X, not the refer aspect");
    }

    @Test
    void everyModeCommandIsAnsweredInTheJournalEvenOneThatChangesNothing() {
        LaneDriver lane = new LaneDriver(SETTINGS, () -> 0.99);
        lane.command(CommandKind.SET_MODE, LaneMode.AUTOMATED);
        assertEquals(LaneMode.AUTOMATED, lane.state.mode());
        assertTrue(lane.events().contains("MODE_UNCHANGED"), lane.events().toString());
        assertTrue(!lane.events().contains("MODE_CHANGED"), lane.events().toString());
    }

    @Test
    void aReleaseOpensForAReferredCarOnlyAndNeverInFault() {
        LaneDriver lane = new LaneDriver(SETTINGS, () -> 0.99);
        lane.command(CommandKind.RELEASE, null);
        assertEquals(0, lane.gateCommands(GateDirection.UP), "nobody to release");
        lane.loop(LoopId.ARMING, true).after(SETTINGS.readWindowMs());
        assertEquals(List.of("NO_TAG"), lane.decisions());
        assertEquals(SignalAspect.REFER, lane.signal());
        lane.feed(new LaneInput.HardwareFault("output", "test"));
        lane.command(CommandKind.RELEASE, null);
        assertEquals(0, lane.gateCommands(GateDirection.UP), "no release while the lane is in FAULT");
        lane.command(CommandKind.FAULT_RESET, null).limit(GateLimit.CLOSED).command(CommandKind.RELEASE, null);
        assertEquals(1, lane.gateCommands(GateDirection.UP));
        assertTrue(lane.events().containsAll(List.of("COMMAND_REJECTED", "FAULT", "FAULT_RESET", "RELEASED")), lane.events().toString());
    }

    @Test
    void aGateThatDoesNotReachItsLimitPutsTheLaneInFaultAndStop() {
        LaneDriver lane = new LaneDriver(SETTINGS, () -> 0.99);
        lane.loop(LoopId.ARMING, true).card(LaneDriver.member("E2000017000000000000000C")).after(SETTINGS.readWindowMs());
        lane.after(SETTINGS.gateTravelLimitMs() / 2).feed(new LaneInput.ReaderAlive()).after(SETTINGS.gateTravelLimitMs() / 2);
        assertEquals(LaneMode.FAULT, lane.state.mode());
        assertEquals("GATE_TRAVEL_TIMEOUT", lane.state.faultCause());
        assertEquals(SignalAspect.STOP, lane.signal());
    }

    @Test
    void aSilentReaderIsAFault() {
        LaneDriver lane = new LaneDriver(SETTINGS, () -> 0.99);
        lane.after(SETTINGS.readerHeartbeatTimeoutMs());
        assertEquals("READER_SILENT", lane.state.faultCause());
    }

    @Test
    void randomReferralsComeAtTheConfiguredRate() {
        LaneSettings d = SETTINGS;
        LaneSettings fivePercent = new LaneSettings(d.laneId(), d.initialMode(), d.hasArmingLoop(), d.hasExitLoop(), d.acceptedPrograms(),
                d.plateRequired(), d.minPlateConfidencePct(), 5.0, d.officerConfirm(), 0, d.maxTagsPerVehicle(), d.maxListAgeMs(),
                d.readWindowMs(), d.suppressionMs(), d.openTimeoutMs(), d.gateTravelLimitMs(), d.confirmTimeoutMs(), d.referralTimeoutMs(),
                d.loopStuckMs(), d.loopChatterChanges(), d.loopChatterWindowMs(), d.readerHeartbeatTimeoutMs());
        SplittableRandom random = new SplittableRandom(5);
        Map<String, ListInfo> lists = Map.of("NEXUS", new ListInfo("NEXUS", 1, 0, ListInfo.NO_EXPIRY, 1));
        Transaction txn = Transaction.open(1, 0).withRead(new LaneInput.TagSeen(
                new dev.lanecontroller.hal.TagRead("E2000017000000000000000D", null, 1, -50), LaneDriver.member("E2000017000000000000000D")));
        int draws = 100_000;
        int selected = 0;
        for (int i = 0; i < draws; i++) {
            Decision decision = Decider.decide(fivePercent, LaneMode.AUTOMATED, lists, txn, Map.of(), new Now(0, 0, true), random.nextDouble());
            selected += decision.outcome() == Reason.RANDOM ? 1 : 0;
        }
        // Binomial(100000, 0.05): sd 69; the seeded draw sits well inside 5 sd.
        assertTrue(Math.abs(selected - 5_000) < 350, "selected " + selected + " of " + draws);
    }

    @Test
    void aLaneThatStartsWithTheArmDownDoesNotWaitForALimitSwitchThatCannotChange() {
        // A close pulse to an arm already down moves nothing, so no new limit report would come: the
        // lane takes the arm as down instead of faulting GATE_TRAVEL_TIMEOUT at every start.
        LaneDriver lane = new LaneDriver(SETTINGS, () -> 0.99, true);
        for (long ms = 0; ms < SETTINGS.suppressionMs() + SETTINGS.gateTravelLimitMs() * 2; ms += 500) {
            lane.feed(new LaneInput.ReaderAlive()).after(500);
        }
        assertEquals(LaneMode.AUTOMATED, lane.state.mode(), lane.events().toString());
        assertEquals(0, lane.gateCommands(GateDirection.DOWN));
        lane.loop(LoopId.ARMING, true).card(LaneDriver.member("E2000017000000000000000C")).after(SETTINGS.readWindowMs());
        assertEquals(List.of("CLEARED"), lane.decisions());
        assertEquals(1, lane.gateCommands(GateDirection.UP));
        lane.limit(GateLimit.OPEN).loop(LoopId.ARMING, false).loop(LoopId.SAFETY, true).loop(LoopId.EXIT, true).loop(LoopId.SAFETY, false)
                .loop(LoopId.EXIT, false).after(SETTINGS.suppressionMs());
        assertEquals(1, lane.gateCommands(GateDirection.DOWN), "the arm comes down behind the car as usual");
    }

    @Test
    void aLaneThatDoesNotKnowWhereTheArmIsSendsItDownAtStart() {
        LaneDriver lane = new LaneDriver(SETTINGS, () -> 0.99, false);
        lane.after(SETTINGS.suppressionMs());
        assertEquals(1, lane.gateCommands(GateDirection.DOWN));
        lane.feed(new LaneInput.ReaderAlive()).after(SETTINGS.gateTravelLimitMs());
        assertEquals(LaneMode.FAULT, lane.state.mode(), "an arm that never reports down is a fault");
        assertTrue(lane.events().contains("FAULT"));
    }

    @Test
    void aModeChangeThatWaitedForTheCarNeverClearsAFaultThatLatchedMeanwhile() {
        LaneDriver lane = clearedCarAtTheGate();
        lane.command(CommandKind.SET_MODE, LaneMode.CLOSED);
        assertTrue(lane.events().contains("MODE_CHANGE_PENDING"), lane.events().toString());
        lane.feed(new LaneInput.HardwareFault("reader", "silent"));
        assertEquals(LaneMode.FAULT, lane.state.mode());
        // The car leaves and the arm comes down behind it: the lane is empty, the change waited for that.
        lane.loop(LoopId.ARMING, false).loop(LoopId.SAFETY, true).loop(LoopId.EXIT, true).loop(LoopId.SAFETY, false)
                .loop(LoopId.EXIT, false).after(SETTINGS.suppressionMs()).limit(GateLimit.CLOSED).after(10);
        assertEquals(LaneMode.FAULT, lane.state.mode(), "latched until reset: " + lane.events());
        assertFalse(lane.events().contains("MODE_CHANGED"), lane.events().toString());
        lane.command(CommandKind.FAULT_RESET, null);
        assertTrue(lane.events().contains("FAULT_RESET"), lane.events().toString());
        lane.after(10);
        assertEquals(LaneMode.CLOSED, lane.state.mode(), "the closing asked for before the fault takes effect after the reset");
    }

    @Test
    void aCarOnTheArmingLoopWhenTheLaneStartsIsNotDecidedAgainUntilItLeaves() {
        // Referred before a crash or power cut, it must not get a fresh decision (a new random draw, no
        // anti-passback memory) and the gate with it.
        LaneDriver lane = new LaneDriver(SETTINGS, () -> 0.99, true);
        lane.feed(new LaneInput.LoopChanged(LoopId.ARMING, true, true)).card(LaneDriver.member("E2000017000000000000000D"))
                .after(SETTINGS.readWindowMs() * 3);
        assertEquals(List.of(), lane.decisions(), "no decision for the car that stood there at start");
        assertEquals(0, lane.gateCommands(GateDirection.UP));
        lane.loop(LoopId.ARMING, false).feed(new LaneInput.ReaderAlive()).after(1_000);
        lane.loop(LoopId.ARMING, true).card(LaneDriver.member("E2000017000000000000000E")).after(SETTINGS.readWindowMs());
        assertEquals(List.of("CLEARED"), lane.decisions(), "the next car is decided as usual");
    }

    @Test
    void theListVersionInForceNeverGoesBackWhenReportsCross() {
        LaneDriver lane = new LaneDriver(SETTINGS, () -> 0.99);
        lane.feed(new LaneInput.ListInForce(new ListInfo("NEXUS", 6, LaneDriver.LIST_ISSUED_WALL_MS, ListInfo.NO_EXPIRY, 1)));
        lane.feed(new LaneInput.ListInForce(new ListInfo("NEXUS", 5, LaneDriver.LIST_ISSUED_WALL_MS, ListInfo.NO_EXPIRY, 1)));
        lane.feed(new LaneInput.ListInForce(new ListInfo("NEXUS", 6, LaneDriver.LIST_ISSUED_WALL_MS, ListInfo.NO_EXPIRY, 1)));
        assertEquals(6, lane.state.lists().get("NEXUS").version());
        assertEquals(List.of("LIST_IN_FORCE"), lane.events(), "v6 once; the late v5 and the repeated v6 change nothing");
    }

    @Test
    void aSilentReaderHeardAgainForTwoHeartbeatTimeoutsClearsItsFaultByItself() {
        LaneDriver lane = new LaneDriver(SETTINGS, () -> 0.99);
        lane.after(SETTINGS.readerHeartbeatTimeoutMs());
        assertEquals(LaneMode.FAULT, lane.state.mode());
        assertEquals("READER_SILENT", lane.state.faultCause());
        // The reader comes back, but drops out once: the clock restarts, so flapping never clears it.
        lane.withReaderAlive(3_000).after(SETTINGS.readerHeartbeatTimeoutMs()).withReaderAlive(2 * SETTINGS.readerHeartbeatTimeoutMs() - 2_000);
        assertEquals(LaneMode.FAULT, lane.state.mode(), "not yet: back for less than two heartbeat timeouts since the gap");
        lane.withReaderAlive(3_000);
        assertEquals(LaneMode.AUTOMATED, lane.state.mode(), "before: only a signed FAULT_RESET ended it, with the reader long back");
        assertEquals(List.of("FAULT", "FAULT_CLEARED"), lane.events().stream().filter(e -> e.startsWith("FAULT")).toList());
        lane.loop(LoopId.ARMING, true).card(LaneDriver.member("E2000017000000000000000A")).after(SETTINGS.readWindowMs());
        assertEquals(List.of("CLEARED"), lane.decisions(), "members are cleared again");
    }

    @Test
    void aReaderThatReportsAnAntennaDisconnectedFaultsTheLaneUntilItReportsItBack() {
        LaneDriver lane = new LaneDriver(SETTINGS, () -> 0.99);
        lane.withReaderAlive(1_000).feed(new LaneInput.ReaderTrouble("antenna 2 disconnected"));
        assertEquals(LaneMode.FAULT, lane.state.mode(), "at once, not after a heartbeat timeout");
        assertEquals("READER_TROUBLE", lane.state.faultCause());
        // Still talking (keepalives, reads on the other antenna): a half-blind reader is not a healthy one.
        lane.withReaderAlive(10 * SETTINGS.readerHeartbeatTimeoutMs());
        assertEquals(LaneMode.FAULT, lane.state.mode(), "heartbeats alone do not end what the reader itself reports");
        lane.loop(LoopId.ARMING, true).card(LaneDriver.member("E2000017000000000000000A")).after(SETTINGS.readWindowMs());
        assertEquals(List.of("LANE_NOT_AUTOMATED"), lane.decisions(), "a member is referred while the antenna is off");
        lane.loop(LoopId.ARMING, false).command(CommandKind.RELEASE, null).loop(LoopId.SAFETY, true).loop(LoopId.SAFETY, false)
                .withReaderAlive(SETTINGS.suppressionMs() * 3);
        // A technician resets while the cable is still loose: the fault shows itself again at once.
        lane.command(CommandKind.FAULT_RESET, null).limit(GateLimit.CLOSED); // the reset commands the arm down afresh
        assertEquals(LaneMode.FAULT, lane.state.mode(), lane.events().toString());
        assertEquals("READER_TROUBLE", lane.state.faultCause());
        lane.feed(new LaneInput.ReaderTroubleEnded()).withReaderAlive(2 * SETTINGS.readerHeartbeatTimeoutMs() - 1_000);
        assertEquals(LaneMode.FAULT, lane.state.mode(), "back for less than the recovery time");
        lane.withReaderAlive(2_000);
        assertEquals(LaneMode.AUTOMATED, lane.state.mode(), lane.recorded(LaneEvent.class).toString());
        assertTrue(lane.events().contains("FAULT_CLEARED"), lane.events().toString());
        lane.loop(LoopId.ARMING, true).card(LaneDriver.member("E2000017000000000000000B")).after(SETTINGS.readWindowMs());
        assertEquals(List.of("LANE_NOT_AUTOMATED", "CLEARED"), lane.decisions(), "members are cleared again");
    }

    @Test
    void readerTroubleDoesNotClearAFaultThatNeedsAReset() {
        LaneDriver lane = new LaneDriver(SETTINGS, () -> 0.99);
        lane.feed(new LaneInput.ReaderTrouble("antenna 1 disconnected")).feed(new LaneInput.HardwareFault("output", "read back differs"))
                .feed(new LaneInput.ReaderTroubleEnded()).withReaderAlive(10 * SETTINGS.readerHeartbeatTimeoutMs());
        assertEquals(LaneMode.FAULT, lane.state.mode(), "the output fault still needs a reset");
        assertEquals("OUTPUT_FAULT", lane.state.faultCause());
    }

    @Test
    void aSilentReaderDoesNotClearAFaultThatNeedsAReset() {
        LaneDriver lane = new LaneDriver(SETTINGS, () -> 0.99);
        lane.feed(new LaneInput.HardwareFault("output", "signal read back differs from command"));
        lane.after(SETTINGS.readerHeartbeatTimeoutMs()).withReaderAlive(10 * SETTINGS.readerHeartbeatTimeoutMs());
        assertEquals(LaneMode.FAULT, lane.state.mode(), "an output fault latched first: the reader coming back ends nothing");
        LaneDriver other = new LaneDriver(SETTINGS, () -> 0.99);
        other.after(SETTINGS.readerHeartbeatTimeoutMs()).feed(new LaneInput.HardwareFault("output", "read back differs"))
                .withReaderAlive(10 * SETTINGS.readerHeartbeatTimeoutMs());
        assertEquals(LaneMode.FAULT, other.state.mode(), "nor when the output fault latched second");
    }

    @Test
    void theArmNeverComesDownWhileThePhotoEyeSeesSomethingTheLoopCannot() {
        LaneDriver lane = clearedCarAtTheGate();
        lane.loop(LoopId.ARMING, false).loop(LoopId.SAFETY, true).loop(LoopId.EXIT, true).loop(LoopId.SAFETY, false).loop(LoopId.EXIT, false);
        lane.loop(LoopId.PHOTO_EYE, true); // a cyclist under the arm, too light for the loop
        lane.after(SETTINGS.suppressionMs() * 5);
        assertEquals(0, lane.gateCommands(GateDirection.DOWN), "before, the arm came down on what only the photo-eye saw");
        lane.loop(LoopId.PHOTO_EYE, false).after(SETTINGS.suppressionMs() - 1);
        assertEquals(0, lane.gateCommands(GateDirection.DOWN), "nor within the suppression time after the beam clears");
        lane.after(1);
        assertEquals(1, lane.gateCommands(GateDirection.DOWN));
        // Broken again while the arm descends: back up at once.
        lane.loop(LoopId.PHOTO_EYE, true);
        assertTrue(lane.events().contains("SAFETY_REVERSAL"), lane.events().toString());
        assertEquals(2, lane.gateCommands(GateDirection.UP));
    }
}
