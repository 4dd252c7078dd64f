package dev.adjoint.examples.openvino;

import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.engine.Port;
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
 * The samples' preprocessing, as OpenVINO's samples do it with OpenCV: the image resized to the model's input,
 * pixels 0..255 in BGR order, NCHW. (Open Model Zoo IRs take BGR unless they were converted with
 * {@code --reverse_input_channels}.)
 */
final class ImageTensors {
    private ImageTensors() {
    }

    static BufferedImage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such image file");
        }
        BufferedImage image = ImageIO.read(file.toFile());
        if (image == null) {
            throw new IOException(file + ": not an image javax.imageio can read (PNG, JPEG, BMP, GIF)");
        }
        return image;
    }

    /** The image as an NCHW tensor for {@code input}, which must be [1, 3, H, W] (f32 or u8). */
    static OvTensor nchwBgr(BufferedImage image, Port input) {
        PartialShape s = input.partialShape();
        if (s.isRankDynamic() || s.rank() != 4 || !s.get(1).isStatic() || s.get(1).length() != 3) {
            throw new IllegalArgumentException("the sample expects an image input [N, 3, H, W], the model's input "
                    + input + " is not");
        }
        int h = s.get(2).isStatic() ? (int) s.get(2).length() : image.getHeight();
        int w = s.get(3).isStatic() ? (int) s.get(3).length() : image.getWidth();
        BufferedImage resized = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = resized.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, w, h, null);
        g.dispose();
        float[] values = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = resized.getRGB(x, y);
                values[(0 * h + y) * w + x] = rgb & 0xFF;
                values[(1 * h + y) * w + x] = (rgb >> 8) & 0xFF;
                values[(2 * h + y) * w + x] = (rgb >> 16) & 0xFF;
            }
        }
        Tensor t = Tensor.of(values, Shape.of(1, 3, h, w));
        return input.elementType() == ElementType.F32 ? OvTensor.of(t)
                : OvTensor.of(input.elementType(), input.elementType().isReal() ? t : t.cast(dev.adjoint.core.DType.INT32));
    }
}
