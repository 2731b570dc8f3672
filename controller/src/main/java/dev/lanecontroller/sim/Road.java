package dev.lanecontroller.sim;

/**
 * The lane's geometry in metres along the direction of travel, with the gate line at 7.25 m. A
 * vehicle's position is its front bumper; it spans [front - length, front].
 */
final class Road {
    static final double ENTRY_M = -15.0;
    static final double PLATE_CAMERA_M = 3.0;
    /**
     * The antennas are aimed at the vehicle over the arming loop: a car queued behind one waiting
     * at the stop line (front at most 5.5 - 2 - 1.5 = 2.0 m) is out of range. A longer zone reads the
     * next car's cards into this car's transaction, and that car is then referred as DUPLICATE_TAG.
     */
    static final double READ_ZONE_START_M = 2.5;
    static final double READ_ZONE_END_M = 7.0;
    static final double ARMING_START_M = 1.0;
    static final double ARMING_END_M = 4.0;
    /** Where a driver waits for the green arrow, just before the safety loop. */
    static final double STOP_LINE_M = 5.5;
    static final double SAFETY_START_M = 6.0;
    /** The arm's line across the lane, over the middle of the safety loop. */
    static final double GATE_LINE_M = 7.25;
    /** A photo-eye's beam across the lane at the arm (where a lane has one). */
    static final double PHOTO_EYE_BEAM_M = 0.1;
    static final double SAFETY_END_M = 8.5;
    static final double EXIT_START_M = 10.5;
    static final double EXIT_END_M = 12.5;
    static final double PLATE_LOST_M = 10.0;
    static final double LEAVE_M = 25.0;

    private Road() {}

    static boolean overlaps(double front, double length, double start, double end) {
        return front > start && front - length < end;
    }
}
