/**
 * SQLite storage (DESIGN §6): the versioned clearance lists and the event journal, which is also the
 * outbox towards central. One database file in WAL mode; the journal commits with
 * {@code synchronous=FULL} so an event is on the disk before the gate moves.
 */
package dev.lanecontroller.store;
