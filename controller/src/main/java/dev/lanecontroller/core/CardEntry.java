package dev.lanecontroller.core;

import java.util.Objects;
import java.util.Set;

/**
 * One card on a clearance list, as the lane needs it: no names, no birth dates (DESIGN §8).
 *
 * @param plates normalised plate keys ({@link Plates#key}) registered to the card
 * @param tidHex the factory chip id the list holds for the card, or null when it holds none
 * @param expiresWallMs end of validity (UTC ms); {@link Long#MAX_VALUE} when the card has no expiry
 */
public record CardEntry(
        String epcHex,
        String program,
        CardStatus status,
        long expiresWallMs,
        Set<String> plates,
        String tidHex,
        boolean lookout,
        long listVersion) {

    public CardEntry {
        Objects.requireNonNull(epcHex, "epcHex");
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(status, "status");
        plates = Set.copyOf(plates);
    }
}
