/**
 * initbench: design, test and benchmark weight-initialization strategies for deep CNNs on DJL.
 *
 * <p>Packages: {@code data} (datasets, readers, pipeline), {@code model} (architectures and their
 * layer inventory), {@code init} (whole-model init strategies), {@code train} (the PyTorch-exact
 * training loop and run directory).
 */
package org.initbench;
