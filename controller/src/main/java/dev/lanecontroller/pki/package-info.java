/**
 * Keys and certificates from PEM files, as technicians get them from a PKI: the Ed25519 keys that
 * sign lists and commands, mutual TLS to the broker, and server TLS for the camera webhook.
 */
package dev.lanecontroller.pki;
