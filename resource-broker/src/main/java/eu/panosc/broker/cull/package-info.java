/**
 * Activity-aware idle culling, lifetime expiry and the warnings before either: activity reported for a session
 * (busy or recently used kernels, desktop input, GPU utilisation — sent by the session itself with its access secret
 * — and proxied traffic, the session's {@code last_activity}), notices (warnings, culled, expired) the API shows,
 * and the {@link eu.panosc.broker.cull.Culler} that runs under leader election. No HTTP types here.
 */
package eu.panosc.broker.cull;
