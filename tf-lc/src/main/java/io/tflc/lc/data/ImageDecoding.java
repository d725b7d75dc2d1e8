package io.tflc.lc.data;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.io.DecodeRaw;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * The TF ops that turn an encoded image (PNG, JPEG, BMP or GIF bytes) into float pixels, shared by the image folder
 * and TFRecord sources so that both decode exactly alike, and as TensorFlow itself does in a Python input pipeline.
 *
 * <p>Images are decoded with their own channels ({@code channels = 0}), never converted: a colour image given to a
 * greyscale model is the user's mistake to hear about, not to hide. With {@code resize}, images are scaled by
 * {@code ResizeBilinear} with half-pixel centres, which is what TF 2's {@code tf.image.resize} does; without it,
 * pixels stay the exact integers 0..255 of the file.
 */
final class ImageDecoding {
    private ImageDecoding() {
    }

    /**
     * Adds to {@code tf} the ops turning {@code values} (strings of unsigned 8-bit values, any shape […]) into floats
     * [… , length]: {@code DecodeRaw} (out_type uint8, which fails unless every string has the same length) and a
     * cast, so the floats are the exact integers 0..255.
     */
    static Operand<TFloat32> raw(Ops tf, Operand<TString> values) {
        return tf.dtypes.cast(tf.io.decodeRaw(values, TUint8.class, DecodeRaw.littleEndian(true)), TFloat32.class);
    }

    /**
     * Adds to {@code tf} the ops decoding {@code encoded} (a scalar string) into a float [height, width, channels]
     * image, resized to {@code resize} = [height, width] when it is not null.
     */
    static Operand<TFloat32> decode(Ops tf, Operand<TString> encoded, int[] resize) {
        Operand<TUint8> image = tf.image.decodeImage(encoded, TUint8.class, DecodeImage.channels(0L),
                DecodeImage.expandAnimations(false));
        if (resize == null) {
            return tf.dtypes.cast(image, TFloat32.class);
        }
        Operand<TFloat32> batch = tf.image.resizeBilinear(tf.expandDims(image, tf.constant(0)),
                tf.constant(resize), ResizeBilinear.halfPixelCenters(true));
        return tf.squeeze(batch, Squeeze.axis(List.of(0L)));
    }
}
