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
    MODE_CHANGED(false),
    MODE_CHANGE_PENDING(false),
    COMMAND_REJECTED(false),
    INPUT_REJECTED(false),
    TAMPER(true),
    LIST_IN_FORCE(false);

    private final boolean alert;

    EventType(boolean alert) {
        this.alert = alert;
    }

    public boolean isAlert() {
        return alert;
    }
}
