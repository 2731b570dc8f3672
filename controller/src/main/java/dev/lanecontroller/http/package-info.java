/** What the daemon's HTTP endpoints share: whole replies, GET only. */
package dev.lanecontroller.http;
