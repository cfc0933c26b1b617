"""Reading a NeuroDyn model file (core/Artifacts/ModelArtifact: one .safetensors file) with numpy alone, for the interop scripts.

A .safetensors file is an 8-byte little-endian header size, a JSON header (each tensor's dtype, shape and byte range, and the string
metadata under "__metadata__"), then the raw little-endian data. With the safetensors package installed,
safetensors.numpy.load_file(path) returns the same arrays as read_safetensors below.
"""
import json
import struct

import numpy as np

DTYPES = {"F64": np.float64, "F32": np.float32, "I64": np.int64, "I32": np.int32}
FILE_KEYS = {"format", "format_version", "kind", "sha256"}   # what ModelArtifact.Save writes beside the options


def read_safetensors(path):
    """The arrays (numpy, by name) and the string metadata of a .safetensors file."""
    with open(path, "rb") as f:
        raw = f.read()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + size])
    metadata = header.pop("__metadata__", {})
    data = raw[8 + size:]
    arrays = {}
    for name, entry in header.items():
        if entry["dtype"] not in DTYPES:
            raise ValueError(f"{path}: tensor '{name}' has dtype {entry['dtype']}; these scripts read {', '.join(DTYPES)}")
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<"))
        arrays[name] = array.reshape(entry["shape"]).astype(DTYPES[entry["dtype"]])
    return arrays, metadata


def read_model(path, kind, used_keys, unused_keys=(), prefixes_unused=()):
    """The arrays and the options of a NeuroDyn model file of the given kind (e.g. "EiRateNetwork").

    used_keys: the metadata keys the script reads (each must be present); unused_keys: options the file holds that the script knows
    and does not need (training or initialisation settings); keys starting with one of prefixes_unused are skipped too. Any other key
    is an error naming it: the file comes from a NeuroDyn with an option this script does not know, so its predictions could differ.
    """
    arrays, metadata = read_safetensors(path)
    if metadata.get("format") != "neurodyn-model":
        raise ValueError(f"{path}: metadata key 'format' is {metadata.get('format')!r}, not 'neurodyn-model'; it is not a NeuroDyn model file")
    if metadata.get("format_version") != "1":
        raise ValueError(f"{path}: metadata key 'format_version' is {metadata.get('format_version')!r}; this script reads version 1")
    if metadata.get("kind") != kind:
        raise ValueError(f"{path} holds a {metadata.get('kind')}, not a {kind}; use the interop script for that kind")
    missing = [key for key in used_keys if key not in metadata]
    if missing:
        raise ValueError(f"{path}: metadata key(s) {', '.join(map(repr, missing))} missing; save the model again with ModelArtifact.Save")
    known = FILE_KEYS | set(used_keys) | set(unused_keys)
    unknown = sorted(k for k in metadata if k not in known and not k.startswith(tuple(prefixes_unused)))
    if unknown:
        raise ValueError(f"{path}: metadata key(s) {', '.join(map(repr, unknown))} unknown to this script: the model has an option "
                         f"it does not implement, so its predictions could differ from NeuroDyn's; teach the script that option first")
    return arrays, {key: metadata[key] for key in used_keys}
