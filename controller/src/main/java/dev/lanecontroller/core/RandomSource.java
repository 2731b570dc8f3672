package dev.lanecontroller.core;

/**
 * Where random referrals draw from: a cryptographic generator in the daemon (DOMAIN: random
 * compliance checks must not be predictable), a seeded one in simulations so a run replays.
 */
@FunctionalInterface
public interface RandomSource {
    /** A uniform draw in [0, 1). */
    double nextUnit();
}
