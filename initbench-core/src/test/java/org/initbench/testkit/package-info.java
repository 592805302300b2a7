/** Test helpers shared across modules (published in the core test-jar): fake data in the official formats, sample statistics and a Kolmogorov–Smirnov test. */
package org.initbench.testkit;
