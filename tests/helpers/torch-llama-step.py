# The bench's PyTorch baseline for a Llama-shaped model (SmolLM2-135M's shape, random weights): the same training step
# as Tuneloop's (forward, masked cross-entropy, backward, AdamW, clipping) in plain torch, on all CPU cores; full
# fine-tuning, or LoRA on the given projections (base frozen, adapters A·B scaled by alpha/r, as PEFT does).
# Prints tokens/s, peak RSS and which BLAS library this torch actually loaded (/proc/self/maps).
# Usage: torch-llama-step.py '{"vocab":..,"hidden":..,"layers":..,"heads":..,"kvHeads":..,"inter":..,"seq":..,"batch":..,
#   "seconds":..,"lora":null|{"rank":8,"alpha":16,"targets":["q","k","v","o","gate","up","down"]}}'
import json, math, os, resource, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

c = json.loads(sys.argv[1])
V, C, L, H, KV, I, T, B = c["vocab"], c["hidden"], c["layers"], c["heads"], c["kvHeads"], c["inter"], c["seq"], c["batch"]
hd = C // H
torch.manual_seed(0)
torch.set_num_threads(os.cpu_count())
lora = c.get("lora")


class Lin(nn.Module):
    def __init__(s, i, o, short):
        super().__init__()
        s.w = nn.Linear(i, o, bias=False)
        s.a = s.b = None
        if lora and short in lora["targets"]:
            s.w.weight.requires_grad_(False)
            s.a = nn.Parameter(torch.randn(lora["rank"], i) / math.sqrt(i))
            s.b = nn.Parameter(torch.zeros(o, lora["rank"]))
            s.scale = lora["alpha"] / lora["rank"]

    def forward(s, x):
        y = s.w(x)
        return y if s.a is None else y + (x @ s.a.t() @ s.b.t()) * s.scale


def rms(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * w


inv = 1.0 / (100000 ** (torch.arange(0, hd, 2).float() / hd))
emb = torch.outer(torch.arange(T).float(), inv)
cos, sin = torch.cat((emb, emb), -1).cos(), torch.cat((emb, emb), -1).sin()


def rope(x):
    h = x.shape[-1] // 2
    return x * cos + torch.cat((-x[..., h:], x[..., :h]), -1) * sin


mask = torch.full((T, T), float("-inf")).triu(1)


class Block(nn.Module):
    def __init__(s):
        super().__init__()
        s.n1, s.n2 = nn.Parameter(torch.ones(C)), nn.Parameter(torch.ones(C))
        s.q, s.k, s.v, s.o = Lin(C, H * hd, "q"), Lin(C, KV * hd, "k"), Lin(C, KV * hd, "v"), Lin(H * hd, C, "o")
        s.gate, s.up, s.down = Lin(C, I, "gate"), Lin(C, I, "up"), Lin(I, C, "down")

    def forward(s, x):
        a = rms(x, s.n1)
        q = rope(s.q(a).view(B, T, H, hd).transpose(1, 2))
        k = rope(s.k(a).view(B, T, KV, hd).transpose(1, 2)).repeat_interleave(H // KV, 1)
        v = s.v(a).view(B, T, KV, hd).transpose(1, 2).repeat_interleave(H // KV, 1)
        att = ((q @ k.transpose(-2, -1)) / math.sqrt(hd) + mask).softmax(-1)
        x = x + s.o((att @ v).transpose(1, 2).reshape(B, T, H * hd))
        m = rms(x, s.n2)
        return x + s.down(F.silu(s.gate(m)) * s.up(m))


class Model(nn.Module):
    def __init__(s):
        super().__init__()
        s.emb = nn.Embedding(V, C)
        s.blocks = nn.ModuleList(Block() for _ in range(L))
        s.norm = nn.Parameter(torch.ones(C))

    def forward(s, idx, y):
        x = s.emb(idx)
        for b in s.blocks:
            x = b(x)
        return F.cross_entropy((rms(x, s.norm) @ s.emb.weight.t()).view(-1, V), y.view(-1))  # tied head


m = Model()
if lora:
    for n, p in m.named_parameters():
        if not (n.endswith(".a") or n.endswith(".b")):
            p.requires_grad_(False)
params = [p for p in m.parameters() if p.requires_grad]
opt = torch.optim.AdamW(params, lr=3e-4, betas=(0.9, 0.95), weight_decay=0.1)
x, y = torch.randint(0, V, (B, T)), torch.randint(0, V, (B, T))


def step():
    loss = m(x, y)
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    return loss.item()


step()
n, t0 = 0, time.time()
while n < 2 or time.time() - t0 < c["seconds"]:
    step()
    n += 1
rate = B * T * n / (time.time() - t0)
blas = sorted({os.path.realpath(l.split()[-1]) for l in open("/proc/self/maps") if "libblas" in l or "openblas" in l or "libmkl" in l or "blis" in l})
print(json.dumps({"tokensPerSec": rate, "steps": n, "threads": torch.get_num_threads(), "peakRssMb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "trainable": sum(p.numel() for p in params), "blasLibraries": blas}))
