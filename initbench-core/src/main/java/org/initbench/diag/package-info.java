/**
 * Diagnostics: what an init does to signal and gradients. {@link org.initbench.diag.Inspection}
 * applies each init to a fresh model, runs one probed forward and backward pass on a batch and
 * measures, per layer in depth order, activation moments, dead ReLUs, weight and gradient norms and
 * the branch vs shortcut variance of every residual add, beside AutoInit's analytic prediction;
 * {@link org.initbench.diag.InspectTable}, {@link org.initbench.diag.InspectPlots} and {@link
 * org.initbench.diag.InspectOutput} render it as a terminal table, PNG plots and JSON.
 *
 * <p>Place in the flow {@code cli → {perf, report, diag} → experiment → train → {init, data} →
 * model → DJL}: uses {@code experiment}, {@code init} and {@code model}.
 */
package org.initbench.diag;
