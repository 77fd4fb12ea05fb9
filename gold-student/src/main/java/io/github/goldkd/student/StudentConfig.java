package io.github.goldkd.student;

/** A student configuration as the shared training loop sees it: the settings that loop reads. */
interface StudentConfig {

    TrainingSettings training();
}
