"""Sound as the audio output wants it: raw 16-bit samples with their rate and channels.

eSpeak NG writes WAV to standard output with placeholder lengths (it cannot seek back),
so the header is read here by its chunks, not with :mod:`wave`, and the samples are
whatever follows the data chunk's header, cut to whole frames.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

MAX_HEADER = 4096  # chunks before the samples; a real header is 44 bytes


class SoundError(ValueError):
    """Not the WAV a voice writes."""


@dataclass(frozen=True)
class Pcm:
    rate: int
    channels: int
    sample_bytes: int
    samples: bytes

    @property
    def frame_bytes(self) -> int:
        return self.channels * self.sample_bytes

    @property
    def seconds(self) -> float:
        return len(self.samples) / (self.rate * self.frame_bytes) if self.rate else 0.0

    def rms(self) -> float:
        """Root mean square of the samples (16-bit), 0 for silence."""
        if self.sample_bytes != 2 or len(self.samples) < 2:
            return 0.0
        count = len(self.samples) // 2
        values = struct.unpack(f"<{count}h", self.samples[: count * 2])
        return math.sqrt(sum(v * v for v in values) / count)


def read_wav(data: bytes) -> Pcm:
    """The samples of a RIFF/WAVE PCM stream; :class:`SoundError` for anything else."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SoundError("not a WAV stream")
    at, fmt = 12, None
    while at + 8 <= min(len(data), MAX_HEADER):
        kind, size = data[at : at + 4], int.from_bytes(data[at + 4 : at + 8], "little")
        body = at + 8
        if kind == b"fmt ":
            if size < 16 or body + 16 > len(data):
                raise SoundError("the WAV format chunk is cut short")
            tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", data[body : body + 16])
            if tag != 1 or bits != 16 or not 1 <= channels <= 2 or not 8000 <= rate <= 96000:
                raise SoundError("only 16-bit PCM at a speech rate is spoken")
            fmt = (rate, channels)
            at = body + size + (size & 1)
        elif kind == b"data":
            if fmt is None:
                raise SoundError("the WAV samples come before their format")
            rate, channels = fmt
            samples = data[body:]
            whole = len(samples) - len(samples) % (2 * channels)
            return Pcm(rate, channels, 2, samples[:whole])
        else:
            at = body + size + (size & 1)
    raise SoundError("the WAV stream has no samples")
