#!/usr/bin/env python3
"""Writes the synthetic datasets ScaleOutBench times (seeded, NumPy only).

  masks.csv   CASES cases of ROI 'organ', 3 binary rater masks each (uint8 .npy), a ball whose
              radius each rater draws a little differently
  soft.csv    CASES float32 probability maps of ROI 'soft' (a blurred ball: a network output)
  soft-concatenated.npy  the soft maps concatenated (what 'segopt analyze' reads once)

Usage: make_dataset.py DIR [CASES] [SIDE]   (default 40 cases of 64 x 128 x 128 voxels)
"""
import os
import sys

import numpy as np

out = sys.argv[1]
cases = int(sys.argv[2]) if len(sys.argv) > 2 else 40
side = int(sys.argv[3]) if len(sys.argv) > 3 else 128
shape = (side // 2, side, side)
rng = np.random.default_rng(20261201)
os.makedirs(os.path.join(out, "masks"), exist_ok=True)
os.makedirs(os.path.join(out, "soft"), exist_ok=True)
z, y, x = np.indices(shape, dtype=np.float32)
masks, soft, maps = ["roi,case,file"], ["roi,case,file"], []
for c in range(cases):
    centre = rng.uniform(0.35, 0.65, 3) * np.array(shape)
    radius = rng.uniform(0.15, 0.3) * side
    distance = np.sqrt((z - centre[0]) ** 2 + (y - centre[1]) ** 2 + (x - centre[2]) ** 2)
    for r in range(3):
        name = f"masks/c{c:03d}_r{r}.npy"
        np.save(os.path.join(out, name), (distance < radius * rng.uniform(0.9, 1.1)).astype(np.uint8))
        masks.append(f"organ,c{c:03d},{name}")
    m = (1 / (1 + np.exp((distance - radius) / rng.uniform(1.5, 4)))).astype(np.float32)
    name = f"soft/c{c:03d}.npy"
    np.save(os.path.join(out, name), m)
    soft.append(f"soft,c{c:03d},{name}")
    maps.append(m.ravel())
np.save(os.path.join(out, "soft-concatenated.npy"), np.concatenate(maps))
for name, lines in (("masks.csv", masks), ("soft.csv", soft)):
    with open(os.path.join(out, name), "w") as f:
        f.write("\n".join(lines) + "\n")
