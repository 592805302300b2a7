/**
 * The benchmark's architectures as data: {@link org.initbench.model.Models} builds ResNet-6n+2,
 * VGG-BN, MobileNetV2 and a plain CNN, each exposing its layer inventory ({@link
 * org.initbench.model.Layer}: kind, role, stage, block, fans, parameters). Building never
 * initializes.
 *
 * <p>Place in the flow {@code cli → {perf, report, diag} → experiment → train → {init, data} →
 * model → DJL}: uses DJL only.
 */
package org.initbench.model;
