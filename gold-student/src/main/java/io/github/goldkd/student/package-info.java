/**
 * The student side of GOLD on DeepLearning4J: text classifiers that expose their pre-softmax logits, trained
 * with the gold-core losses and batch filters.
 *
 * <ul>
 *   <li>{@link io.github.goldkd.student.BagOfEmbeddingsStudent}: fastText-like, token and hashed bigram
 *       embeddings, fast sparse training;</li>
 *   <li>{@link io.github.goldkd.student.TextCnnStudent}: Kim's convolutional classifier;</li>
 *   <li>{@link io.github.goldkd.student.EncoderStudent}: a frozen sentence encoder (any
 *       {@link io.github.goldkd.core.Encoder}, e.g. {@link io.github.goldkd.student.OnnxBgeEncoder}) with a
 *       DL4J head;</li>
 *   <li>{@link io.github.goldkd.student.GoldLossFunction}: a gold-core loss as a DL4J loss function.</li>
 * </ul>
 * Each student kind has a {@code factory(...)} returning a {@link io.github.goldkd.core.StudentFactory}; a
 * saved student is one zip file that its factory loads.
 */
package io.github.goldkd.student;
