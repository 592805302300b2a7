package org.initbench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.initbench.BadInputException;
import org.initbench.testkit.FakeData;
import org.junit.jupiter.api.Test;

class StatsAndSubsetsTest {

    @Test
    void channelStatsMatchHandComputedValues() {
        // two 1x2 images, 2 channels: ch0 values 0,255,255,255 ; ch1 values 51,51,102,102
        byte[] px = {0, (byte) 255, 51, 51, (byte) 255, (byte) 255, 102, 102};
        ImageSet s = new ImageSet(px, new int[] {0, 1}, 2, 1, 2, 2);
        ChannelStats st = ChannelStats.of(s);
        // ch0: x = 0,1,1,1 -> mean 0.75, var = 0.75 - 0.5625 = 0.1875
        assertThat(st.mean()[0]).isCloseTo(0.75, within(1e-12));
        assertThat(st.std()[0]).isCloseTo(Math.sqrt(0.1875), within(1e-12));
        // ch1: x = 0.2,0.2,0.4,0.4 -> mean 0.3, population std 0.1
        assertThat(st.mean()[1]).isCloseTo(0.3, within(1e-12));
        assertThat(st.std()[1]).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void constantChannelIsRejected() {
        ImageSet s = new ImageSet(new byte[4], new int[] {0, 0}, 1, 1, 2, 1);
        assertThatThrownBy(() -> ChannelStats.of(s)).isInstanceOf(BadInputException.class).hasMessageContaining("std 0");
    }

    private static ImageSet labelled(int[] labels) {
        byte[] px = new byte[labels.length];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) i;
        }
        return new ImageSet(px, labels, 1, 1, 1, 3);
    }

    @Test
    void subsetIsBalancedDeterministicAndSorted() {
        int[] labels = FakeData.cyclicLabels(300, 3);
        ImageSet s = labelled(labels);
        ImageSet a = Subsets.classBalanced(s, 31, 42);
        ImageSet b = Subsets.classBalanced(s, 31, 42);
        ImageSet c = Subsets.classBalanced(s, 31, 43);
        assertThat(a.classCounts()).containsExactly(11, 10, 10);
        assertThat(a.pixels()).isEqualTo(b.pixels());
        assertThat(a.labels()).isEqualTo(b.labels());
        assertThat(c.pixels()).isNotEqualTo(a.pixels());
        // pixel value = original index -> the result is in ascending original order
        ImageSet small = Subsets.classBalanced(labelled(FakeData.cyclicLabels(200, 3)), 30, 1);
        int[] si = new int[small.size()];
        for (int i = 0; i < si.length; i++) {
            si[i] = small.pixels()[i] & 0xff;
        }
        int[] sorted = si.clone();
        Arrays.sort(sorted);
        assertThat(si).isEqualTo(sorted);
        for (int i = 0; i < si.length; i++) {
            assertThat(small.labels()[i]).isEqualTo(si[i] % 3);
        }
    }

    @Test
    void aHeldOutSplitIsTheBalancedSubsetAndTheRestIsEverythingElse() {
        ImageSet s = labelled(FakeData.cyclicLabels(200, 3)); // pixel value = original index
        Subsets.HeldOut split = Subsets.holdOut(s, 30, 7);
        assertThat(split.heldOut().pixels()).isEqualTo(Subsets.classBalanced(s, 30, 7).pixels());
        assertThat(split.heldOut().classCounts()).containsExactly(10, 10, 10);
        assertThat(split.rest().size()).isEqualTo(170);
        java.util.Set<Integer> seen = new java.util.TreeSet<>();
        for (ImageSet part : List.of(split.heldOut(), split.rest())) {
            for (int i = 0; i < part.size(); i++) {
                assertThat(seen.add(part.pixels()[i] & 0xff)).as("each image in exactly one part").isTrue();
                assertThat(part.labels()[i]).isEqualTo((part.pixels()[i] & 0xff) % 3);
            }
        }
        assertThat(seen).hasSize(200);
    }

    @Test
    void subsetRejectsBadSizes() {
        ImageSet s = labelled(new int[] {0, 0, 0, 1, 2, 2});
        assertThatThrownBy(() -> Subsets.classBalanced(s, 0, 1)).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> Subsets.classBalanced(s, 7, 1)).hasMessageContaining("between 1 and the split size 6");
        assertThatThrownBy(() -> Subsets.classBalanced(s, 6, 1))
                .isInstanceOf(BadInputException.class).hasMessageContaining("class 1 but the split has only 1");
        assertThat(Subsets.classBalanced(s, 3, 1).classCounts()).containsExactly(1, 1, 1);
    }

    @Test
    void imageSetSubsetCopiesInGivenOrder() {
        ImageSet s = labelled(new int[] {0, 1, 2});
        ImageSet t = s.subset(new int[] {2, 0});
        assertThat(t.pixels()).containsExactly(2, 0);
        assertThat(t.labels()).containsExactly(2, 0);
    }
}
