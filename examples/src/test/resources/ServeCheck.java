import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Serves a SavedModel with plain TF Java only (run as a single-file program, no tf-lc classes): the first N
 * Fashion-MNIST test images through the serving_default signature; prints the number of wrong predictions.
 * Arguments: model folder, IDX folder, N.
 */
public class ServeCheck {
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path idx = Path.of(args[1]);
        int n = Integer.parseInt(args[2]);
        float[] images = new float[n * 784];
        byte[] labels;
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(
                idx.resolve("t10k-images-idx3-ubyte.gz"))))) {
            in.skipNBytes(16);
            byte[] pixels = in.readNBytes(n * 784);
            for (int i = 0; i < pixels.length; i++) {
                images[i] = (pixels[i] & 0xff) / 255f;
            }
        }
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(
                idx.resolve("t10k-labels-idx1-ubyte.gz"))))) {
            in.skipNBytes(8);
            labels = in.readNBytes(n);
        }
        try (SavedModelBundle bundle = SavedModelBundle.load(model.toString(), "serve")) {
            SessionFunction serve = bundle.function("serving_default");
            String input = serve.signature().inputNames().iterator().next();
            String output = serve.signature().outputNames().iterator().next();
            int wrong = 0;
            try (TFloat32 x = TFloat32.tensorOf(Shape.of(n, 784))) {
                x.asRawTensor().data().asFloats().write(images);
                try (Result result = serve.call(Map.<String, Tensor>of(input, x))) {
                    TFloat32 y = (TFloat32) result.get(output).orElseThrow();
                    for (int i = 0; i < n; i++) {
                        int best = 0;
                        for (int c = 1; c < 10; c++) {
                            if (y.getFloat(i, c) > y.getFloat(i, best)) {
                                best = c;
                            }
                        }
                        wrong += best == labels[i] ? 0 : 1;
                    }
                }
            }
            System.out.println("wrong=" + wrong);
        }
    }
}
