package dev.lanecontroller.core;

import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.GateLimit;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.SignalAspect;
import java.util.List;
import java.util.Map;

/**
 * Everything the lane core remembers between inputs. Immutable: {@link Lane#step} returns a new one.
 *
 * @param modeBeforeFault the mode a fault reset returns to
 * @param pendingMode a mode change that waits for the vehicle in the lane to finish, or null
 * @param faultCause why the lane is in FAULT, or null
 * @param signal the aspect last commanded, or null before the first command
 * @param gateCommand the direction last commanded, or null before the first command
 * @param gatePosition the limit switch last reached since the last command, or null while moving / unknown
 * @param recentCards card (EPC) to the monotonic time of its last transaction, oldest first (anti-passback)
 * @param wallOffsetMs wall-clock minus monotonic time at the last input: a jump in it is a clock step
 * @param platesAhead plates of the vehicles behind, read before their read windows opened, oldest first
 * @param decidedPlate the plate of the vehicle decided last, until the camera reports it gone from view
 * @param faultClearsItself every cause of the FAULT in force clears itself (a silent reader): no reset needed
 * @param readerBackSinceMs since when the reader has been heard again without a gap, in such a FAULT; -1 when not
 * @param pendingModeCommandId the command that asked for {@code pendingMode}: its MODE_CHANGED names it
 * @param readerTrouble what the reader last reported wrong with itself (an antenna disconnected), until it reports it fine; null when nothing
 */
public record LaneState(
        LaneMode mode,
        LaneMode modeBeforeFault,
        LaneMode pendingMode,
        String faultCause,
        Phase phase,
        SignalAspect signal,
        GateDirection gateCommand,
        long gateCommandAtMs,
        GateLimit gatePosition,
        Map<LoopId, LoopTrack> loops,
        long readerAliveAtMs,
        boolean tampered,
        Map<String, ListInfo> lists,
        Map<String, Long> recentCards,
        long nextTransactionId,
        long wallOffsetMs,
        boolean armingHeldSinceStart,
        List<PlateAhead> platesAhead,
        String decidedPlate,
        boolean faultClearsItself,
        long readerBackSinceMs,
        String readerTrouble,
        String pendingModeCommandId) {

    public boolean isOccupied(LoopId loop) {
        LoopTrack track = loops.get(loop);
        return track != null && track.occupied();
    }

    public LoopTrack loop(LoopId loop) {
        return loops.get(loop);
    }
}
