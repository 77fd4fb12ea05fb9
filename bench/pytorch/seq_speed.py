#!/usr/bin/env python3
"""PyTorch anchor for the speed of GOLD's DL4J sequence students (issue 11).

A benchmark harness only: nothing in the library depends on it and no jar contains it. It builds the same
networks as the DL4J students (layer by layer, same sizes), feeds them synthetic batches of the same shapes,
and measures training steps per second, greedy decoding sequences per second and peak resident memory.

Usage:  python seq_speed.py --spec SPEC.json      (one case; SequenceSpeedBenchmark writes the spec)
        python seq_speed.py --example s2s|qa       (print an example spec)
Output: one JSON line per measurement on standard output (train, forward, decode, decode_kv and decode_each
        when asked for, peak_rss), nothing else there.

The spec (all sizes as the DL4J student uses them; see README.md):
  name, model ("s2s" or "qa"), threads, seed, batch, train_steps, warmup_steps,
  s2s: d, heads, ffn, enc_layers, dec_layers, src_vocab, out_vocab, copy, src_len, tgt_len,
       lr, warmup, clip, onehot (true: embed by one-hot x matrix as the DL4J side must; default false,
       nn.Embedding, what a PyTorch user writes: the same function)
  qa:  state_dim, features (per-token input width: state, segment, match features), d, heads, ffn, seq_len,
       context_start, lr, betas, eps, clip, warmup
  decode: s2s: sequences, encode_batch (sources encoded together), steps (greedy steps per sequence, a
          list cycled); the sequences of a chunk are then decoded in lockstep, one decoder call per step for
          those still decoding, re-running the decoder on the whole prefix (no key/value cache), as
          Seq2SeqStudent.predict did from its batched decoding until its key/value cache; kv_cache (optional, default false): also
          time the same lockstep decoding with a key/value cache (measure "decode_kv": per decoder layer the
          self-attention keys/values of earlier positions cached, the memory's cross-attention keys/values
          computed once per chunk, each step only the new position; the same tokens), what the student's
          IncrementalDecoder does; each_sequences (optional, default 0): also time the first that many sequences
          decoded one at a time (batch 1, the student's former way).
          qa: sequences, batch, max_answer: one forward pass per batch, then the best span.
"""
import argparse
import json
import math
import os
import resource
import sys
import time


def peak_rss_mb():
    # ru_maxrss is in kilobytes on Linux: the process's high-water mark, as VmHWM on the Java side.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def emit(**fields):
    print(json.dumps(fields), flush=True)


try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:  # the Java side reads this line and says how to install torch
    emit(measure="error", error="torch is not installed for " + sys.executable + ": " + str(e)
         + " (see bench/pytorch/README.md)")
    sys.exit(3)

NEG = -1e9


def sinusoids(length, d):
    """P[pos, 2i] = sin(pos / 10000^(2i/d)), P[pos, 2i+1] = cos(...): the DL4J student's table."""
    pos = torch.arange(length, dtype=torch.float32).unsqueeze(1)
    two_i = torch.arange(0, d, 2, dtype=torch.float32)
    angle = pos / torch.pow(10000.0, two_i / d)
    table = torch.zeros(length, d)
    table[:, 0::2] = torch.sin(angle)
    table[:, 1::2] = torch.cos(angle[:, : d // 2])
    return table


class MultiHeadAttention(nn.Module):
    """Per head Qh = q Wq_h, Kh = kv Wk_h, Vh = kv Wv_h (no bias), softmax(Qh Kh^T / sqrt(dh) + bias) Vh, heads
    concatenated, then Wo with bias. One [d, d] matrix per projection is the H [d, dh] matrices side by side."""

    def __init__(self, d, heads):
        super().__init__()
        self.h, self.dh = heads, d // heads
        self.q = nn.Linear(d, d, bias=False)
        self.k = nn.Linear(d, d, bias=False)
        self.v = nn.Linear(d, d, bias=False)
        self.o = nn.Linear(d, d)

    def forward(self, q, kv, bias):
        return self.attend(self.split(self.q(q)), self.split(self.k(kv)), self.split(self.v(kv)), bias)

    def split(self, x):
        """[B, T, d] -> [B, H, T, dh]: the heads of one projection."""
        b, t, _ = x.shape
        return x.view(b, t, self.h, self.dh).transpose(1, 2)

    def attend(self, qh, kh, vh, bias):
        """The heads' attention, concatenated, through Wo; bias [B or 1, Tq, Tk] or None (nothing masked). Shared
        by the whole-prefix pass and the cached step, so that both compute the same function."""
        scores = qh @ kh.transpose(-1, -2) / math.sqrt(self.dh)
        if bias is not None:
            scores = scores + bias.unsqueeze(1)
        out = torch.softmax(scores, dim=-1) @ vh
        b, _, tq, _ = out.shape
        return self.o(out.transpose(1, 2).reshape(b, tq, self.h * self.dh))


class FeedForward(nn.Module):
    def __init__(self, d, ffn):
        super().__init__()
        self.w1 = nn.Linear(d, ffn)
        self.w2 = nn.Linear(ffn, d)

    def forward(self, x):
        return self.w2(torch.relu(self.w1(x)))


class EncoderLayer(nn.Module):
    def __init__(self, d, heads, ffn):
        super().__init__()
        self.ln1, self.att, self.ln2, self.ffn = nn.LayerNorm(d), MultiHeadAttention(d, heads), nn.LayerNorm(d), \
            FeedForward(d, ffn)

    def forward(self, x, bias):
        y = self.ln1(x)
        x = x + self.att(y, y, bias)
        return x + self.ffn(self.ln2(x))


class DecoderLayer(nn.Module):
    def __init__(self, d, heads, ffn):
        super().__init__()
        self.ln1, self.self_att = nn.LayerNorm(d), MultiHeadAttention(d, heads)
        self.ln2, self.cross_att = nn.LayerNorm(d), MultiHeadAttention(d, heads)
        self.ln3, self.ffn = nn.LayerNorm(d), FeedForward(d, ffn)

    def forward(self, x, memory, causal_bias, src_bias):
        y = self.ln1(x)
        x = x + self.self_att(y, y, causal_bias)
        x = x + self.cross_att(self.ln2(x), memory, src_bias)
        return x + self.ffn(self.ln3(x))


class Embedding(nn.Module):
    """nn.Embedding, or one-hot x matrix (what DL4J M2.1 must do because sd.gather is not trainable)."""

    def __init__(self, vocab, d, onehot):
        super().__init__()
        self.vocab, self.onehot = vocab, onehot
        self.weight = nn.Parameter(torch.randn(vocab, d) / math.sqrt(d))  # N(0, 1/d) as the student

    def forward(self, ids):
        if self.onehot:
            return F.one_hot(ids, self.vocab).to(self.weight.dtype) @ self.weight
        return F.embedding(ids, self.weight)


class Seq2Seq(nn.Module):
    """The Seq2SeqStudent's network (see Seq2SeqConfig's javadoc): pre-norm Transformer encoder-decoder,
    sinusoidal positions, a single softmax over [vocabulary ; source positions] when it copies."""

    def __init__(self, c):
        super().__init__()
        d = c["d"]
        self.d, self.copy, self.out_vocab = d, c.get("copy", True), c["out_vocab"]
        dec_vocab = self.out_vocab + 1 + (c["src_vocab"] if self.copy else 0)
        self.src_emb = Embedding(c["src_vocab"], d, c.get("onehot", False))
        self.dec_emb = Embedding(dec_vocab, d, c.get("onehot", False))
        self.enc = nn.ModuleList(EncoderLayer(d, c["heads"], c["ffn"]) for _ in range(c["enc_layers"]))
        self.enc_ln = nn.LayerNorm(d)
        self.dec = nn.ModuleList(DecoderLayer(d, c["heads"], c["ffn"]) for _ in range(c["dec_layers"]))
        self.dec_ln = nn.LayerNorm(d)
        self.out = nn.Linear(d, self.out_vocab)
        self.wc = nn.Linear(d, d, bias=False) if self.copy else None
        self.register_buffer("pos", sinusoids(max(c["src_len"], c["tgt_len"]) + 1, d), persistent=False)
        for name, p in self.named_parameters():
            if p.dim() == 2 and "emb" not in name:
                nn.init.xavier_uniform_(p)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def encode(self, src, src_mask):
        s = src.shape[1]
        src_bias = ((1.0 - src_mask) * NEG).unsqueeze(1)  # [B, 1, S]
        x = self.src_emb(src) * math.sqrt(self.d) + self.pos[:s]
        for layer in self.enc:
            x = layer(x, src_bias)
        return self.enc_ln(x), src_bias

    def decode(self, dec_in, memory, src_bias, copied=None):
        """copied: [B, T] source position each decoder input copied, -1 where it was generated (and the start);
        a copied input adds that position's memory to its embedding (Seq2SeqGraph.COPIED)."""
        t = dec_in.shape[1]
        causal = torch.triu(torch.full((t, t), NEG), diagonal=1).unsqueeze(0)  # [1, T, T]
        x = self.dec_emb(dec_in) * math.sqrt(self.d) + self.pos[:t]
        if self.copy and copied is not None:
            read = torch.gather(memory, 1, copied.clamp(min=0).unsqueeze(-1).expand(-1, -1, self.d))
            x = x + read * (copied >= 0).unsqueeze(-1).to(x.dtype)
        for layer in self.dec:
            x = layer(x, memory, causal, src_bias)
        h = self.dec_ln(x)
        logits = self.out(h)
        if self.copy:
            copy_scores = self.wc(h) @ memory.transpose(1, 2) / math.sqrt(self.d) + src_bias  # [B, T, S]
            logits = torch.cat([logits, copy_scores], dim=-1)
        return logits

    def forward(self, src, src_mask, dec_in, copied=None):
        memory, src_bias = self.encode(src, src_mask)
        return self.decode(dec_in, memory, src_bias, copied)

    def decode_step(self, token, copied, memory, src_bias, cache):
        """One position of `decode` with a key/value cache: the decoder input `token` [B] at position
        cache.length (copied [B]: the source position it copied, -1 where generated) attends to the cached
        positions and itself; returns its logits [B, W], the same as decode(...)[:, cache.length] on the whole
        prefix, and appends its self-attention keys/values to the cache. memory, src_bias: of the cache's rows."""
        j = cache.length
        x = self.dec_emb(token.unsqueeze(1)) * math.sqrt(self.d) + self.pos[j:j + 1]  # [B, 1, d]
        if self.copy:
            read = torch.gather(memory, 1, copied.clamp(min=0).view(-1, 1, 1).expand(-1, 1, self.d))
            x = x + read * (copied >= 0).view(-1, 1, 1).to(x.dtype)
        for layer, (k_buf, v_buf), (ck, cv) in zip(self.dec, cache.self_kv, cache.cross_kv):
            att = layer.self_att
            y = layer.ln1(x)
            # written in place into buffers sized for the longest sequence: no copy of the prefix per step
            k_buf[:, :, j:j + 1] = att.split(att.k(y))
            v_buf[:, :, j:j + 1] = att.split(att.v(y))
            # the newest position may see every earlier one: no causal mask needed
            x = x + att.attend(att.split(att.q(y)), k_buf[:, :, :j + 1], v_buf[:, :, :j + 1], None)
            cross = layer.cross_att
            x = x + cross.attend(cross.split(cross.q(layer.ln2(x))), ck, cv, src_bias)
            x = x + layer.ffn(layer.ln3(x))
        cache.length = j + 1
        h = self.dec_ln(x)
        logits = self.out(h)
        if self.copy:
            copy_scores = self.wc(h) @ memory.transpose(1, 2) / math.sqrt(self.d) + src_bias
            logits = torch.cat([logits, copy_scores], dim=-1)
        return logits[:, 0]


class DecoderCache:
    """Per decoder layer the self-attention keys and values of the positions decoded so far ([B, H, steps, dh],
    allocated for the longest sequence, the first `length` positions filled) and the cross-attention keys and
    values of the memory ([B, H, S, dh], computed once per source): what each cached step reads instead of
    re-running the decoder on the prefix."""

    def __init__(self, model, memory, steps):
        b = memory.shape[0]
        self.length = 0
        self.self_kv = [(memory.new_zeros(b, layer.self_att.h, steps, layer.self_att.dh),
                         memory.new_zeros(b, layer.self_att.h, steps, layer.self_att.dh)) for layer in model.dec]
        self.cross_kv = [(layer.cross_att.split(layer.cross_att.k(memory)),
                          layer.cross_att.split(layer.cross_att.v(memory))) for layer in model.dec]

    def select(self, rows):
        """Keeps only the batch rows `rows` (the sequences still decoding)."""
        self.self_kv = [(k[rows], v[rows]) for k, v in self.self_kv]
        self.cross_kv = [(k[rows], v[rows]) for k, v in self.cross_kv]


def copied_positions(outputs, out_vocab):
    """The decoder inputs' copied source positions [B, T] for raw outputs [B, T-1] (start prepended, -1)."""
    pos = torch.where(outputs >= out_vocab, outputs - out_vocab, torch.full_like(outputs, -1))
    return torch.cat([torch.full((outputs.shape[0], 1), -1, dtype=outputs.dtype), pos], dim=1)


class SpanQa(nn.Module):
    """SpanQaStudent's trainable network on frozen token states (SpanQaConfig's javadoc, channels last here):
    proj = relu(W_in x + b_in) on x = [384 state ; exact match ; segment]; h = proj + MHA(proj) (no biases, keys
    masked by the token mask, no LayerNorm); f = h + W_2 relu(W_1 h + b_1) + b_2 (W_1 [d, 2d]); logits = W_out f +
    b_out: start and end, masked to the context's tokens."""

    def __init__(self, c):
        super().__init__()
        d, h = c["d"], c["heads"]
        self.h, self.dh = h, d // h
        self.proj = nn.Linear(c.get("features", c["state_dim"] + 2), d)
        self.q = nn.Linear(d, d, bias=False)
        self.k = nn.Linear(d, d, bias=False)
        self.v = nn.Linear(d, d, bias=False)
        self.o = nn.Linear(d, d, bias=False)
        self.w1 = nn.Linear(d, c.get("ffn", 2 * d))
        self.w2 = nn.Linear(c.get("ffn", 2 * d), d)
        self.head = nn.Linear(d, 2)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                nn.init.xavier_uniform_(p)
            else:
                nn.init.zeros_(p)

    def forward(self, states, exact, token_mask, context_mask):
        # exact: [B, T] (the exact-match feature) or [B, T, k] (it and the student's further match features)
        exact = exact if exact.dim() == 3 else exact.unsqueeze(-1)
        x = torch.cat([states, context_mask.unsqueeze(-1), exact], dim=-1)
        p = torch.relu(self.proj(x))
        b, t, d = p.shape
        qh = self.q(p).view(b, t, self.h, self.dh).transpose(1, 2)
        kh = self.k(p).view(b, t, self.h, self.dh).transpose(1, 2)
        vh = self.v(p).view(b, t, self.h, self.dh).transpose(1, 2)
        bias = ((1.0 - token_mask) * NEG)[:, None, None, :]
        att = torch.softmax(qh @ kh.transpose(-1, -2) / math.sqrt(self.dh) + bias, dim=-1) @ vh
        h = p + self.o(att.transpose(1, 2).reshape(b, t, d))
        f = h + self.w2(torch.relu(self.w1(h)))
        logits = self.head(f) + ((1.0 - context_mask) * NEG).unsqueeze(-1)  # [B, T, 2]
        return logits[..., 0], logits[..., 1]


def lengths(spec_list, count, full):
    """Per-sample real lengths: the spec's list cycled, or all full."""
    if not spec_list:
        return [full] * count
    return [min(full, spec_list[i % len(spec_list)]) for i in range(count)]


def s2s_batches(c, batch, count, gen):
    s, t = c["src_len"], c["tgt_len"]
    out = []
    for _ in range(count):
        src = torch.randint(4, c["src_vocab"], (batch, s), generator=gen)
        src_mask = torch.zeros(batch, s)
        for i, n in enumerate(lengths(c.get("src_lengths"), batch, s)):
            src_mask[i, :n] = 1.0
        tgt = torch.randint(0, c["out_vocab"] + (s if c.get("copy", True) else 0), (batch, t), generator=gen)
        tgt_mask = torch.zeros(batch, t)
        for i, n in enumerate(lengths(c.get("tgt_lengths"), batch, t)):
            tgt_mask[i, :n] = 1.0
        # decoder input: BOS (id out_vocab) then the target shifted right; a copy of source position j enters
        # as out_vocab + 1 + src[j]
        prev = tgt[:, :-1]
        copied = prev >= c["out_vocab"]
        src_ids = torch.gather(src, 1, (prev - c["out_vocab"]).clamp(min=0, max=s - 1))
        prev = torch.where(copied, c["out_vocab"] + 1 + src_ids, prev)
        dec_in = torch.cat([torch.full((batch, 1), c["out_vocab"]), prev], dim=1)
        out.append((src, src_mask, dec_in, tgt, tgt_mask))
    return out


def qa_batches(c, batch, count, gen):
    t = c["seq_len"]
    out = []
    for _ in range(count):
        # the frozen states come out of a float16 cache on the DL4J side: stored as float16, widened per batch
        states = torch.randn(batch, t, c["state_dim"], generator=gen).to(torch.float16)
        # the match features after the state and the segment column: 0/1 exact match, then shares in [0, 1]
        k = c.get("features", c["state_dim"] + 2) - c["state_dim"] - 1
        exact = torch.rand(batch, t, k, generator=gen)
        exact[..., 0] = (exact[..., 0] < 0.1).float()
        token_mask = torch.zeros(batch, t)
        ctx_mask = torch.zeros(batch, t)
        for i, n in enumerate(lengths(c.get("lengths"), batch, t)):
            token_mask[i, :n] = 1.0
            ctx_mask[i, c["context_start"]:n - 1] = 1.0
        start = torch.randint(c["context_start"], c["context_start"] + 8, (batch,), generator=gen)
        end = start + torch.randint(0, 4, (batch,), generator=gen)
        out.append((states, exact, token_mask, ctx_mask, start, end))
    return out


def masked_ce(logits, targets, mask):
    ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="none")
    return (ce * mask.reshape(-1)).sum() / mask.sum().clamp(min=1.0)


def make_optimizer(model, c):
    betas = c.get("betas", [0.9, 0.98])
    opt = torch.optim.Adam(model.parameters(), lr=c.get("lr", 1e-3), betas=(betas[0], betas[1]), eps=c.get("eps", 1e-9))
    warmup = c.get("warmup", 0)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: min(1.0, (step + 1) / warmup) if warmup else 1.0)
    return opt, sched


def train_step(model, opt, sched, clip, batch, kind):
    opt.zero_grad(set_to_none=True)
    if kind == "s2s":
        src, src_mask, dec_in, tgt, tgt_mask = batch
        copied = copied_positions(tgt[:, :-1], model.out_vocab) if model.copy else None
        loss = masked_ce(model(src, src_mask, dec_in, copied), tgt, tgt_mask)
    else:
        states, exact, token_mask, ctx_mask, start, end = batch
        s_logits, e_logits = model(states.float(), exact, token_mask, ctx_mask)
        # a softmax over the context's tokens per row, the mean of the start and end terms
        loss = (F.cross_entropy(s_logits, start) + F.cross_entropy(e_logits, end)) / 2
    loss.backward()
    if clip:
        nn.utils.clip_grad_norm_(model.parameters(), clip)
    opt.step()
    sched.step()
    return loss.item()


def decode_s2s(model, c, d, n, gen, together=True, kv_cache=False):
    """As Seq2SeqStudent.predict: the encoder over chunks of `encode_batch` sources, then `steps[i]` greedy
    steps (cycled) for sequence i: together, the chunk's sequences in lockstep (one decoder call per step for the
    rows still decoding; kv_cache: one cached step per step, greedy_cached, instead of the decoder on the whole
    prefix); else each sequence alone (batch 1) on its memory cut to its real length."""
    model.eval()
    eb = int(d.get("encode_batch", 64))
    step_list = d.get("steps") or [c["tgt_len"]]
    longest = max(int(x) for x in step_list) + 1
    if longest > model.pos.shape[0]:
        # a student may decode past the longest training target (up to its maxTargetTokens): more positions
        model.pos = sinusoids(longest, model.d)
    src_lens = lengths(c.get("src_lengths"), n, c["src_len"])
    src_all = torch.randint(4, c["src_vocab"], (n, c["src_len"]), generator=gen)
    with torch.no_grad():
        one = src_all[:1, : src_lens[0]]
        memory, _ = model.encode(one, torch.ones(one.shape))
        greedy_from_memory(model, c, one, memory, 2)
        if kv_cache:
            greedy_cached(model, c, one, memory, torch.zeros(1, 1, memory.shape[1]), [2])
    t0 = time.perf_counter()
    tokens = 0
    with torch.no_grad():
        for start in range(0, n, eb):
            chunk = src_all[start:start + eb]
            mask = torch.zeros(chunk.shape)
            for i in range(chunk.shape[0]):
                mask[i, : src_lens[start + i]] = 1.0
            memory, src_bias = model.encode(chunk, mask)
            steps = [int(step_list[(start + i) % len(step_list)]) for i in range(chunk.shape[0])]
            if together and kv_cache:
                greedy_cached(model, c, chunk, memory, src_bias, steps)
            elif together:
                greedy_together(model, c, chunk, memory, src_bias, steps)
            else:
                for i in range(chunk.shape[0]):
                    ln = src_lens[start + i]
                    greedy_from_memory(model, c, chunk[i:i + 1, :ln], memory[i:i + 1, :ln], steps[i])
            tokens += sum(steps)
    return time.perf_counter() - t0, tokens


@torch.no_grad()
def greedy_together(model, c, src, memory, src_bias, steps, trace=None):
    """Greedy decoding of a chunk in lockstep: at step j one decoder call over the rows with steps[i] > j (a
    finished sequence drops out), each on its whole prefix; padded source positions masked by src_bias.
    trace: a list that gets (rows, logits) per step, for the tests."""
    b = src.shape[0]
    remaining = torch.tensor(steps)
    dec_in = torch.full((b, 1), c["out_vocab"], dtype=torch.long)
    raw = torch.zeros((b, 0), dtype=torch.long)  # the outputs as written (copies as out_vocab + position)
    for j in range(max(steps)):
        live = (remaining > j).nonzero().squeeze(1)
        logits = model.decode(dec_in[live], memory[live], src_bias[live],
                              copied_positions(raw[live], c["out_vocab"]))[:, -1]
        if trace is not None:
            trace.append((live, logits))
        nxt = torch.log_softmax(logits, -1).argmax(-1)
        raw_column = torch.zeros(b, dtype=torch.long)
        raw_column[live] = nxt
        raw = torch.cat([raw, raw_column.unsqueeze(1)], dim=1)
        copied = nxt >= c["out_vocab"]
        src_ids = torch.gather(src[live], 1, (nxt - c["out_vocab"]).clamp(min=0, max=src.shape[1] - 1).unsqueeze(1))
        nxt = torch.where(copied, c["out_vocab"] + 1 + src_ids.squeeze(1), nxt)
        column = torch.zeros(b, dtype=torch.long)  # finished rows: a filler token nobody reads
        column[live] = nxt
        dec_in = torch.cat([dec_in, column.unsqueeze(1)], dim=1)
    return dec_in


@torch.no_grad()
def greedy_cached(model, c, src, memory, src_bias, steps, trace=None):
    """greedy_together with a key/value cache (what the student's incremental decoder does): the memory's
    cross-attention keys/values once per chunk, then per step only the new position through the decoder
    (Seq2Seq.decode_step). A finished sequence drops out of the cache and of every per-row tensor. Returns the
    same [B, max(steps) + 1] decoder inputs as greedy_together (0 after a row's last step); trace as there."""
    b, s = src.shape
    v = c["out_vocab"]
    dec_in = torch.zeros((b, max(steps) + 1), dtype=torch.long)
    dec_in[:, 0] = v
    remaining = torch.tensor(steps)
    rows = torch.arange(b)  # the chunk rows still decoding, in the order of the cache's rows
    cache = DecoderCache(model, memory, max(steps))
    token = dec_in[:, 0].clone()
    copied = torch.full((b,), -1, dtype=torch.long)
    for j in range(max(steps)):
        keep = (remaining[rows] > j).nonzero().squeeze(1)
        if keep.numel() < rows.numel():  # only when a sequence finishes: no gather of the caches per step
            rows, token, copied = rows[keep], token[keep], copied[keep]
            src, memory, src_bias = src[keep], memory[keep], src_bias[keep]
            cache.select(keep)
        logits = model.decode_step(token, copied, memory, src_bias, cache)
        if trace is not None:
            trace.append((rows, logits))
        nxt = torch.log_softmax(logits, -1).argmax(-1)
        is_copy = nxt >= v
        copied = torch.where(is_copy, nxt - v, torch.full_like(nxt, -1))
        src_ids = torch.gather(src, 1, (nxt - v).clamp(min=0, max=s - 1).unsqueeze(1)).squeeze(1)
        token = torch.where(is_copy, v + 1 + src_ids, nxt)
        dec_in[rows, j + 1] = token
    return dec_in


@torch.no_grad()
def greedy_from_memory(model, c, src, memory, steps):
    src_bias = torch.zeros(1, 1, memory.shape[1])
    dec_in = torch.full((1, 1), c["out_vocab"], dtype=torch.long)
    raw = torch.zeros((1, 0), dtype=torch.long)
    for _ in range(steps):
        logits = model.decode(dec_in, memory, src_bias, copied_positions(raw, c["out_vocab"]))[:, -1]
        # the DL4J scorer turns each row into log-probabilities on the host; the argmax is the same
        nxt = torch.log_softmax(logits, -1).argmax(-1)
        raw = torch.cat([raw, nxt.unsqueeze(1)], dim=1)
        copied = nxt >= c["out_vocab"]
        src_ids = torch.gather(src, 1, (nxt - c["out_vocab"]).clamp(min=0, max=src.shape[1] - 1).unsqueeze(1))
        nxt = torch.where(copied, c["out_vocab"] + 1 + src_ids.squeeze(1), nxt)
        dec_in = torch.cat([dec_in, nxt.unsqueeze(1)], dim=1)
    return dec_in


def run(spec):
    threads = int(spec.get("threads", 1))
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    seed = int(spec.get("seed", 1))
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    kind = spec["model"]
    batch = int(spec["batch"])
    common = dict(name=spec.get("name", kind), framework="pytorch", version=torch.__version__, threads=threads)
    rss_start = peak_rss_mb()
    if kind == "s2s":
        c = spec["s2s"]
        model = Seq2Seq(c)
        data = s2s_batches(c, batch, max(1, int(spec.get("distinct_batches", 8))), gen)
    elif kind == "qa":
        c = spec["qa"]
        model = SpanQa(c)
        data = qa_batches(c, batch, max(1, int(spec.get("distinct_batches", 8))), gen)
    else:
        raise SystemExit("model must be s2s or qa, was " + str(kind))
    params = sum(p.numel() for p in model.parameters())
    opt, sched = make_optimizer(model, c)
    clip = c.get("clip", 1.0)
    model.train()
    for i in range(int(spec.get("warmup_steps", 3))):
        train_step(model, opt, sched, clip, data[i % len(data)], kind)
    steps = int(spec["train_steps"])
    repeats = max(1, int(spec.get("repeats", 1)))
    # best of `repeats` (as the Java side): the fastest repeat is the one least slowed by other processes
    seconds = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for i in range(steps):
            train_step(model, opt, sched, clip, data[i % len(data)], kind)
        seconds = min(seconds, time.perf_counter() - t0)
    emit(**common, measure="train", params=params, steps=steps, batch=batch, seconds=seconds,
         per_second=steps / seconds)

    # one forward pass on a training batch, without gradients: the DL4J side's Student.logits
    model.eval()
    with torch.no_grad():
        forward = (lambda b: model(b[0], b[1], b[2])) if kind == "s2s" else \
            (lambda b: model(b[0].float(), b[1], b[2], b[3]))
        forward(data[0])
        best = float("inf")
        for i in range(max(3, repeats)):
            t0 = time.perf_counter()
            forward(data[0])
            best = min(best, time.perf_counter() - t0)
        emit(**common, measure="forward", batch=batch, ms=best * 1000)

    d = spec.get("decode")
    if d:
        n = int(d["sequences"])
        if kind == "s2s":
            seconds, tokens = float("inf"), 0
            for _ in range(repeats):
                took, tokens = decode_s2s(model, c, d, n, torch.Generator().manual_seed(seed + 1))
                seconds = min(seconds, took)
            emit(**common, measure="decode", sequences=n, steps=tokens, seconds=seconds, per_second=n / seconds)
            if d.get("kv_cache"):
                seconds = float("inf")
                for _ in range(repeats):
                    took, tokens = decode_s2s(model, c, d, n, torch.Generator().manual_seed(seed + 1), kv_cache=True)
                    seconds = min(seconds, took)
                emit(**common, measure="decode_kv", sequences=n, steps=tokens, seconds=seconds,
                     per_second=n / seconds)
            each = min(n, int(d.get("each_sequences", 0)))
            if each > 0:
                seconds = float("inf")
                for _ in range(repeats):
                    took, tokens = decode_s2s(model, c, d, each, torch.Generator().manual_seed(seed + 1),
                                              together=False)
                    seconds = min(seconds, took)
                emit(**common, measure="decode_each", sequences=each, steps=tokens, seconds=seconds,
                     per_second=each / seconds)
        else:
            db = int(d.get("batch", batch))
            with torch.no_grad():
                states, exact, token_mask, ctx_mask = data[0][:4]
                model(states[:db].float(), exact[:db], token_mask[:db], ctx_mask[:db])
            seconds = float("inf")
            for _ in range(repeats):
                seconds = min(seconds, decode_qa(model, data, n, db, d))
            emit(**common, measure="decode", sequences=n, batch=db, seconds=seconds, per_second=n / seconds)
    emit(**common, measure="peak_rss", mb=peak_rss_mb(), mb_at_start=rss_start)


@torch.no_grad()
def decode_qa(model, data, n, db, d):
    """Seconds for the best spans of n samples in batches of db: one forward pass per batch, then the span
    search (start <= end < start + max_answer, the student's host-side search)."""
    span = int(d.get("max_answer", 30))
    t0 = time.perf_counter()
    done = 0
    while done < n:
        k = min(db, n - done)
        states, exact, token_mask, ctx_mask = data[done % len(data)][:4]
        s_logits, e_logits = model(states[:k].float(), exact[:k], token_mask[:k], ctx_mask[:k])
        score = s_logits.unsqueeze(2) + e_logits.unsqueeze(1)
        t = score.shape[1]
        allowed = torch.triu(torch.ones(t, t), 0) - torch.triu(torch.ones(t, t), span)
        (score + (1 - allowed) * NEG).flatten(1).argmax(-1)
        done += k
    return time.perf_counter() - t0


EXAMPLES = {
    "s2s": {"name": "math-s2s", "model": "s2s", "threads": 1, "seed": 7, "batch": 32, "train_steps": 10,
            "warmup_steps": 3,
            "s2s": {"d": 128, "heads": 4, "ffn": 256, "enc_layers": 2, "dec_layers": 2, "src_vocab": 2000,
                    "out_vocab": 24, "copy": True, "src_len": 64, "tgt_len": 16, "lr": 0.001, "warmup": 200,
                    "clip": 1.0, "onehot": False},
            "decode": {"sequences": 32, "encode_batch": 64, "steps": [16, 9, 12], "kv_cache": True,
                       "each_sequences": 8}},
    "qa": {"name": "squad-qa", "model": "qa", "threads": 1, "seed": 7, "batch": 16, "train_steps": 10,
           "warmup_steps": 3,
           "qa": {"state_dim": 384, "d": 128, "heads": 4, "ffn": 256, "seq_len": 160, "context_start": 13,
                  "lr": 0.001, "betas": [0.9, 0.999], "eps": 1e-8, "clip": 0, "warmup": 0},
           "decode": {"sequences": 64, "batch": 16, "max_answer": 30}},
}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--spec", help="JSON spec file of one case ('-' for standard input)")
    p.add_argument("--example", choices=sorted(EXAMPLES), help="print an example spec and exit")
    a = p.parse_args(argv)
    if a.example:
        print(json.dumps(EXAMPLES[a.example], indent=2))
        return 0
    if not a.spec:
        p.error("--spec or --example is required")
    spec = json.load(sys.stdin if a.spec == "-" else open(a.spec, encoding="utf-8"))
    run(spec)
    return 0


if __name__ == "__main__":
    sys.exit(main())
