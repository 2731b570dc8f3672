package dev.lanecontroller.core;

/** A card's standing on the clearance list. Only ACTIVE cards can be cleared. */
public enum CardStatus {
    ACTIVE,
    SUSPENDED,
    REVOKED
}
