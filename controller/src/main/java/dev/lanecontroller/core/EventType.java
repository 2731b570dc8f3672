package dev.lanecontroller.core;

/** Every kind of event the lane records in its journal; alerts also go to central's alert stream. */
public enum EventType {
    LANE_STARTED(false),
    LANE_STOPPED(false),
    DECISION(false),
    LOOKOUT_ALERT(true),
    CONFIRMED(false),
    CONFIRM_TIMEOUT(false),
    RELEASED(false),
    PASSAGE(false),
    ABANDONED(false),
    REFERRAL_TIMEOUT(true),
    TAILGATE(true),
    SAFETY_REVERSAL(true),
    FAULT(true),
    FAULT_RESET(false),
    /** A fault that clears itself ended: its device has been healthy again for a while (READER_SILENT, READER_TROUBLE). */
    FAULT_CLEARED(false),
    MODE_CHANGED(false),
    MODE_CHANGE_PENDING(false),
    MODE_UNCHANGED(false),
    COMMAND_REJECTED(false),
    INPUT_REJECTED(false),
    TAMPER(true),
    LIST_IN_FORCE(false),
    /** A signed command from central passed every check and was carried out (or handed to the lane). */
    COMMAND_RECEIVED(false),
    /** A clearance list from central came into force through the link (the lane then records LIST_IN_FORCE). */
    LIST_APPLIED(false),
    /** A clearance list from central was refused whole; the version in force stays. */
    LIST_REJECTED(true),
    /** The lane asked central for a full snapshot (a delta did not follow on, or central asked for a resync). */
    LIST_SNAPSHOT_REQUESTED(false),
    /** The wall clock jumped against the monotonic clock (timeouts are unaffected; expiry checks use the new time). */
    CLOCK_STEPPED(true),
    /** Central's backlog (events not yet acknowledged) crossed a configured alarm threshold. */
    CENTRAL_BACKLOG(true),
    /** Central's backlog fell back below half of its lowest alarm threshold. */
    CENTRAL_BACKLOG_CLEARED(false),
    /**
     * A decided vehicle that waited (referred, or cleared for the officer's confirm) left the lane
     * without passing: it backed off the arming loop. Its transaction is closed; a release or
     * confirm no longer opens the arm for whatever vehicle takes its place.
     */
    VEHICLE_LEFT(true),
    /** An event that could never be journaled (a programming error: not JSON, too large) was refused in its place. */
    EVENT_REFUSED(true);

    private final boolean alert;

    EventType(boolean alert) {
        this.alert = alert;
    }

    public boolean isAlert() {
        return alert;
    }
}
