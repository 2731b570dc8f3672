/**
 * Keys and certificates from PEM files, as technicians get them from a PKI: the Ed25519 keys that
 * sign lists and commands, and mutual TLS for the broker and the camera webhook.
 */
package dev.lanecontroller.pki;
