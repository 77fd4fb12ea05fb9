package io.github.goldkd.student;

import io.github.goldkd.core.Predictor;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.core.metric.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * gold-student's pom leaves deeplearning4j-core's image, video, HDF5, dataset and UI dependencies and ND4J's
 * MKL out; this module's test class path is the one its consumers resolve. Each student must still train,
 * save, load and predict on it.
 */
class TrimmedClasspathTest {

    @Test
    void theLeftOutLibrariesAreNotOnTheClassPath() {
        for (String name : List.of(
                "org.datavec.image.loader.NativeImageLoader",      // datavec-data-image
                "org.bytedeco.javacv.FrameGrabber",                // JavaCV
                "org.bytedeco.opencv.global.opencv_core",          // OpenCV
                "org.bytedeco.ffmpeg.global.avcodec",              // FFmpeg
                "org.bytedeco.leptonica.global.lept",              // Leptonica
                "org.bytedeco.hdf5.global.hdf5",                   // HDF5 (Keras import)
                "org.deeplearning4j.nn.modelimport.keras.KerasModelImport",
                "org.deeplearning4j.datasets.fetchers.MnistDataFetcher",
                "org.bytedeco.mkl.global.mkl_rt")) {               // MKL
            assertThat(isPresent(name)).as(name).isFalse();
        }
        // what the students do use is there
        assertThat(isPresent("org.deeplearning4j.nn.graph.ComputationGraph")).isTrue();
        assertThat(isPresent("org.nd4j.linalg.cpu.nativecpu.CpuBackend")).isTrue();
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, TrimmedClasspathTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Test
    void everyStudentTrainsSavesLoadsAndPredicts(@TempDir Path dir) {
        FakeEncoder encoder = new FakeEncoder(64);
        record Kind(String name, StudentFactory factory, int epochs, Function<Path, Student> load) {
        }
        List<Kind> kinds = List.of(
                new Kind("bag", BagOfEmbeddingsStudent.factory(BagOfEmbeddingsConfig.builder().embeddingDim(16)
                        .bigramBuckets(200).build()), 30, Students::load),
                new Kind("cnn", TextCnnStudent.factory(TextCnnConfig.builder().embeddingDim(16).filters(8)
                        .learningRate(0.01).build()), 10, Students::load),
                // Students.load creates only the bundled encoder: a fake one is given to the factory
                new Kind("encoder", EncoderStudent.factory(encoder, EncoderStudentConfig.builder().learningRate(0.05)
                        .build()), 15, EncoderStudent.factory(encoder)::load));
        List<String> texts = new ArrayList<>();
        for (Sample s : StudentContractTest.TEST) {
            texts.add(s.text());
        }
        for (Kind k : kinds) {
            Student s = k.factory().create(ToyData.TASK, TrainingOptions.defaults(1));
            s.fit(StudentContractTest.TRAIN, k.epochs(), 2);
            assertThat(s.score(StudentContractTest.TEST, Metrics.accuracy())).as(k.name()).isGreaterThanOrEqualTo(0.9);
            Path file = dir.resolve(k.name()).resolve("student.bin");
            s.save(file);
            Student back = k.load().apply(file);
            assertThat(back.getClass()).isEqualTo(s.getClass());
            List<String> labels = Predictor.of(back).predict(texts);
            assertThat(labels).as(k.name()).isEqualTo(s.predict(StudentContractTest.TEST.samples()));
            List<double[]> p = Predictor.of(back).probabilities(texts);
            assertThat(p).hasSize(texts.size()).allSatisfy(row -> assertThat(row).hasSize(3));
        }
    }
}
