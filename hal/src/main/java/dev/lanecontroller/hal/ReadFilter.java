package dev.lanecontroller.hal;

import java.util.Set;

/**
 * Which reads belong to this lane: from its own antennas, and strong enough. Reads that leak in
 * from the next lane come in on its antennas or weak, and are dropped here, before the lane sees them.
 *
 * @param antennas the antennas of this lane; empty means every antenna
 * @param minRssiDbm reads weaker than this are dropped
 */
public record ReadFilter(Set<Integer> antennas, int minRssiDbm) {
    public static final ReadFilter ACCEPT_ALL = new ReadFilter(Set.of(), Integer.MIN_VALUE);

    public ReadFilter {
        antennas = Set.copyOf(antennas);
    }

    public boolean accepts(TagRead read) {
        return (antennas.isEmpty() || antennas.contains(read.antenna())) && read.rssiDbm() >= minRssiDbm;
    }
}
