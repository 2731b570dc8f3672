package dev.lanecontroller.sim;

/** How a simulated driver behaves. */
public enum Behaviour {
    /** Waits at the stop line for the arm up and the green arrow, then drives through. */
    NORMAL,
    /** As NORMAL, at a crawl. */
    SLOW,
    /** Stops with the car on the safety loop for a while, then goes on. */
    STOPS_ON_SAFETY,
    /** Follows the car ahead under any arm that is not down, signal or not. */
    TAILGATER,
    /** Loses patience at the stop line and reverses out of the lane. */
    BACKS_OUT
}
