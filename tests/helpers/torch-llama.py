# An independent Llama / Qwen2 / Mistral forward pass in plain PyTorch, float64 (references: transformers'
# modeling_llama.py, modeling_qwen2.py, modeling_mistral.py and modeling_rope_utils.py), for checking Tuneloop's
# TensorFlow.js model. Reads a Hugging Face folder itself (config.json, model.safetensors or its sharded index) with
# no package beyond torch. Usage: torch-llama.py DIR  < {"ids": [[...], ...]}  > {"logits": [[[...]]]}
# With "targets" and "mask" ([B][T]) it also answers the masked mean cross-entropy ("loss") and its autograd
# gradient for every weight ("grads": name -> flat list, HF layout). With "adapter": DIR, a PEFT LoRA folder is applied.
import json, math, os, struct, sys
import torch

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + n])
    out = {}
    for name, h in header.items():
        if name == "__metadata__":
            continue
        a, b = h["data_offsets"]
        buf = bytearray(raw[8 + n + a : 8 + n + b])
        t = torch.frombuffer(buf, dtype=DTYPES[h["dtype"]]) if b > a else torch.zeros(0, dtype=DTYPES[h["dtype"]])
        out[name] = t.reshape(h["shape"]).to(torch.float64)
    return out


def read_weights(d):
    single = os.path.join(d, "model.safetensors")
    if os.path.exists(single):
        return read_safetensors(single)
    index = json.load(open(os.path.join(d, "model.safetensors.index.json")))
    out = {}
    for shard in sorted(set(index["weight_map"].values())):
        out.update(read_safetensors(os.path.join(d, shard)))
    return out


def inv_freq(cfg, dim):
    base = cfg.get("rope_theta", 10000.0)
    f = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float64) / dim))
    sc = cfg.get("rope_scaling") or {}
    kind = sc.get("rope_type", sc.get("type", "default"))
    if kind == "linear":
        return f / sc["factor"]
    if kind == "llama3":
        factor, lo, hi, old = sc["factor"], sc["low_freq_factor"], sc["high_freq_factor"], sc["original_max_position_embeddings"]
        wavelen = 2 * math.pi / f
        scaled = torch.where(wavelen > old / lo, f / factor, f)
        smooth = (old / wavelen - lo) / (hi - lo)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = (wavelen >= old / hi) & (wavelen <= old / lo)
        return torch.where(medium, smoothed, scaled)
    assert kind == "default", kind
    return f


def rms_norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def logits_of(cfg, W, ids):
    C, nh = cfg["hidden_size"], cfg["num_attention_heads"]
    nkv = cfg.get("num_key_value_heads") or nh
    hd = cfg.get("head_dim") or C // nh
    eps = cfg.get("rms_norm_eps", 1e-6)
    arch = cfg["architectures"][0]
    T = len(ids)
    x = W["model.embed_tokens.weight"][torch.tensor(ids)]  # [T, C]
    pos = torch.arange(T, dtype=torch.float64)
    freqs = torch.outer(pos, inv_freq(cfg, hd))
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()  # [T, hd]
    mask = torch.full((T, T), float("-inf"), dtype=torch.float64).triu(1)

    def lin(name, v):
        y = v @ W[name + ".weight"].T
        y = y + W[name + ".bias"] if name + ".bias" in W else y
        a = W.get(f"base_model.model.{name}.lora_A.weight")
        if a is not None:  # PEFT LoRA: + (v Aᵀ) Bᵀ · alpha / r
            y = y + (v @ a.T) @ W[f"base_model.model.{name}.lora_B.weight"].T * W["lora_scale"]
        return y

    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, W[p + "input_layernorm.weight"], eps)
        q = lin(p + "self_attn.q_proj", h).view(T, nh, hd).transpose(0, 1)  # [nh, T, hd]
        k = lin(p + "self_attn.k_proj", h).view(T, nkv, hd).transpose(0, 1)
        v = lin(p + "self_attn.v_proj", h).view(T, nkv, hd).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(nh // nkv, dim=0)  # repeat_kv: head j uses kv head j // (nh / nkv)
        v = v.repeat_interleave(nh // nkv, dim=0)
        att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(hd) + mask, dim=-1)
        y = (att @ v).transpose(0, 1).reshape(T, nh * hd)
        x = x + lin(p + "self_attn.o_proj", y)
        h = rms_norm(x, W[p + "post_attention_layernorm.weight"], eps)
        g = lin(p + "mlp.gate_proj", h)
        x = x + lin(p + "mlp.down_proj", g * torch.sigmoid(g) * lin(p + "mlp.up_proj", h))
    x = rms_norm(x, W["model.norm.weight"], eps)
    head = W["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings", False) else W["lm_head.weight"]
    return x @ head.T


def main():
    d = sys.argv[1]
    cfg = json.load(open(os.path.join(d, "config.json")))
    W = read_weights(d)
    req = json.load(sys.stdin)
    if req.get("adapter"):  # a PEFT LoRA folder: adapter_config.json, adapter_model.safetensors
        ac = json.load(open(os.path.join(req["adapter"], "adapter_config.json")))
        W.update(read_safetensors(os.path.join(req["adapter"], "adapter_model.safetensors")))
        W["lora_scale"] = torch.tensor(ac["lora_alpha"] / ac["r"], dtype=torch.float64)
    if "targets" not in req:
        with torch.no_grad():
            out = [logits_of(cfg, W, ids).tolist() for ids in req["ids"]]
        json.dump({"logits": out, "torch": torch.__version__}, sys.stdout)
        return
    for w in W.values():
        w.requires_grad_(True)
    total, count = 0.0, 0.0
    for ids, tgt, m in zip(req["ids"], req["targets"], req["mask"]):
        logp = torch.log_softmax(logits_of(cfg, W, ids), dim=-1)
        nll = -logp[torch.arange(len(ids)), torch.tensor(tgt)]
        total = total + (nll * torch.tensor(m, dtype=torch.float64)).sum()
        count += sum(m)
    loss = total / max(count, 1)
    loss.backward()
    grads = {k: w.grad.flatten().tolist() for k, w in W.items() if w.grad is not None and k != "lora_scale"}
    json.dump({"loss": loss.item(), "grads": grads, "torch": torch.__version__}, sys.stdout)


main()
