/** Test helpers shared across modules (published in the core test-jar): fake data in the official formats. */
package org.initbench.testkit;
