package dev.lanecontroller.hal;

import java.util.Map;
import java.util.Objects;

/** Every port of one lane, as wired. A lane without an arming or exit loop simply has no entry for it. */
public record LaneHardware(
        LaneSignal signal,
        Gate gate,
        Map<LoopId, PresenceDetector> loops,
        TagReader tagReader,
        PlateReader plateReader,
        TamperInput tamper,
        DeviceFaults faults) {

    public LaneHardware {
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(tagReader, "tagReader");
        Objects.requireNonNull(plateReader, "plateReader");
        Objects.requireNonNull(tamper, "tamper");
        Objects.requireNonNull(faults, "faults");
        loops = Map.copyOf(loops);
        if (!loops.containsKey(LoopId.SAFETY)) {
            throw new IllegalArgumentException("a lane must have a safety loop or photo-eye under the gate");
        }
    }

    /** A lane whose drivers report no faults of their own. */
    public LaneHardware(LaneSignal signal, Gate gate, Map<LoopId, PresenceDetector> loops, TagReader tagReader, PlateReader plateReader,
                        TamperInput tamper) {
        this(signal, gate, loops, tagReader, plateReader, tamper, DeviceFaults.NONE);
    }
}
