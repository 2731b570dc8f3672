package dev.lanecontroller.hal.sim;

import dev.lanecontroller.hal.LaneHardware;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.PresenceDetector;
import dev.lanecontroller.hal.Scheduler;
import java.util.EnumMap;
import java.util.Map;

/** One simulated lane's devices, with typed access for the simulation that drives them. */
public final class SimLane {
    public final SimSignal signal = new SimSignal();
    public final SimGate gate;
    public final Map<LoopId, SimPresenceDetector> loops = new EnumMap<>(LoopId.class);
    public final SimTagReader tagReader;
    public final SimPlateReader plateReader = new SimPlateReader();
    public final SimTamper tamper = new SimTamper();

    public SimLane(Scheduler scheduler, long gateTravelMs, long readerHeartbeatIntervalMs,
                   boolean hasArmingLoop, boolean hasExitLoop) {
        this(scheduler, gateTravelMs, readerHeartbeatIntervalMs, hasArmingLoop, hasExitLoop, false);
    }

    public SimLane(Scheduler scheduler, long gateTravelMs, long readerHeartbeatIntervalMs,
                   boolean hasArmingLoop, boolean hasExitLoop, boolean hasPhotoEye) {
        gate = new SimGate(scheduler, gateTravelMs);
        tagReader = new SimTagReader(scheduler, readerHeartbeatIntervalMs);
        if (hasArmingLoop) {
            loops.put(LoopId.ARMING, new SimPresenceDetector(LoopId.ARMING, scheduler));
        }
        loops.put(LoopId.SAFETY, new SimPresenceDetector(LoopId.SAFETY, scheduler));
        if (hasExitLoop) {
            loops.put(LoopId.EXIT, new SimPresenceDetector(LoopId.EXIT, scheduler));
        }
        if (hasPhotoEye) {
            loops.put(LoopId.PHOTO_EYE, new SimPresenceDetector(LoopId.PHOTO_EYE, scheduler));
        }
    }

    public SimPresenceDetector loop(LoopId id) {
        SimPresenceDetector loop = loops.get(id);
        if (loop == null) {
            throw new IllegalArgumentException("this lane has no " + id + " loop");
        }
        return loop;
    }

    public boolean hasLoop(LoopId id) {
        return loops.containsKey(id);
    }

    public LaneHardware ports() {
        Map<LoopId, PresenceDetector> ports = new EnumMap<>(LoopId.class);
        ports.putAll(loops);
        return new LaneHardware(signal, gate, ports, tagReader, plateReader, tamper);
    }
}
