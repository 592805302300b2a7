package org.initbench.data;

import java.util.Objects;

/**
 * A split as stored: uint8 pixels, N x C x H x W row-major (CHW per image), labels
 * 0..numClasses-1.
 */
public record ImageSet(byte[] pixels, int[] labels, int channels, int height, int width, int numClasses) {

    public ImageSet {
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        if (channels <= 0 || height <= 0 || width <= 0 || numClasses <= 0) {
            throw new IllegalArgumentException("channels, height, width and numClasses must be positive");
        }
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(
                    "pixels has " + pixels.length + " bytes, expected " + expected + " for " + labels.length
                            + " images of " + channels + "x" + height + "x" + width);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(
                        "label " + labels[i] + " of image " + i + " outside 0.." + (numClasses - 1));
            }
        }
    }

    /** Number of images. */
    public int size() {
        return labels.length;
    }

    /** Bytes per image (C * H * W). */
    public int imageBytes() {
        return channels * height * width;
    }

    /** A copy of the chosen images, in the given order (indices may repeat). */
    public ImageSet subset(int[] indices) {
        int per = imageBytes();
        byte[] p = new byte[Math.multiplyExact(indices.length, per)];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int src = indices[i];
            if (src < 0 || src >= size()) {
                throw new IndexOutOfBoundsException("index " + src + " outside 0.." + (size() - 1));
            }
            System.arraycopy(pixels, src * per, p, i * per, per);
            l[i] = labels[src];
        }
        return new ImageSet(p, l, channels, height, width, numClasses);
    }

    /** Number of images per class (length numClasses). */
    public int[] classCounts() {
        int[] c = new int[numClasses];
        for (int label : labels) {
            c[label]++;
        }
        return c;
    }

    @Override
    public String toString() {
        return "ImageSet[" + size() + " x " + channels + "x" + height + "x" + width + ", " + numClasses + " classes]";
    }
}
