/**
 * Datasets: locating, reading (IDX, CIFAR binary), verifying and downloading the official files,
 * class-balanced subsets, per-channel statistics and the background batch pipeline that pads,
 * normalizes and augments images into host-side float batches.
 *
 * <p>Every problem with user-supplied data (missing, truncated or corrupt file, checksum mismatch,
 * unknown name) surfaces as an {@link org.initbench.BadInputException} with one clear line.
 *
 * <p>Place in the flow {@code cli → {perf, report, diag} → experiment → train → {init, data} →
 * model → DJL}: uses nothing else of initbench.
 */
package org.initbench.data;
