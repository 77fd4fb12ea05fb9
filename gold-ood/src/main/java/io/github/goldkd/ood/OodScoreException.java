package io.github.goldkd.ood;

import io.github.goldkd.core.GoldException;

/**
 * A batch of logits that cannot be scored: a NaN or infinite logit, a sample without targets given to
 * a score that needs them, or a sequence without a real token. The message names the sample's index in
 * the batch.
 */
public class OodScoreException extends GoldException {

    public OodScoreException(String message) {
        super(message);
    }
}
