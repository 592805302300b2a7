package org.initbench.cli;

import org.initbench.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code initbench} command line: subcommands only, each a thin layer over the core. */
@Command(
        name = "initbench",
        mixinStandardHelpOptions = true,
        version = "initbench 0.1.0",
        description = "Design, test and benchmark weight initializations for deep CNNs.",
        subcommands = {
            TrainCommand.class,
            BenchCommand.class,
            InspectCommand.class,
            ExportCommand.class,
            DemoCommand.class,
            SweepCommand.class,
            ModelsCommand.class,
            InitsCommand.class,
            DataCommand.class,
            ReportCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    private static boolean verbose;

    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    void setVerbose(boolean v) {
        verbose = v;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Exit codes: 0 ok, 1 run failure (e.g. diverged), 2 bad input. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setOverwrittenOptionsAllowed(true);
        cl.setExecutionExceptionHandler(
                (ex, cmd, parseResult) -> {
                    if (verbose) {
                        ex.printStackTrace(cmd.getErr());
                    }
                    if (ex instanceof BadInputException) {
                        cmd.getErr().println("initbench: " + ex.getMessage());
                        return 2;
                    }
                    cmd.getErr().println("initbench: run failed: " + ex);
                    return 1;
                });
        cl.setParameterExceptionHandler(
                (ex, args) -> {
                    ex.getCommandLine().getErr().println("initbench: " + ex.getMessage());
                    return 2;
                });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
