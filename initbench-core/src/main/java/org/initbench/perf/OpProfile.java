package org.initbench.perf;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a train step's time goes, op by op, from libtorch's own profiler ({@code
 * torch::autograd::profiler}, through DJL's {@link JniUtils#startProfile}): the steps run under the
 * profiler, which writes a Chrome trace (open it in Perfetto or {@code chrome://tracing}); this class
 * reads the trace back and sums the <em>top-level</em> ops of each thread (an op nested in another,
 * such as {@code aten::mkldnn_convolution} inside {@code aten::conv2d}, counts once, in its parent).
 * A backward node appears as {@code autograd::engine::evaluate_function: X} and is listed as {@code
 * backward: X}. The time between top-level ops, when no libtorch op runs, is Java, JNI and dispatch.
 * CPU ops only: on a GPU the times are the host's launch times, not the kernels'.
 *
 * @param steps profiled steps
 * @param stepMs wall time per step from the first op's start to the last op's end, ms
 * @param betweenOpsMs time per step inside that span when no top-level op ran, ms
 * @param opCallsPerStep top-level op calls per step (native calls that enter libtorch's dispatcher)
 * @param rows ops by time per step, the largest first; the last row sums the ops beyond {@link #MAX_ROWS}
 * @param convForwardGflops the conv forward kernels' own rate, GFLOP/s ({@link #withConvRates}; NaN unknown)
 * @param convBackwardGflops the conv backward kernels' own rate, GFLOP/s (NaN unknown)
 */
public record OpProfile(int steps, double stepMs, double betweenOpsMs, double opCallsPerStep, List<Row> rows,
        double convForwardGflops, double convBackwardGflops) {

    /** Rows listed one by one; the rest are summed into {@code other ops}. */
    public static final int MAX_ROWS = 14;

    /** The conv forward op (DJL's {@code conv2d}). */
    public static final String CONV_FORWARD = "aten::conv2d";

    /** The conv backward node (data and weight gradients). */
    public static final String CONV_BACKWARD = "backward: ConvolutionBackward0";

    private static final String BACKWARD_PREFIX = "autograd::engine::evaluate_function: ";

    /**
     * One op's share of the step.
     *
     * @param op op name ({@code aten::…}, or {@code backward: …} for an autograd node)
     * @param callsPerStep calls per step
     * @param msPerStep time per step, ms
     * @param share fraction of {@code stepMs}
     */
    public record Row(String op, double callsPerStep, double msPerStep, double share) {}

    /**
     * Runs {@code steps} calls of {@code step} under libtorch's profiler, writes the Chrome trace to
     * {@code trace} and returns its summary.
     */
    public static OpProfile record(int steps, Runnable step, Path trace) throws IOException {
        JniUtils.startProfile(false, false, false);
        try {
            for (int i = 0; i < steps; i++) {
                step.run();
            }
        } finally {
            JniUtils.stopProfile(trace.toString());
        }
        return parse(new ObjectMapper().readTree(trace.toFile()), steps);
    }

    /** Sums a Chrome trace of {@code steps} steps ({@code traceEvents} of phase {@code X}, µs). */
    public static OpProfile parse(JsonNode trace, int steps) {
        JsonNode events = trace.isArray() ? trace : trace.path("traceEvents");
        Map<String, List<Span>> byThread = new HashMap<>();
        for (JsonNode e : events) {
            if ("X".equals(e.path("ph").asText()) && e.has("dur")) {
                byThread.computeIfAbsent(e.path("pid").asText() + "/" + e.path("tid").asText(), k -> new ArrayList<>())
                        .add(new Span(e.get("ts").asDouble(), e.get("dur").asDouble(),
                                e.path("name").asText()));
            }
        }
        if (byThread.isEmpty()) {
            throw new IllegalArgumentException("the profiler trace holds no op events");
        }
        List<Span> top = new ArrayList<>();
        for (List<Span> thread : byThread.values()) {
            thread.sort(Comparator.comparingDouble(Span::start).thenComparingDouble(s -> -s.dur()));
            double end = Double.NEGATIVE_INFINITY;
            for (Span s : thread) {
                if (s.start() >= end) {
                    top.add(s);
                    end = s.end();
                }
            }
        }
        top.sort(Comparator.comparingDouble(Span::start));
        double first = top.get(0).start();
        double last = first;
        double busy = 0;
        Map<String, double[]> perOp = new LinkedHashMap<>(); // name -> {calls, µs}
        for (Span s : top) {
            busy += Math.max(0, s.end() - Math.max(s.start(), last));
            last = Math.max(last, s.end());
            double[] acc = perOp.computeIfAbsent(s.name().startsWith(BACKWARD_PREFIX)
                    ? "backward: " + s.name().substring(BACKWARD_PREFIX.length()) : s.name(), k -> new double[2]);
            acc[0]++;
            acc[1] += s.dur();
        }
        double stepUs = (last - first) / steps;
        List<Map.Entry<String, double[]>> sorted = new ArrayList<>(perOp.entrySet());
        sorted.sort(Comparator.comparingDouble((Map.Entry<String, double[]> en) -> -en.getValue()[1]));
        List<Row> rows = new ArrayList<>();
        double otherCalls = 0;
        double otherUs = 0;
        for (int i = 0; i < sorted.size(); i++) {
            double[] v = sorted.get(i).getValue();
            if (i < MAX_ROWS) {
                rows.add(row(sorted.get(i).getKey(), v[0], v[1], steps, stepUs));
            } else {
                otherCalls += v[0];
                otherUs += v[1];
            }
        }
        if (otherCalls > 0) {
            rows.add(row("other ops", otherCalls, otherUs, steps, stepUs));
        }
        return new OpProfile(steps, stepUs / 1e3, (last - first - busy) / 1e3 / steps, (double) top.size() / steps,
                List.copyOf(rows), Double.NaN, Double.NaN);
    }

    /** One op event of the trace, µs. */
    private record Span(double start, double dur, String name) {
        double end() {
            return start + dur;
        }
    }

    private static Row row(String op, double calls, double us, int steps, double stepUs) {
        return new Row(op, calls / steps, us / 1e3 / steps, us / (steps * stepUs));
    }

    /** Time per step of {@code op}, ms (0 when it did not run or was summed into {@code other ops}). */
    public double msOf(String op) {
        return rows.stream().filter(r -> r.op().equals(op)).mapToDouble(Row::msPerStep).sum();
    }

    /**
     * This profile with the conv kernels' own FLOP rates: forward {@code 2·convMacs·batch} over {@link
     * #CONV_FORWARD}'s time, backward {@code 4·convMacs·batch} (data and weight gradients; it counts the
     * first conv's input gradient, which libtorch skips) over {@link #CONV_BACKWARD}'s. NaN where the op
     * is not listed.
     */
    public OpProfile withConvRates(long convMacsPerImage, int batchSize) {
        double forward = 2.0 * convMacsPerImage * batchSize;
        return new OpProfile(steps, stepMs, betweenOpsMs, opCallsPerStep, rows, rate(forward, msOf(CONV_FORWARD)),
                rate(2 * forward, msOf(CONV_BACKWARD)));
    }

    private static double rate(double flops, double ms) {
        return ms > 0 ? flops / (ms / 1e3) / 1e9 : Double.NaN;
    }

    /** A Markdown table of the rows, with the between-ops time and the step's span. */
    public String markdown(String title) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT,
                "%s: %d profiled steps, %.1f ms per step, %.0f top-level op calls per step%n%n",
                title, steps, stepMs, opCallsPerStep));
        b.append("| op | calls/step | ms/step | % of step |\n|---|---|---|---|\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %.1f | %.2f | %.1f |%n", r.op(), r.callsPerStep(),
                    r.msPerStep(), 100 * r.share()));
        }
        b.append(String.format(Locale.ROOT, "| between ops (Java, JNI, dispatch) | — | %.2f | %.1f |%n", betweenOpsMs,
                100 * betweenOpsMs / stepMs));
        if (!Double.isNaN(convForwardGflops) || !Double.isNaN(convBackwardGflops)) {
            b.append(String.format(Locale.ROOT, "%nconv kernels alone: forward %.1f GFLOP/s, backward %.1f GFLOP/s%n",
                    convForwardGflops, convBackwardGflops));
        }
        return b.toString();
    }
}
