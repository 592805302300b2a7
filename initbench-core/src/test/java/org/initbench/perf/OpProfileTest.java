package org.initbench.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class OpProfileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Two steps of a made-up trace (µs): a conv forward with a nested kernel, a backward node, a relu
     * on a second thread that overlaps the backward, and idle time between the steps.
     */
    @Test
    void sumsTopLevelOpsPerStepAndTheTimeBetweenThem() {
        ArrayNode events = JSON.createArrayNode();
        for (int step = 0; step < 2; step++) {
            long t = step * 1000L;
            events.add(event("aten::conv2d", t, 300, 1));
            events.add(event("aten::mkldnn_convolution", t + 10, 280, 1)); // nested: counted in its parent
            events.add(event("autograd::engine::evaluate_function: ConvolutionBackward0", t + 400, 500, 1));
            events.add(event("aten::relu", t + 850, 100, 2)); // other thread, overlaps the backward by 50
        }
        events.add(JSON.createObjectNode().put("ph", "i").put("name", "marker").put("ts", 5));
        ObjectNode trace = JSON.createObjectNode();
        trace.set("traceEvents", events);

        OpProfile p = OpProfile.parse(trace, 2);

        // span: 0 .. 1000 + 950 = 1950 µs over 2 steps; busy per step 0-300, 400-950 = 850 µs
        assertThat(p.stepMs()).isCloseTo(0.975, within(1e-9));
        assertThat(p.betweenOpsMs()).isCloseTo((1950 - 2 * 850) / 1e3 / 2, within(1e-9));
        assertThat(p.opCallsPerStep()).isEqualTo(3.0);
        assertThat(p.rows()).extracting(OpProfile.Row::op)
                .containsExactly(OpProfile.CONV_BACKWARD, OpProfile.CONV_FORWARD, "aten::relu");
        OpProfile.Row backward = p.rows().get(0);
        assertThat(backward.callsPerStep()).isEqualTo(1.0);
        assertThat(backward.msPerStep()).isCloseTo(0.5, within(1e-9));
        assertThat(backward.share()).isCloseTo(0.5 / 0.975, within(1e-9));
        assertThat(p.msOf("aten::mkldnn_convolution")).isZero();
        assertThat(p.convForwardGflops()).isNaN();

        OpProfile rated = p.withConvRates(1_000_000, 4); // 8 MFLOP forward in 0.3 ms, 16 MFLOP backward in 0.5 ms
        assertThat(rated.convForwardGflops()).isCloseTo(8e6 / 0.3e-3 / 1e9, within(1e-9));
        assertThat(rated.convBackwardGflops()).isCloseTo(16e6 / 0.5e-3 / 1e9, within(1e-9));
        assertThat(rated.markdown("resnet20")).contains("| backward: ConvolutionBackward0 | 1.0 | 0.50 | 51.3 |")
                .contains("between ops (Java, JNI, dispatch)").contains("forward 26.7 GFLOP/s, backward 32.0 GFLOP/s");
    }

    @Test
    void sumsTheOpsBeyondTheListedRowsIntoOne() {
        ArrayNode events = JSON.createArrayNode();
        int ops = OpProfile.MAX_ROWS + 3;
        for (int i = 0; i < ops; i++) {
            events.add(event("op" + i, i * 100L, 100 - i, 1)); // op0 is the longest
        }
        OpProfile p = OpProfile.parse(events, 1);
        assertThat(p.rows()).hasSize(OpProfile.MAX_ROWS + 1);
        assertThat(p.rows().get(0).op()).isEqualTo("op0");
        OpProfile.Row other = p.rows().get(OpProfile.MAX_ROWS);
        assertThat(other.op()).isEqualTo("other ops");
        assertThat(other.callsPerStep()).isEqualTo(3.0);
        assertThat(other.msPerStep()).isCloseTo((100 - 14 + 100 - 15 + 100 - 16) / 1e3, within(1e-9));
    }

    @Test
    void refusesATraceWithoutOps() {
        JsonNode empty = JSON.createObjectNode().set("traceEvents", JSON.createArrayNode());
        assertThatThrownBy(() -> OpProfile.parse(empty, 1)).hasMessageContaining("no op events");
    }

    private static ObjectNode event(String name, long ts, long dur, int tid) {
        return JSON.createObjectNode().put("ph", "X").put("name", name).put("ts", ts).put("dur", dur)
                .put("pid", "CPU Functions").put("tid", tid);
    }
}
