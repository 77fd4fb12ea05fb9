package io.github.goldkd.student;

import io.github.goldkd.core.StudentFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextCnnStudentTest extends StudentContractTest {

    @Override
    StudentFactory factory() {
        return TextCnnStudent.factory(TextCnnConfig.builder().embeddingDim(16).filters(8).learningRate(0.01)
                .batchSize(16).build());
    }

    @Override
    int epochs() {
        return 8;
    }

    @Override
    Object vocabularyOf(AbstractStudent<?> s) {
        return ((TextCnnStudent) s).vocabulary();
    }

    @Test
    void configurationIsValidated() {
        assertThatThrownBy(() -> TextCnnConfig.builder().kernelWidths(List.of()).build())
                .hasMessageContaining("kernelWidths");
        assertThatThrownBy(() -> TextCnnConfig.builder().dropout(1.0).build())
                .hasMessage("dropout must be in [0, 1), was 1.0");
        assertThat(TextCnnConfig.defaults().kernelWidths()).containsExactly(3, 4, 5);
    }
}
