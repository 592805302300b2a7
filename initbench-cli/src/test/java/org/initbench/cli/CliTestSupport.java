package org.initbench.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the CLI in-process through {@code CommandLine.execute()} and captures its output. */
record CliTestSupport(int exitCode, String out, String err) {

    static CliTestSupport exec(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliTestSupport(code, out.toString(), err.toString());
    }
}
