package io.tflc.lc.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * Images in a folder with one sub-folder per class ({@code DIR/cat/001.jpg}, {@code DIR/dog/002.png}), the layout
 * of Keras' {@code image_dataset_from_directory}. Labels are class indices: the sub-folders in sorted name order,
 * or in the order {@code spec.classes()} lists them (needed whenever a train and a test folder might not hold the
 * same classes). Images are PNG or JPEG (BMP and GIF decode too), found at any depth in a class folder (other files,
 * and hidden ones, are passed over), decoded by TF ops ({@link ImageDecoding}) and checked against the model input,
 * channels first: an [height, width, channels] input takes images of that size and channels, an [height, width]
 * input greyscale ones, and a vector input any image with as many values.
 *
 * <p>Examples come in the order of their file names, then of their classes: a dataset written as
 * {@code DIR/<class>/<index>.png} with zero-padded indices comes back in its original order.
 */
public final class ImageFolderSource implements DataSource {
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private final Path dir;
    private final DataSpec spec;

    public ImageFolderSource(Path dir, DataSpec spec) {
        this.dir = dir;
        this.spec = spec;
    }

    /** The class names in label order: {@code spec.classes()} when given, otherwise the sorted sub-folder names. */
    public List<String> classes() throws IOException {
        List<String> folders = folders();
        if (spec.classes() == null) {
            return folders;
        }
        for (String folder : folders) {
            if (!spec.classes().contains(folder)) {
                throw new InvalidDataException(describe() + ": sub-folder '" + folder + "' is not among the classes "
                        + spec.classes() + " (data.classes lists them in label order)");
            }
        }
        return List.copyOf(spec.classes());
    }

    @Override
    public Dataset load(int[] exampleShape) throws IOException {
        Preprocessing.check(spec.preprocess(), exampleShape);
        List<Image> images = images();
        Examples.requireSome(this, images.size());
        int size = ExampleShapes.size(exampleShape);
        float[] features = Examples.allocate(this, images.size(), size);
        float[] targets = new float[images.size()];
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Placeholder<TString> file = tf.placeholder(TString.class);
            Operand<TFloat32> pixels = ImageDecoding.decode(tf, tf.io.readFile(file), spec.preprocess().resize());
            for (int i = 0; i < images.size(); i++) {
                Path path = images.get(i).file();
                try (TString name = TString.scalarOf(path.toString());
                     Result result = session.runner().feed(file, name).fetch(pixels).run()) {
                    TFloat32 image = (TFloat32) result.get(0);
                    ExampleShapes.checkImage(image.shape().asArray(), exampleShape, describe() + ": " + path);
                    image.asRawTensor().data().asFloats().read(features, i * size, size);
                } catch (TensorFlowException | IllegalArgumentException e) {
                    throw new InvalidDataException(describe() + ": cannot decode " + path + ": "
                            + TfErrors.firstLine(e), e);
                }
                targets[i] = images.get(i).label();
            }
        }
        return Examples.dataset(this, features, targets, 1, exampleShape, spec);
    }

    @Override
    public String describe() {
        return "images:" + dir;
    }

    /** One image file and its class index. */
    private record Image(Path file, int label) {
    }

    /** Every image, ordered by file name, then class, then full path. */
    private List<Image> images() throws IOException {
        List<String> classes = classes();
        List<Image> images = new ArrayList<>();
        for (String folder : folders()) {
            int label = classes.indexOf(folder);
            try (Stream<Path> files = Files.walk(dir.resolve(folder))) {
                files.filter(Files::isRegularFile).filter(ImageFolderSource::isImage)
                        .forEach(f -> images.add(new Image(f, label)));
            }
        }
        images.sort(Comparator.comparing((Image m) -> m.file().getFileName().toString())
                .thenComparingInt(Image::label).thenComparing(m -> m.file().toString()));
        return images;
    }

    /** The class sub-folders, sorted; image files directly in the folder are an error (they have no class). */
    private List<String> folders() throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InvalidDataException(describe() + ": " + dir + " is a file; images: takes a folder with one "
                    + "sub-folder per class");
        }
        List<String> folders = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.sorted().toList()) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                if (Files.isDirectory(entry)) {
                    folders.add(name);
                } else if (isImage(entry)) {
                    throw new InvalidDataException(describe() + ": " + entry + " lies directly in the folder; images "
                            + "belong in one sub-folder per class (" + dir + "/<class>/" + name + ")");
                }
            }
        } catch (NoSuchFileException e) {
            throw new DataUnavailableException(describe() + ": no such folder " + dir);
        }
        return folders;
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return !name.startsWith(".") && dot > 0
                && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
