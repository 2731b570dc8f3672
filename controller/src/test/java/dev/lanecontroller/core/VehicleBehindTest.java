package dev.lanecontroller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.GateLimit;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.PlateEventKind;
import dev.lanecontroller.hal.SignalAspect;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The vehicle behind the one the lane is busy with: its plate is read before its read window
 * opens, and it may follow the first under the arm. DESIGN §5: a clearance opens for one vehicle.
 */
class VehicleBehindTest {
    private static final LaneSettings D = LaneSettings.defaults("lane-behind");
    /** Plates required, so a plate lost for the queued car shows as NO_PLATE. */
    static final LaneSettings PLATES_REQUIRED = withLoops(true, true, true);

    static LaneSettings withLoops(boolean arming, boolean exit, boolean platesRequired) {
        return new LaneSettings(D.laneId(), LaneMode.AUTOMATED, arming, exit, Set.of("NEXUS"), platesRequired, 0, 0.0, false,
                D.antiPassbackMs(), D.maxTagsPerVehicle(), D.maxListAgeMs(), D.readWindowMs(), D.suppressionMs(), D.openTimeoutMs(),
                D.gateTravelLimitMs(), D.confirmTimeoutMs(), D.referralTimeoutMs(), D.loopStuckMs(), D.loopChatterChanges(),
                D.loopChatterWindowMs(), D.readerHeartbeatTimeoutMs());
    }

    /** A member with plate ON:ABC123 decided and driving onto the safety loop, the arm open. */
    static LaneDriver firstCarOnTheSafetyLoop(LaneSettings settings) {
        LaneDriver lane = new LaneDriver(settings, () -> 0.99);
        lane.loop(LoopId.ARMING, true).card(LaneDriver.member("E2000017000000000000000A")).plate("ABC 123", PlateEventKind.NEW)
                .after(settings.readWindowMs());
        assertEquals(List.of("CLEARED"), lane.decisions());
        return lane.limit(GateLimit.OPEN).loop(LoopId.SAFETY, true);
    }

    @Test
    void aQueuedCarsPlateReadWhileTheCarAheadPassesIsItsOwn() {
        LaneDriver lane = firstCarOnTheSafetyLoop(PLATES_REQUIRED);
        // The first car's rear leaves the arming loop; the second rolls up to the stop line behind it.
        lane.loop(LoopId.ARMING, false).loop(LoopId.ARMING, true).plate("ABC-123", PlateEventKind.NEW);
        lane.loop(LoopId.EXIT, true).loop(LoopId.SAFETY, false).card(LaneDriver.member("E2000017000000000000000B"))
                .loop(LoopId.EXIT, false).after(D.readWindowMs());
        assertEquals(List.of("CLEARED", "CLEARED"), lane.decisions(), "before the fix the second car was NO_PLATE");
        assertEquals("ON:ABC123", lane.recorded(LaneEvent.DecisionMade.class).get(1).plate());
        assertEquals(List.of(), lane.recorded(LaneEvent.Tailgate.class));
    }

    @Test
    void aQueuedCarWhosePlateBelongsToNoneOfItsCardsIsReferred() {
        LaneDriver lane = firstCarOnTheSafetyLoop(PLATES_REQUIRED);
        lane.loop(LoopId.ARMING, false).loop(LoopId.ARMING, true).plate("XYZ 999", PlateEventKind.NEW).plate("XYZ 998", PlateEventKind.UPDATE);
        lane.loop(LoopId.EXIT, true).loop(LoopId.SAFETY, false).card(LaneDriver.member("E2000017000000000000000B"))
                .after(D.readWindowMs());
        assertEquals(List.of("CLEARED", "PLATE_MISMATCH"), lane.decisions(), "before the fix the second car was CLEARED (plate: null)");
        LaneEvent.DecisionMade second = lane.recorded(LaneEvent.DecisionMade.class).get(1);
        assertEquals("ON:XYZ998", second.plate());
        assertEquals(1, second.plateRevisions());
    }

    @Test
    void aCarBumperToBumperBehindAClearedOneIsATailgateWhenTheCameraReadIt() {
        LaneDriver lane = firstCarOnTheSafetyLoop(PLATES_REQUIRED);
        // No loop sees a gap: the arming loop stays occupied until the second car is past it too.
        lane.plate("TGT 777", PlateEventKind.NEW).loop(LoopId.EXIT, true).loop(LoopId.ARMING, false)
                .plate("TGT 777", PlateEventKind.LOST).loop(LoopId.SAFETY, false);
        assertEquals(List.of("CLEARED"), lane.decisions(), "the second car has no transaction of its own");
        List<LaneEvent.Tailgate> tailgates = lane.recorded(LaneEvent.Tailgate.class);
        assertEquals(1, tailgates.size(), lane.events().toString());
        assertEquals(LaneEvent.Tailgate.PLATE, tailgates.get(0).evidence());
        assertEquals("ON:TGT777", tailgates.get(0).plate());
        assertEquals(1, tailgates.get(0).lastTransactionId());
        assertTrue(lane.events().indexOf("TAILGATE") > lane.events().indexOf("PASSAGE"));
    }

    @Test
    void aSecondVehicleOverTheExitLoopInOnePassageIsATailgate() {
        LaneDriver lane = firstCarOnTheSafetyLoop(PLATES_REQUIRED);
        // The safety loop stays occupied (the gap is shorter than it), the exit loop sees the gap.
        lane.loop(LoopId.ARMING, false).loop(LoopId.EXIT, true).loop(LoopId.EXIT, false).loop(LoopId.EXIT, true);
        List<LaneEvent.Tailgate> tailgates = lane.recorded(LaneEvent.Tailgate.class);
        assertEquals(1, tailgates.size(), lane.events().toString());
        assertEquals(LaneEvent.Tailgate.EXIT_LOOP, tailgates.get(0).evidence());
    }

    @Test
    void aLateReadingOfTheDecidedCarsPlateIsNotGivenToTheCarBehind() {
        LaneDriver lane = new LaneDriver(PLATES_REQUIRED, () -> 0.99);
        lane.loop(LoopId.ARMING, true).card(LaneDriver.member("E2000017000000000000000A")).after(D.readWindowMs());
        assertEquals(List.of("NO_PLATE"), lane.decisions());
        lane.plate("ABC 123", PlateEventKind.NEW); // the camera was slow; the car waits at the stop line, referred
        lane.command(CommandKind.RELEASE, null).limit(GateLimit.OPEN).loop(LoopId.ARMING, false).loop(LoopId.SAFETY, true)
                .loop(LoopId.EXIT, true).loop(LoopId.SAFETY, false).loop(LoopId.EXIT, false).after(D.suppressionMs())
                .limit(GateLimit.CLOSED);
        lane.loop(LoopId.ARMING, true).card(LaneDriver.member("E2000017000000000000000B")).after(D.readWindowMs());
        assertEquals(List.of("NO_PLATE", "NO_PLATE"), lane.decisions());
        assertEquals(List.of(), lane.recorded(LaneEvent.Tailgate.class));
    }

    @Test
    void aPlateWhoseCarIsNotWaitingWhenTheLaneIsFreeIsNobodys() {
        LaneDriver lane = new LaneDriver(PLATES_REQUIRED, () -> 0.99);
        lane.plate("GONE 1", PlateEventKind.NEW); // a car that turned away before the arming loop
        lane.after(1_000).loop(LoopId.ARMING, true).card(LaneDriver.member("E2000017000000000000000B")).after(D.readWindowMs());
        assertEquals(List.of("NO_PLATE"), lane.decisions());
    }

    @Test
    void withoutAnArmingLoopACarWithNoCardIsDecidedOnItsPlate() {
        LaneSettings noArming = withLoops(false, true, false);
        LaneDriver lane = new LaneDriver(noArming, () -> 0.99);
        lane.plate("NOC 001", PlateEventKind.NEW).after(noArming.readWindowMs());
        assertEquals(List.of("NO_TAG"), lane.decisions(), "before the fix nothing happened: the car stood unseen");
        assertEquals(SignalAspect.REFER, lane.signal());
        // The officer sends it through: the lane is free for the member behind it.
        lane.command(CommandKind.RELEASE, null).limit(GateLimit.OPEN).loop(LoopId.SAFETY, true).loop(LoopId.EXIT, true)
                .loop(LoopId.SAFETY, false).loop(LoopId.EXIT, false).after(noArming.suppressionMs()).limit(GateLimit.CLOSED);
        lane.card(LaneDriver.member("E2000017000000000000000B")).after(noArming.readWindowMs());
        assertEquals(List.of("NO_TAG", "CLEARED"), lane.decisions());
    }

    @Test
    void aReleaseWhileSomethingIsOnTheSafetyLoopWaitsForTheLoopToClear() {
        LaneDriver lane = new LaneDriver(PLATES_REQUIRED, () -> 0.99);
        lane.loop(LoopId.ARMING, true).card(LaneDriver.member("E2000017000000000000000A")).after(D.readWindowMs());
        assertEquals(List.of("NO_PLATE"), lane.decisions());
        lane.loop(LoopId.SAFETY, true); // a loop stuck occupied, or someone on foot under the arm
        lane.command(CommandKind.RELEASE, null);
        assertEquals(0, lane.gateCommands(GateDirection.UP), "before the fix the arm opened over the occupied loop");
        assertEquals(SignalAspect.STOP, lane.signal(), "and showed PROCEED: every car behind then went on one release");
        lane.after(1_000).loop(LoopId.SAFETY, false);
        assertEquals(1, lane.gateCommands(GateDirection.UP));
        assertEquals(SignalAspect.PROCEED, lane.signal(), "once the lane can see the released car arrive, it opens for it");
    }

    @Test
    void aReleaseHeldByALoopThatNeverClearsIsAbandonedAndTheLoopFaults() {
        LaneDriver lane = new LaneDriver(PLATES_REQUIRED, () -> 0.99);
        lane.loop(LoopId.ARMING, true).card(LaneDriver.member("E2000017000000000000000A")).after(D.readWindowMs());
        lane.loop(LoopId.SAFETY, true).command(CommandKind.RELEASE, null).withReaderAlive(D.openTimeoutMs());
        assertEquals(List.of("DECISION", "RELEASED", "ABANDONED"), lane.events());
        lane.withReaderAlive(D.loopStuckMs());
        assertEquals(LaneMode.FAULT, lane.state.mode());
        assertEquals("LOOP_STUCK", lane.state.faultCause());
        assertEquals(0, lane.gateCommands(GateDirection.UP));
    }

    @Test
    void aReferredCarThatBacksAwayTakesItsReferralWithIt() {
        LaneDriver lane = new LaneDriver(PLATES_REQUIRED, () -> 0.99);
        lane.loop(LoopId.ARMING, true).card(LaneDriver.member("E2000017000000000000000A")).after(D.readWindowMs());
        assertEquals(List.of("NO_PLATE"), lane.decisions());
        lane.withReaderAlive(5_000).loop(LoopId.ARMING, false);
        List<LaneEvent.VehicleLeft> left = lane.recorded(LaneEvent.VehicleLeft.class);
        assertEquals(1, left.size(), lane.events().toString());
        assertEquals("Referred", left.get(0).phase());
        // The car that rolls up next is decided on its own, and the officer's late release opens for nobody.
        lane.loop(LoopId.ARMING, true).command(CommandKind.RELEASE, null);
        assertEquals(0, lane.gateCommands(GateDirection.UP), "before the fix the next car went on the release");
        lane.card(LaneDriver.member("E2000017000000000000000B")).plate("ABC 123", PlateEventKind.NEW).after(D.readWindowMs());
        assertEquals(List.of("NO_PLATE", "CLEARED"), lane.decisions());
    }
}
