"""Arrays and CPU tensors reach the engine without a copy: the segment the engine reads starts at
the array's own address, a write through either side is seen by the other, and an analysis of a
wrapped array follows later writes to it. Strided input is the one exception, copied once."""
import numpy as np
import pytest
import torch

import segopt
from conftest import java, random_marginal
from segopt import _arrays
from segopt._arrays import HostArray


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "uint8", "uint16", "int32", "bool", ">f4"])
def test_segment_starts_at_the_arrays_address(dtype, rng):
    array = random_marginal(rng, "float64", (5, 6)).astype(dtype)
    host = HostArray(array)
    assert host.segment.address() == array.ctypes.data
    assert host.segment.byteSize() == array.nbytes


def test_fortran_and_read_only_arrays_are_not_copied(rng):
    fortran = np.asfortranarray(random_marginal(rng, "float32", (5, 6)))
    assert HostArray(fortran).segment.address() == fortran.ctypes.data
    frozen = random_marginal(rng, "float32", (5, 6))
    frozen.flags.writeable = False
    assert HostArray(frozen).segment.address() == frozen.ctypes.data


def test_memory_mapped_npy_file_is_read_in_place(rng, tmp_path):
    np.save(tmp_path / "m.npy", random_marginal(rng, "float32", (4, 5, 6)))
    mapped = np.load(tmp_path / "m.npy", mmap_mode="r")
    assert HostArray(mapped).segment.address() == mapped.ctypes.data
    assert segopt.analyze(mapped) == segopt.analyze(np.array(mapped))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.uint8, torch.int32, torch.bool,
                                   torch.float16, torch.bfloat16])
def test_cpu_tensor_is_read_in_place(dtype):
    tensor = torch.rand(4, 5, 6).to(dtype)
    host = HostArray(tensor)
    assert host.segment.address() == tensor.data_ptr()
    assert host.segment.byteSize() == tensor.numel() * tensor.element_size()


def test_tensor_needing_grad_is_read_in_place():
    tensor = torch.rand(3, 4, requires_grad=True)
    assert HostArray(tensor).segment.address() == tensor.data_ptr()


def test_writes_cross_in_both_directions():
    j = java()
    floats = j.jpype.JClass("java.lang.foreign.ValueLayout").JAVA_FLOAT_UNALIGNED.withOrder(j.ByteOrder.nativeOrder())
    array = np.zeros(8, dtype=np.float32)
    host = HostArray(array)
    host.segment.set(floats, 4 * 3, 0.75)       # Java writes voxel 3
    assert array[3] == np.float32(0.75)
    array[5] = 0.25                             # Python writes voxel 5
    assert host.segment.get(floats, 4 * 5) == 0.25


def test_analysis_follows_writes_to_the_wrapped_array():
    array = np.zeros(100, dtype=np.float32)
    host = HostArray(array)
    marginal = host.marginal()
    engine = java().Engine.parallel()
    assert engine.analyze(marginal).dice().greatestVolume() == 0
    array[:30] = 0.9
    assert engine.analyze(marginal).dice().greatestVolume() == 30


def test_strided_input_is_copied_once_into_c_order(rng):
    base = random_marginal(rng, "float32", (10, 6))
    strided = base[::2, ::3]
    host = HostArray(strided)
    assert host.segment.address() != strided.ctypes.data
    assert host.array.flags.c_contiguous and np.array_equal(host.array, strided)
    assert segopt.analyze(strided) == segopt.analyze(np.ascontiguousarray(strided))


def test_arrays_beyond_a_byte_buffer_are_wrapped_by_address(rng, monkeypatch):
    """Direct ByteBuffers end at 2^31 - 1 bytes; larger arrays get a segment at their address
    (exercised here by lowering the limit, not by allocating 2 GiB)."""
    array = random_marginal(rng, "float32", (5, 6, 7))
    expected = segopt.analyze(array)
    monkeypatch.setattr(_arrays, "MAX_BUFFER_BYTES", array.nbytes - 1)
    host = HostArray(array)
    assert host.segment.address() == array.ctypes.data and host.segment.byteSize() == array.nbytes
    assert segopt.analyze(array) == expected


def test_segment_refuses_arrays_beyond_a_java_byte_array(monkeypatch):
    monkeypatch.setattr(_arrays, "MAX_MASK_VOXELS", 9)
    assert segopt.segment(np.zeros(9, np.float32)).shape == (9,)
    with pytest.raises(ValueError, match="the array has 10 voxels; segment returns masks of at most 9 voxels"):
        segopt.segment(np.zeros(10, np.float32))
