package dev.lanecontroller.core;

/**
 * A plate the camera reported for the vehicle behind the one the lane is busy with (the camera
 * sees a queued car before its read window opens): held for that vehicle's transaction. If the
 * vehicle never gets one (it went under the arm with the vehicle in front), the plate is the
 * evidence of a tailgate.
 *
 * @param key the plate, normalised ({@link Plates#key})
 * @param revisions how often the camera revised it (UPDATE with another text)
 * @param lost the camera reported it gone from view (LOST)
 */
public record PlateAhead(String key, int revisions, boolean lost) {
    /** The camera sees at most the car at the stop line and one or two behind it; more is a camera gone wrong. */
    static final int HELD_MAX = 4;

    PlateAhead revisedTo(String revised) {
        return revised.equals(key) ? this : new PlateAhead(revised, revisions + 1, lost);
    }

    PlateAhead goneFromView() {
        return new PlateAhead(key, revisions, true);
    }
}
