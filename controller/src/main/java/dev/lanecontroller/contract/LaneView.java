package dev.lanecontroller.contract;

import dev.lanecontroller.core.ListInfo;
import java.util.Collection;

/** What the status message tells of the lane, read from its latest state. */
public record LaneView(String mode, Collection<ListInfo> lists, boolean clockSynced) {}
