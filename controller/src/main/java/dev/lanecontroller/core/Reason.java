package dev.lanecontroller.core;

/** Why a vehicle is referred, in the order they are checked (DESIGN §4): the first one found decides. */
public enum Reason {
    LANE_NOT_AUTOMATED,
    LIST_STALE,
    LOOKOUT,
    NO_TAG,
    TOO_MANY_TAGS,
    UNKNOWN_TAG,
    TAG_INACTIVE,
    TAG_CLONE_SUSPECT,
    PROGRAM_NOT_ACCEPTED,
    NO_PLATE,
    PLATE_MISMATCH,
    DUPLICATE_TAG,
    RANDOM
}
