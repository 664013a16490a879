"""CUDA tensors go to gpu-kernels' DeviceCalibrator (device pointer and current stream, no host
copy). The tests on a device are tagged ``gpu`` and skipped without a CUDA device and a CUDA
build of torch; without a usable GPU the engine's reason comes as one RuntimeError."""
import numpy as np
import pytest
import torch

import segopt
from conftest import java
from segopt import _cuda

CUDA = torch.cuda.is_available()
needs_gpu = pytest.mark.skipif(not CUDA, reason="no CUDA device for torch (Debian's python3-torch is CPU-only)")


def unavailable_reason():
    return java().jpype.JClass("org.segopt.gpu.CudaBackend").unavailableReason()


@pytest.mark.skipif(CUDA, reason="a GPU is usable here")
def test_without_a_gpu_the_device_path_raises_one_runtime_error():
    reason = unavailable_reason()
    if reason is None:
        pytest.skip("segopt's CUDA backend can run here")
    with pytest.raises(RuntimeError) as raised:
        _cuda.device_calibrator(0)
    assert str(raised.value) == "segopt: " + str(reason)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16])
@pytest.mark.gpu
@needs_gpu
def test_cuda_tensor_equals_host_analysis(dtype):
    probs = torch.sigmoid(torch.randn(2, 32, 32, 32, device="cuda")).to(dtype)
    host = probs.cpu()
    assert segopt.analyze(probs) == segopt.analyze(host)
    assert segopt.analyze(probs, volume=1000) == segopt.analyze(host, volume=1000)
    device = segopt.Calibrator().calibrate(probs)
    on_host = segopt.Calibrator().calibrate(host)
    assert (device.dice_least_volume, device.dice_greatest_volume, device.accuracy_least_volume,
            device.accuracy_greatest_volume) == (on_host.dice_least_volume, on_host.dice_greatest_volume,
                                                 on_host.accuracy_least_volume, on_host.accuracy_greatest_volume)
    assert int((probs >= device.cut).sum()) == device.dice_greatest_volume


@pytest.mark.gpu
@needs_gpu
def test_cuda_votes_on_a_side_stream():
    votes = torch.randint(0, 8, (64, 64, 16), device="cuda", dtype=torch.uint8)
    stream = torch.cuda.Stream()
    with torch.cuda.stream(stream):
        counts = votes.to(torch.int32)    # queued on the side stream: the engine must wait for it
        analysis = segopt.analyze(counts, votes=7)
    assert analysis == segopt.analyze(votes.cpu().numpy(), votes=7)
    assert segopt.analyze(votes.permute(2, 0, 1), votes=7) == segopt.analyze(votes.cpu().numpy(), votes=7)


@pytest.mark.gpu
@needs_gpu
def test_cuda_errors():
    with pytest.raises(ValueError, match="voxel 3 has value"):
        segopt.analyze(torch.tensor([0.1, 0.2, 0.3, 1.5], device="cuda"))
    for half in (torch.float16, torch.bfloat16):  # the first invalid value, found on the device
        with pytest.raises(ValueError, match="voxel 2 has value"):
            segopt.analyze(torch.tensor([0.1, 0.2, 1.5, -0.3], device="cuda", dtype=half))
    with pytest.raises(ValueError, match="not host memory"):
        segopt.segment(torch.zeros(4, device="cuda"))
    assert np.isinf(segopt.Calibrator().calibrate(torch.zeros(4, device="cuda")).cut)


@pytest.mark.gpu
@needs_gpu
def test_cuda_channels_equal_host_channels_and_host_only_functions_say_so():
    probs = torch.softmax(torch.randn(3, 16, 16, 8, device="cuda"), dim=0)
    for axis in (0, -1):  # a contiguous channel, then strided ones copied on the device
        assert segopt.analyze(probs, channel_axis=axis) == segopt.analyze(probs.cpu(), channel_axis=axis)
    with pytest.raises(ValueError, match="^case 1: a tensor on cuda:0 is not host memory"):
        segopt.common_threshold([probs[0]])


@pytest.mark.parametrize("dtype,votes,encoding,element,raters", [
    (torch.float32, None, "FLOAT32", "FLOAT32", 0), (torch.float64, None, "FLOAT64", "FLOAT64", 0),
    (torch.float16, None, "FLOAT16", "FLOAT16", 0), (torch.bfloat16, None, "BFLOAT16", "BFLOAT16", 0),
    (torch.uint8, 7, "VOTES", "UINT8", 7), (torch.int32, 300, "VOTES", "INT32", 300),
    (torch.bool, None, "VOTES", "BOOL", 1)])
def test_device_array_describes_the_tensor(dtype, votes, encoding, element, raters):
    """What goes to DeviceCalibrator (checked on a host tensor: the description needs no device)."""
    tensor = torch.zeros(4, 5, 6, dtype=dtype)
    kept, array, how = _cuda._device_array(tensor, votes)
    assert kept is tensor
    assert (array.pointer(), array.voxels(), str(array.encoding()), str(array.type()), array.raters()) == (
        tensor.data_ptr(), 120, encoding, element, raters)
    assert how.encoding == ("rater_masks" if dtype == torch.bool else encoding.lower())


def test_device_array_of_a_permuted_tensor_is_a_contiguous_copy():
    tensor = torch.zeros(4, 5, 6).permute(2, 1, 0)
    kept, array, _ = _cuda._device_array(tensor, None)
    assert kept.is_contiguous() and array.pointer() == kept.data_ptr() != tensor.data_ptr()


def test_device_array_refuses_what_the_gpu_path_cannot_read():
    with pytest.raises(ValueError, match="not int64"):
        _cuda._device_array(torch.zeros(3, dtype=torch.int64), 2)
