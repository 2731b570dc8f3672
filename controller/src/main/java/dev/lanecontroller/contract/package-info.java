/**
 * The contract with central in code (docs/mqtt-contract.md, docs/schemas/): topics, and every
 * message either side writes or reads — events, status, replies, requests, signed commands and
 * lists. Plain formats, no connection and no state: the lane's link reads and writes them, and so
 * do central's tools and the tests that play central.
 */
package dev.lanecontroller.contract;
