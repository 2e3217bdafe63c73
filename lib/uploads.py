"""Batches of uploaded images: single files, folders and zips, read safely and recognised.

Nothing in a batch is lost because one file is bad: every file that cannot be
used becomes one row with its reason. Zips are read in memory, never
extracted; limits on member count, unpacked size and compression ratio stop
zip bombs. `__MACOSX/` entries, dotfiles and non-images inside zips and
folders are skipped and counted. Names are only ever shown, never used as paths.
"""

import collections
import concurrent.futures
import dataclasses
import io
import posixpath
import re
import zipfile

import numpy as np

from lib import inference, preprocess
from lib.errors import InputError

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
ZIP_MAX_MEMBERS = 5_000
ZIP_MAX_TOTAL_BYTES = 200 * 2**20
# Images barely compress (PNG and JPEG are compressed already); a member
# compressed more than this is refused as a zip bomb. Small members are exempt.
ZIP_MAX_RATIO = 100
ZIP_RATIO_MIN_BYTES = 2**20

_LABEL_WORDS = r"(?:num|number|digit|label|class)"
_LABEL_IN_STEM = re.compile(rf"(?i)^(?:{_LABEL_WORDS}[ _-]?)?([0-9])(?:[ _.-].*)?$")
_LABEL_IN_FOLDER = re.compile(rf"(?i)^(?:{_LABEL_WORDS}[ _-]?)?([0-9])$")


@dataclasses.dataclass
class Batch:
    """Files gathered from an upload, ready to recognise.

    Attributes:
        files: `(name, bytes)` of every file to recognise, in upload order.
        errors: `(name, InputError)` of files refused before reading (a zip
            that is not a zip, a zip bomb, an encrypted member).
        skipped: Counts of what was left out on purpose, by reason:
            `"macos"` (`__MACOSX/` entries), `"hidden"` (dotfiles),
            `"not_image"` (other extensions inside zips and folders).
    """

    files: list = dataclasses.field(default_factory=list)
    errors: list = dataclasses.field(default_factory=list)
    skipped: collections.Counter = dataclasses.field(default_factory=collections.Counter)


@dataclasses.dataclass
class Result:
    """One row of a recognised batch.

    Attributes:
        file: The name as uploaded (with its folder or zip path).
        label: The digit read from the name (`num3.png`, `3/x.png`), or `None`.
        prediction: The predicted digit, or `None` if the file was unusable.
        confidence: The predicted digit's probability.
        probabilities: float32 `(10,)`, or `None`.
        image: The `(28, 28)` input the model saw, or `None`.
        error: The `InputError` that made the file unusable, or `None`.
    """

    file: str
    label: int | None = None
    prediction: int | None = None
    confidence: float | None = None
    probabilities: np.ndarray | None = None
    image: np.ndarray | None = None
    error: InputError | None = None

    @property
    def correct(self):
        """Whether the prediction matches the label (`None` without both)."""
        if self.label is None or self.prediction is None:
            return None
        return self.prediction == self.label


def label_from_name(name):
    """The digit a file or folder name announces, or `None`.

    `num3.png`, `digit_3.jpg`, `3.png`, `3_scan.png` and `3/xyz.png` all say 3.
    """
    parts = [part for part in re.split(r"[\\/]", name) if part]
    if not parts:
        return None
    stem = posixpath.splitext(parts[-1])[0]
    match = _LABEL_IN_STEM.match(stem)
    if match:
        return int(match.group(1))
    for folder in reversed(parts[:-1]):
        match = _LABEL_IN_FOLDER.match(folder)
        if match:
            return int(match.group(1))
    return None


def gather(named_files):
    """Gathers uploaded files into a `Batch`, expanding zips in memory.

    Args:
        named_files: Iterable of `(name, bytes)`: single images, files of an
            uploaded folder (names with `/`), and `.zip` files.

    Returns:
        A `Batch`.
    """
    batch = Batch()
    for name, data in named_files:
        if name.lower().endswith(".zip"):
            try:
                _add_zip(batch, name, data)
            except InputError as error:
                batch.errors.append((name, error))
            continue
        skip = _skip_reason(name) if ("/" in name or "\\" in name) else None
        if skip:
            batch.skipped[skip] += 1
        else:
            batch.files.append((name, data))
    return batch


def _skip_reason(name):
    parts = [part for part in re.split(r"[\\/]", name) if part]
    if any(part == "__MACOSX" for part in parts):
        return "macos"
    if any(part.startswith(".") and part not in (".", "..") for part in parts):
        return "hidden"
    if not name.lower().endswith(IMAGE_EXTENSIONS):
        return "not_image"
    return None


def _add_zip(batch, zip_name, data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise InputError("zip_unreadable", detail=str(error) or type(error).__name__) from None
    if len(members) > ZIP_MAX_MEMBERS:
        raise InputError("zip_too_many_members", count=len(members), limit=ZIP_MAX_MEMBERS)
    total = sum(info.file_size for info in members)
    if total > ZIP_MAX_TOTAL_BYTES:
        raise InputError(
            "zip_too_large", size_mb=total / 2**20, limit_mb=ZIP_MAX_TOTAL_BYTES / 2**20
        )
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > ZIP_RATIO_MIN_BYTES and ratio > ZIP_MAX_RATIO:
            raise InputError("zip_ratio", name=info.filename, ratio=ratio, limit=ZIP_MAX_RATIO)
    with archive:
        for info in members:
            name = f"{zip_name}/{info.filename}"
            skip = _skip_reason(info.filename)
            if skip:
                batch.skipped[skip] += 1
            elif info.flag_bits & 0x1:
                batch.errors.append((name, InputError("zip_encrypted")))
            else:
                batch.files.append((name, _read_member(archive, info)))


def _read_member(archive, info):
    """A member's bytes, never more than its header declares (a lying header is cut short)."""
    try:
        with archive.open(info) as member:
            return member.read(info.file_size + 1)[: info.file_size]
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        return b""  # Recognising it then reports the file as empty or truncated.


def recognize(model, batch, progress=None, chunk_size=inference.BATCH_SIZE):
    """Preprocesses and recognises every file of a batch.

    Chunks are pipelined: while TensorFlow predicts one chunk (on its own
    threads, without the GIL), the next chunk is decoded and preprocessed.

    Args:
        model: A Keras digit model.
        batch: A `Batch` from `gather`.
        progress: Optional `progress(done, total)`, called after each chunk.
        chunk_size: Images preprocessed and predicted together.

    Returns:
        A list of `Result`: first one per file of `batch.files` in order, then
        one per `batch.errors`.
    """
    results = []
    total = len(batch.files)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as predictor:
        pending = None
        for start in range(0, total, chunk_size):
            chunk = [_prepare(name, data) for name, data in batch.files[start : start + chunk_size]]
            if pending is not None:
                _finish(*pending, results, progress, total)
            pending = (chunk, predictor.submit(_predict, model, chunk))
        if pending is not None:
            _finish(*pending, results, progress, total)
    results.extend(Result(file=name, label=label_from_name(name), error=error)
                   for name, error in batch.errors)
    return results


def _predict(model, chunk):
    ready = [result for result in chunk if result.error is None]
    if ready:
        probabilities = inference.predict_proba(model, np.stack([r.image for r in ready]))
        for result, row in zip(ready, probabilities, strict=True):
            result.prediction = int(np.argmax(row))
            result.confidence = float(row[result.prediction])
            result.probabilities = row


def _finish(chunk, prediction, results, progress, total):
    prediction.result()  # Re-raises anything the prediction raised.
    results.extend(chunk)
    if progress is not None:
        progress(len(results), total)


def _prepare(name, data):
    result = Result(file=name, label=label_from_name(name))
    try:
        result.image = preprocess.to_mnist(data)
    except InputError as error:
        result.error = error
    return result


def summary(results):
    """Accuracy over the results whose name gave a label, overall and per digit.

    Returns:
        `{"labelled": n, "correct": n, "accuracy": float or None,
        "per_digit": {digit: (correct, total)}}`.
    """
    labelled = [r for r in results if r.correct is not None]
    per_digit = {}
    for digit in range(10):
        rows = [r for r in labelled if r.label == digit]
        if rows:
            per_digit[digit] = (sum(r.correct for r in rows), len(rows))
    correct = sum(r.correct for r in labelled)
    return {
        "labelled": len(labelled),
        "correct": correct,
        "accuracy": correct / len(labelled) if labelled else None,
        "per_digit": per_digit,
    }


CSV_COLUMNS = ("file", "prediction", "confidence", "label", "correct", "error")


def to_rows(results, language="en"):
    """Plain dict rows for a table or a CSV: `CSV_COLUMNS` then `p0` ... `p9`."""
    rows = []
    for result in results:
        row = {
            "file": result.file,
            "prediction": result.prediction,
            "confidence": None if result.confidence is None else round(result.confidence, 4),
            "label": result.label,
            "correct": result.correct,
            "error": result.error.message(language) if result.error else "",
        }
        for digit in range(10):
            probability = None if result.probabilities is None else result.probabilities[digit]
            row[f"p{digit}"] = None if probability is None else round(float(probability), 4)
        rows.append(row)
    return rows
