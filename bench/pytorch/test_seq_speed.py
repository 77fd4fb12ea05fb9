"""Checks that the harness's networks are the students' networks in the ways that matter for a fair timing:
the causal mask, the padding mask, the copy softmax's width and that training actually trains.
Run: python -m unittest test_seq_speed (in bench/pytorch; needs torch)."""
import unittest

import torch

import seq_speed as s


def tiny(copy=True):
    return {"d": 16, "heads": 2, "ffn": 32, "enc_layers": 1, "dec_layers": 1, "src_vocab": 30, "out_vocab": 8,
            "copy": copy, "src_len": 6, "tgt_len": 5, "lr": 0.01, "warmup": 0, "clip": 1.0}


class Seq2SeqTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(1)

    def test_width_is_vocabulary_plus_source_when_copying(self):
        for copy, width in ((True, 8 + 6), (False, 8)):
            c = tiny(copy)
            src, src_mask, dec_in, _, _ = s.s2s_batches(c, 3, 1, torch.Generator().manual_seed(1))[0]
            self.assertEqual(s.Seq2Seq(c)(src, src_mask, dec_in).shape, (3, 5, width))

    def test_a_later_decoder_input_does_not_change_earlier_logits(self):
        c = tiny()
        m = s.Seq2Seq(c).eval()
        src, src_mask, dec_in, _, _ = s.s2s_batches(c, 2, 1, torch.Generator().manual_seed(2))[0]
        a = m(src, src_mask, dec_in)
        changed = dec_in.clone()
        changed[:, -1] = (changed[:, -1] + 1) % 9
        b = m(src, src_mask, changed)
        self.assertTrue(torch.allclose(a[:, :-1], b[:, :-1], atol=1e-5))
        self.assertFalse(torch.allclose(a[:, -1], b[:, -1], atol=1e-5))

    def test_a_copied_input_reads_its_source_position(self):
        # as Seq2SeqGraph.COPIED: the same decoder ids, but a copy of position 2 instead of a generated token
        c = tiny()
        m = s.Seq2Seq(c).eval()
        src, src_mask, dec_in, _, _ = s.s2s_batches(c, 1, 1, torch.Generator().manual_seed(5))[0]
        generated = torch.full(dec_in.shape, -1, dtype=torch.long)
        copied = generated.clone()
        copied[0, 2] = 2
        a = m(src, src_mask, dec_in, generated)
        b = m(src, src_mask, dec_in, copied)
        self.assertTrue(torch.allclose(a[:, :2], b[:, :2], atol=1e-6))
        self.assertFalse(torch.allclose(a[:, 2:], b[:, 2:], atol=1e-5))
        self.assertTrue(torch.equal(s.copied_positions(torch.tensor([[3, 8 + 4, 1]]), 8),
                                    torch.tensor([[-1, -1, 4, -1]])))

    def test_padded_source_positions_are_ignored(self):
        c = tiny(copy=False)
        m = s.Seq2Seq(c).eval()
        src, _, dec_in, _, _ = s.s2s_batches(c, 1, 1, torch.Generator().manual_seed(3))[0]
        mask = torch.tensor([[1, 1, 1, 1, 0, 0]], dtype=torch.float32)
        other = src.clone()
        other[0, 4:] = 5
        self.assertTrue(torch.allclose(m(src, mask, dec_in), m(other, mask, dec_in), atol=1e-5))

    def test_training_lowers_the_loss(self):
        c = tiny()
        m = s.Seq2Seq(c)
        batch = s.s2s_batches(c, 8, 1, torch.Generator().manual_seed(4))[0]
        opt, sched = s.make_optimizer(m, c)
        first = s.train_step(m, opt, sched, 1.0, batch, "s2s")
        for _ in range(60):
            last = s.train_step(m, opt, sched, 1.0, batch, "s2s")
        self.assertLess(last, first * 0.5)

    def test_lockstep_greedy_writes_what_each_sequence_alone_writes(self):
        for copy in (True, False):
            c = tiny(copy)
            m = s.Seq2Seq(c).eval()
            src, src_mask, _, _, _ = s.s2s_batches(c, 4, 1, torch.Generator().manual_seed(6))[0]
            src_mask[1, 4:] = 0.0
            src_mask[3, 2:] = 0.0
            steps = [4, 2, 5, 3]
            with torch.no_grad():
                memory, src_bias = m.encode(src, src_mask)
                together = s.greedy_together(m, c, src, memory, src_bias, steps)
                for i, n in enumerate(steps):
                    ln = int(src_mask[i].sum())
                    alone = s.greedy_from_memory(m, c, src[i:i + 1, :ln], memory[i:i + 1, :ln], n)
                    self.assertEqual(together[i, : n + 1].tolist(), alone[0].tolist())

    def test_cached_greedy_writes_what_the_whole_prefix_decoder_writes(self):
        # the student's incremental decoder must change the speed, not the output: same tokens, same logits
        for copy in (True, False):
            c = tiny(copy)
            c["dec_layers"] = 2
            m = s.Seq2Seq(c).eval()
            src, src_mask, _, _, _ = s.s2s_batches(c, 5, 1, torch.Generator().manual_seed(8))[0]
            src_mask[1, 4:] = 0.0
            src_mask[3, 2:] = 0.0
            steps = [4, 2, 7, 3, 7]  # past tgt_len too: the positions table is extended as decode_s2s does
            m.pos = s.sinusoids(8, c["d"])
            with torch.no_grad():
                memory, src_bias = m.encode(src, src_mask)
                whole, cached = [], []
                together = s.greedy_together(m, c, src, memory, src_bias, steps, trace=whole)
                kv = s.greedy_cached(m, c, src, memory, src_bias, steps, trace=cached)
            self.assertEqual(kv.tolist(), together.tolist())
            self.assertEqual(len(cached), max(steps))
            for (rows_a, a), (rows_b, b) in zip(whole, cached):
                self.assertEqual(rows_a.tolist(), rows_b.tolist())
                self.assertTrue(torch.allclose(a, b, atol=1e-4), (a - b).abs().max().item())
            if copy:  # the copied-input embedding was exercised, not only generated tokens
                self.assertTrue(bool((kv[:, 1:] > c["out_vocab"]).any()))

    def test_cached_decoding_is_timed_when_the_spec_asks(self):
        c = tiny()
        m = s.Seq2Seq(c)
        took, tokens = s.decode_s2s(m, c, {"encode_batch": 2, "steps": [6, 3]}, 3, torch.Generator().manual_seed(7),
                                    kv_cache=True)
        self.assertEqual(tokens, 6 + 3 + 6)
        self.assertGreater(took, 0)

    def test_decoding_past_the_training_target_length_extends_the_positions(self):
        c = tiny()
        m = s.Seq2Seq(c)
        took, tokens = s.decode_s2s(m, c, {"encode_batch": 2, "steps": [12, 3]}, 3, torch.Generator().manual_seed(7))
        self.assertEqual(tokens, 12 + 3 + 12)
        self.assertGreaterEqual(m.pos.shape[0], 13)

    def test_one_hot_embedding_equals_lookup(self):
        e = s.Embedding(30, 16, onehot=False)
        ids = torch.tensor([[1, 29, 3]])
        lookup = e(ids)
        e.onehot = True
        self.assertTrue(torch.allclose(lookup, e(ids), atol=1e-6))


class SpanQaTest(unittest.TestCase):
    def test_logits_outside_the_context_are_masked(self):
        c = {"state_dim": 12, "d": 16, "heads": 2, "ffn": 32, "seq_len": 20, "context_start": 5}
        states, exact, token_mask, ctx, _, _ = s.qa_batches(c, 2, 1, torch.Generator().manual_seed(5))[0]
        start, end = s.SpanQa(c)(states.float(), exact, token_mask, ctx)
        self.assertEqual(start.shape, (2, 20))
        self.assertTrue(bool((start[:, :5] < -1e8).all()))
        self.assertTrue(bool((start[:, 5:19] > -1e8).all()))


if __name__ == "__main__":
    unittest.main()
