/**
 * Envelope encryption of stored private keys: AES-256-GCM under a key-encryption key (KEK) from a file, an
 * environment variable or a Kubernetes Secret, with the row's identity bound as associated data.
 */
package eu.panosc.platform.crypto;
