/** The built-in init strategies, one small class per scheme. */
package org.initbench.init.builtin;
