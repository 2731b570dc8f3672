/** The one command-line entry point, {@code lane-controller <command>}, built with picocli. */
package dev.lanecontroller.cli;
