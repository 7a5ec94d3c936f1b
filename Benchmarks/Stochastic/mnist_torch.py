"""PyTorch side of the `mnist` benchmark mode: the same MLP, optimizer, batch size and thread count as Optima's.

Usage: python3 mnist_torch.py --dir /usr/share/datasets/fashion-mnist --hidden 256 --epochs 10 --batch 128
       --lr 1e-3 --schedule constant|cosine --threads 1 --seed 1 --dtype float32|float64 [--train-limit N]

Prints one JSON line per epoch: {"epoch", "seconds", "trainLoss", "testLoss", "testAccuracy"}. The epoch time covers
the training loop only (shuffle, forward, backward, optimizer step), as Optima's does; evaluation is excluded.
"""
import argparse
import gzip
import json
import struct
import time

import numpy as np
import torch


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, kind, rank = struct.unpack(">HBB", data[:4])
    assert zero == 0 and kind == 0x08, path
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--schedule", default="constant", choices=["constant", "cosine"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    ap.add_argument("--train-limit", type=int, default=None)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    dtype = torch.float32 if a.dtype == "float32" else torch.float64
    d = a.dir
    xtr = torch.tensor(read_idx(f"{d}/train-images-idx3-ubyte.gz").reshape(-1, 784), dtype=dtype) / 255.0
    ytr = torch.tensor(read_idx(f"{d}/train-labels-idx1-ubyte.gz"), dtype=torch.long)
    xte = torch.tensor(read_idx(f"{d}/t10k-images-idx3-ubyte.gz").reshape(-1, 784), dtype=dtype) / 255.0
    yte = torch.tensor(read_idx(f"{d}/t10k-labels-idx1-ubyte.gz"), dtype=torch.long)
    if a.train_limit:
        xtr, ytr = xtr[:a.train_limit], ytr[:a.train_limit]

    model = torch.nn.Sequential(torch.nn.Linear(784, a.hidden), torch.nn.ReLU(), torch.nn.Linear(a.hidden, 10)).to(dtype)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = xtr.shape[0]
    steps_per_epoch = (n + a.batch - 1) // a.batch
    # Cosine from lr to 0 over all steps, stepped per minibatch (as Optima's Schedule.Cosine).
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=a.epochs * steps_per_epoch) if a.schedule == "cosine" else None
    for epoch in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        total = 0.0
        for s in range(0, n, a.batch):
            idx = perm[s:s + a.batch]
            xb, yb = xtr[idx], ytr[idx]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
            total += loss.item() * len(idx)
        seconds = time.perf_counter() - t0
        with torch.no_grad():
            out = model(xte)
            test_loss = loss_fn(out, yte).item()
            acc = (out.argmax(1) == yte).double().mean().item()
        print(json.dumps({"epoch": epoch, "seconds": seconds, "trainLoss": total / n, "testLoss": test_loss, "testAccuracy": acc}), flush=True)


if __name__ == "__main__":
    main()
