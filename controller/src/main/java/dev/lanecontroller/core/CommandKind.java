package dev.lanecontroller.core;

/** What an officer or central can ask of the lane (authenticated before it reaches the core). */
public enum CommandKind {
    SET_MODE,
    RELEASE,
    CONFIRM,
    FAULT_RESET
}
