/**
 * The lane's live connection to central (DESIGN §7): one MQTT connection ({@link
 * dev.lanecontroller.link.CentralLink}) stepping the event sync from the outbox, presence, and what
 * central sends (signed commands, lists). {@link dev.lanecontroller.link.LaneLink} puts it together
 * from the config. The messages themselves are {@code dev.lanecontroller.contract}'s.
 */
package dev.lanecontroller.link;
