/**
 * Whole-model init strategies: {@link org.initbench.init.InitStrategy} (the seed's {@code
 * initialize_weights(model, config)}), the {@link org.initbench.init.InitRegistry} with {@code
 * ServiceLoader} plugins and spec strings, and {@link org.initbench.init.Fans} for fans and gains.
 *
 * <p>Place in the flow {@code cli → {perf, report, diag} → experiment → train → {init, data} →
 * model → DJL}: uses {@code model}.
 */
package org.initbench.init;
