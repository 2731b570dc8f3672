/** The YAML configuration: read, checked all at once (every problem named by its key), and turned into settings. */
package dev.lanecontroller.config;
