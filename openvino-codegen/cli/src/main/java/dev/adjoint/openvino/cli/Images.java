package dev.adjoint.openvino.cli;

import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.engine.Port;
import dev.adjoint.openvino.ir.Dimension;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.PartialShape;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Images as model inputs, the way OpenVINO's samples feed them: resized to the input's spatial size, pixel values
 * 0..255 in BGR channel order (Open Model Zoo IRs expect BGR unless converted with {@code --reverse_input_channels}),
 * laid out NCHW or NHWC, optionally {@code (value - mean) / scale} per channel.
 */
public final class Images {
    private Images() {
    }

    /** How pixels become numbers. */
    public record Preprocess(boolean rgb, String layout, float[] mean, float[] scale) {
        public static Preprocess defaults() {
            return new Preprocess(false, null, null, null);
        }
    }

    public static BufferedImage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such image file");
        }
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new IOException(file + ": not an image javax.imageio can read (PNG, JPEG, BMP, GIF, WBMP)");
        }
        return img;
    }

    /** The layout of an image input: NCHW when axis 1 has 1 or 3 channels, NHWC when the last axis has. */
    static String layoutOf(PartialShape shape, String requested) {
        if (requested != null) {
            String l = requested.toUpperCase(java.util.Locale.ROOT);
            if (!l.equals("NCHW") && !l.equals("NHWC")) {
                throw new IllegalArgumentException("layout " + requested + " must be NCHW or NHWC");
            }
            return l;
        }
        if (shape.isRankDynamic() || shape.rank() != 4) {
            throw new IllegalArgumentException("an image needs an input of rank 4 (NCHW or NHWC), got " + shape);
        }
        Dimension c1 = shape.get(1);
        Dimension c3 = shape.get(3);
        if (c1.isStatic() && (c1.length() == 3 || c1.length() == 1)) {
            return "NCHW";
        }
        if (c3.isStatic() && (c3.length() == 3 || c3.length() == 1)) {
            return "NHWC";
        }
        throw new IllegalArgumentException("cannot tell the layout of input " + shape + "; pass --layout NCHW or NHWC");
    }

    /** The image as a tensor for {@code input}: batch 1, the input's channels, height and width (or the image's). */
    public static OvTensor toInput(BufferedImage image, Port input, Preprocess p) {
        PartialShape shape = input.partialShape();
        String layout = layoutOf(shape, p.layout());
        boolean nchw = layout.equals("NCHW");
        Dimension cd = shape.get(nchw ? 1 : 3);
        Dimension hd = shape.get(nchw ? 2 : 1);
        Dimension wd = shape.get(nchw ? 3 : 2);
        int channels = cd.isStatic() ? (int) cd.length() : 3;
        int height = hd.isStatic() ? (int) hd.length() : image.getHeight();
        int width = wd.isStatic() ? (int) wd.length() : image.getWidth();
        BufferedImage resized = resize(image, width, height);
        float[] values = new float[channels * height * width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = resized.getRGB(x, y);
                int[] pixel = {(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF};
                for (int c = 0; c < channels; c++) {
                    float v;
                    if (channels == 1) {
                        v = (pixel[0] * 299 + pixel[1] * 587 + pixel[2] * 114) / 1000f;
                    } else {
                        v = pixel[p.rgb() ? c : 2 - c];
                    }
                    if (p.mean() != null) {
                        v -= p.mean()[Math.min(c, p.mean().length - 1)];
                    }
                    if (p.scale() != null) {
                        v /= p.scale()[Math.min(c, p.scale().length - 1)];
                    }
                    int i = nchw ? (c * height + y) * width + x : (y * width + x) * channels + c;
                    values[i] = v;
                }
            }
        }
        Shape s = nchw ? Shape.of(1, channels, height, width) : Shape.of(1, height, width, channels);
        Tensor t = Tensor.of(values, s);
        ElementType type = input.elementType();
        if (type == ElementType.F32) {
            return OvTensor.of(t);
        }
        if (type.isReal()) {
            return OvTensor.of(type, t);
        }
        return OvTensor.of(type, TensorRounding.round(t));
    }

    static BufferedImage resize(BufferedImage image, int width, int height) {
        if (image.getWidth() == width && image.getHeight() == height && image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        return out;
    }

    /** Rounds to integers for integer inputs (u8 images). */
    private static final class TensorRounding {
        static Tensor round(Tensor t) {
            float[] v = t.toFloatArray();
            int[] out = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = Math.round(v[i]);
            }
            return Tensor.of(out, t.shape());
        }
    }
}
