package org.initbench.data;

import java.util.Arrays;
import org.initbench.BadInputException;

/**
 * Per-channel mean and population standard deviation of pixels scaled to [0,1], computed over the
 * given (training) split; never pasted constants.
 */
public record ChannelStats(double[] mean, double[] std) {

    public ChannelStats {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("mean and std must have the same, non-zero length");
        }
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    public int channels() {
        return mean.length;
    }

    /**
     * Statistics of a split: exact integer sums of the raw bytes and their squares per channel, then
     * mean = S1/(255 N), var = S2/(255^2 N) - mean^2 in double (population variance, divide by N).
     * A channel with zero variance is rejected (normalization would divide by zero).
     */
    public static ChannelStats of(ImageSet train) {
        int c = train.channels();
        int plane = train.height() * train.width();
        long[] s1 = new long[c];
        long[] s2 = new long[c];
        byte[] px = train.pixels();
        for (int i = 0, off = 0; i < train.size(); i++) {
            for (int ch = 0; ch < c; ch++) {
                long a = 0;
                long b = 0;
                for (int k = 0; k < plane; k++, off++) {
                    int v = px[off] & 0xff;
                    a += v;
                    b += v * v;
                }
                s1[ch] += a;
                s2[ch] += b;
            }
        }
        double n = (double) train.size() * plane;
        if (n == 0) {
            throw new BadInputException("cannot compute channel statistics of an empty split");
        }
        double[] mean = new double[c];
        double[] std = new double[c];
        for (int ch = 0; ch < c; ch++) {
            mean[ch] = s1[ch] / (255.0 * n);
            double var = s2[ch] / (255.0 * 255.0 * n) - mean[ch] * mean[ch];
            std[ch] = Math.sqrt(Math.max(var, 0.0));
            if (!(std[ch] > 0)) {
                throw new BadInputException("channel " + ch + " of the training split is constant (std 0); cannot"
                        + " normalize");
            }
        }
        return new ChannelStats(mean, std);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelStats s && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "ChannelStats[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
