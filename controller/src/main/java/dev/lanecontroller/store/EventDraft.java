package dev.lanecontroller.store;

import dev.lanecontroller.core.Now;
import java.util.Map;

/** An event the lane wants journaled; the journal gives it its sequence number and hashes. */
public record EventDraft(String type, Map<String, Object> details, Now at) {}
