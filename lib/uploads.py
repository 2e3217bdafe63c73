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
import logging
import posixpath
import re
import struct
import zipfile

import numpy as np

from lib import archives, evaluation, inference, preprocess
from lib.errors import InputError

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
# The same, as a file uploader's `type=`.
IMAGE_TYPES = tuple(extension.lstrip(".") for extension in IMAGE_EXTENSIONS)

# One batch: every file and zip of one upload together. What it holds is counted from what
# each file declares (zip directories, image headers) before anything is read or decoded.
# Files: plain uploads plus every entry of every zip whose directory is read (skipped ones and
# refused zips' too: each costs reading its entry). Parsing 10,000 entries takes ~0.05 s.
BATCH_MAX_FILES = 10_000
# Bytes held in memory: plain uploads plus what zips unpack to. With the image being decoded
# (up to ~0.5 GB for a 40 MP 16-bit PNG) the batch stays within ~1 GB of the server.
BATCH_MAX_BYTES = 256 * 2**20
# Pixels declared by the images' headers: 40 phone photos of 12 MP, or 12 of the largest
# images decoded at full size (40 MP, ~1.5 s each at worst): a batch takes well under a
# minute of CPU, not the hour a zip of 1,000 such images would.
BATCH_MAX_PIXELS = 500_000_000
# One image, uploaded or inside a zip (Streamlit's own per-file cap is `server.maxUploadSize`).
FILE_MAX_BYTES = 50 * 2**20

ZIP_MAX_MEMBERS = 5_000
ZIP_MAX_TOTAL_BYTES = 200 * 2**20
# A zip's directory (its list of members) is read before any member; a directory larger than
# this (512 bytes an entry at the most members: names of ~400 characters) is refused from the
# zip's end record, unparsed. A 44 MB directory of empty entries takes 2 s and 280 MB to parse;
# 2.5 MB at most ~0.2 s.
ZIP_MAX_DIRECTORY_BYTES = ZIP_MAX_MEMBERS * 512
# Images barely compress (PNG and JPEG are compressed already); a member
# compressed more than this is refused as a zip bomb. Small members are exempt
# (the batch's byte budget bounds them).
ZIP_MAX_RATIO = 100
ZIP_RATIO_MIN_BYTES = 2**20

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class BatchLimits:
    """The budgets of one batch, over all its files and zips together.

    Attributes:
        max_files: Plain uploads plus every file inside zips, or `None` for no limit.
        max_bytes: Bytes of plain uploads plus what zips unpack to, or `None`.
        max_pixels: Pixels the images' headers declare, or `None`.
    """

    max_files: int | None = BATCH_MAX_FILES
    max_bytes: int | None = BATCH_MAX_BYTES
    max_pixels: int | None = BATCH_MAX_PIXELS


LIMITS = BatchLimits()


_LABEL_WORDS = r"(?:num|number|digit|label|class)"
_LABEL_IN_STEM = re.compile(rf"(?i)^(?:{_LABEL_WORDS}[ _-]?)?([0-9])(?:[ _.-].*)?$")
_LABEL_IN_FOLDER = re.compile(rf"(?i)^(?:{_LABEL_WORDS}[ _-]?)?([0-9])$")


@dataclasses.dataclass
class Batch:
    """Files gathered from an upload, ready to recognise.

    Attributes:
        files: `(name, bytes)` of every file to recognise, in upload order.
        errors: `(name, InputError)` of files refused before reading (a zip
            that is not a zip, a zip bomb, an encrypted member, what is over
            the batch's budget).
        skipped: Counts of what was left out on purpose, by reason:
            `"macos"` (`__MACOSX/` entries), `"hidden"` (dotfiles),
            `"not_image"` (other extensions inside zips and folders).
        limits: The `BatchLimits` it was gathered under; `recognize` spends
            its pixel budget.
    """

    files: list = dataclasses.field(default_factory=list)
    errors: list = dataclasses.field(default_factory=list)
    skipped: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    limits: BatchLimits = LIMITS


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


def gather(named_files, limits=LIMITS):
    """Gathers uploaded files into a `Batch`, expanding zips in memory.

    Uploads are taken in order while the batch's files and bytes fit `limits`
    (counted from names, sizes and zip directories, before any member is
    read). The first upload that does not fit, and every one after it, are
    left unread: one error row, named after that upload, says how many.

    Args:
        named_files: Iterable of `(name, bytes)`: single images, files of an
            uploaded folder (names with `/`), and `.zip` files.
        limits: The `BatchLimits`.

    Returns:
        A `Batch`.
    """
    gathering = _Gathering(limits)
    uploads = iter(named_files)
    for name, data in uploads:
        plan = gathering.plan(name, data)
        if plan is None:
            continue
        refusal = gathering.refusal(plan)
        if refusal is not None:
            reason, details = refusal
            later = sum(1 for _ in uploads)  # Counted, never read.
            gathering.batch.errors.append((name, InputError(reason, later=later, **details)))
            break
        gathering.add(plan)
    return gathering.batch


def batches(named_files, limits=LIMITS):
    """Like `gather`, but yields one `Batch` after another instead of refusing what does not fit.

    For a command line working through a large folder: each batch fits the
    files and bytes of `limits`, so memory stays bounded however many files
    there are. Uploads are read from `named_files` only as they are needed.

    Yields:
        `Batch`es, in upload order.
    """
    gathering = _Gathering(limits)
    for name, data in named_files:
        plan = gathering.plan(name, data)
        if plan is not None and gathering.refusal(plan) is not None and gathering.used_files:
            yield gathering.batch
            gathering = _Gathering(limits)
            plan = gathering.plan(name, data)  # Planned again: it may now be read in full.
        if plan is not None:
            # Alone in a batch it fits the default limits (each file's and zip's are lower).
            gathering.add(plan)
    if gathering.used_files or gathering.batch.errors or gathering.batch.skipped:
        yield gathering.batch


@dataclasses.dataclass
class _Plan:
    """One upload as its names and headers declare it, before anything is read.

    Attributes:
        name: The upload's name.
        files: How many files it counts for (1, or a zip's entries).
        size: Bytes it will put in memory.
        reads: `(name, read)` of each file to take: `read()` returns its bytes.
        skipped: What it skips, by reason.
        errors: `(name, InputError)` of its members refused one by one.
    """

    name: str
    files: int
    size: int = 0
    reads: list = dataclasses.field(default_factory=list)
    skipped: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    errors: list = dataclasses.field(default_factory=list)


class _Gathering:
    """A `Batch` being gathered, and how much of its budget it has used."""

    def __init__(self, limits):
        self.limits = limits
        self.batch = Batch(limits=limits)
        self.used_files = 0
        self.used_bytes = 0

    def plan(self, name, data):
        """The upload's `_Plan`, or `None` once it went to the batch as a skip or an error."""
        try:
            if name.lower().endswith(".zip"):
                return self._zip_plan(name, data)
            skip = skipped_unread(name)
            if skip:
                self.batch.skipped[skip] += 1
                return None
            if len(data) > FILE_MAX_BYTES:
                self.batch.errors.append((name, file_too_large(len(data))))
                return None
            return _Plan(name, files=1, size=len(data), reads=[(name, lambda: data)])
        except InputError as error:
            self.batch.errors.append((name, error))
        except Exception as error:  # Never lose the batch to one upload.
            logger.exception("Gathering the upload %r failed unexpectedly", name)
            self.batch.errors.append((name, InputError("zip_unreadable",
                                                       detail=type(error).__name__)))
        return None

    def _zip_plan(self, zip_name, data):
        directory = archives.declared_directory(data)
        if directory is not None:
            entries, directory_bytes = directory
            if entries > ZIP_MAX_MEMBERS:
                raise InputError("zip_too_many_members", count=entries, limit=ZIP_MAX_MEMBERS)
            if directory_bytes > ZIP_MAX_DIRECTORY_BYTES:
                raise InputError("batch_zip_directory", size_mb=directory_bytes / 2**20,
                                 limit_mb=ZIP_MAX_DIRECTORY_BYTES / 2**20,
                                 members=ZIP_MAX_MEMBERS)
            room = self._room(self.limits.max_files, self.used_files)
            if entries > room:  # Not parsed: it cannot fit whatever its directory holds.
                return _Plan(zip_name, files=entries)
        # Reading a directory is work however the zip turns out: its entries count towards the
        # batch's files even when the zip is then refused (or, unreadable, as many entries as
        # its declared directory could hold), so refused zips cannot be repeated without end.
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            members = [info for info in archive.infolist() if not info.filename.endswith("/")]
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
                struct.error) as error:
            if directory is not None:
                self.used_files += directory[1] // archives.DIRECTORY_ENTRY_MIN_BYTES
            raise InputError("zip_unreadable", detail=str(error) or type(error).__name__) from None
        try:
            _check_zip(members)
        except InputError:
            self.used_files += len(members)
            raise
        plan = _Plan(zip_name, files=len(members))
        for info in members:
            name = f"{zip_name}/{info.filename}"
            skip = _skip_reason(info.filename) if info.filename else None
            if not info.filename:
                plan.errors.append((name, InputError("batch_zip_member_unnamed")))
            elif skip:
                plan.skipped[skip] += 1
            elif info.flag_bits & 0x1:
                plan.errors.append((name, InputError("zip_encrypted")))
            elif info.file_size > FILE_MAX_BYTES:
                plan.errors.append((name, file_too_large(info.file_size)))
            else:
                plan.size += info.file_size
                plan.reads.append((name, _member_reader(archive, info)))
        return plan

    @staticmethod
    def _room(limit, used):
        return float("inf") if limit is None else limit - used

    def refusal(self, plan):
        """`(reason, details)` of why `plan` does not fit what is left of the budget, or
        `None` if it fits."""
        if plan.files > self._room(self.limits.max_files, self.used_files):
            return "batch_too_many_files", {
                "count": plan.files, "used": self.used_files, "limit": self.limits.max_files}
        if plan.size > self._room(self.limits.max_bytes, self.used_bytes):
            return "batch_too_large", {
                "size_mb": plan.size / 2**20, "used_mb": self.used_bytes / 2**20,
                "limit_mb": self.limits.max_bytes / 2**20}
        return None

    def add(self, plan):
        """Reads what `plan` takes into the batch."""
        self.used_files += plan.files
        self.used_bytes += plan.size
        self.batch.skipped.update(plan.skipped)
        self.batch.errors.extend(plan.errors)
        for name, read in plan.reads:
            try:
                self.batch.files.append((name, read()))
            except InputError as error:
                self.batch.errors.append((name, error))


def _check_zip(members):
    """Refuses a zip bomb from its directory: too many members, too large unpacked, or a member
    compressed too much."""
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


def skipped_unread(name):
    """Why `gather` skips the upload `name` by its name alone, unread (a file of an uploaded
    folder: `"macos"`, `"hidden"`, `"not_image"`), or `None`. Zips, and files uploaded on
    their own, are read."""
    if name.lower().endswith(".zip") or not ("/" in name or "\\" in name):
        return None
    return _skip_reason(name)


def file_too_large(size):
    """The refusal of a file of `size` bytes, over `FILE_MAX_BYTES`."""
    return InputError("file_too_large", size_mb=size / 2**20, limit_mb=FILE_MAX_BYTES / 2**20)


def _skip_reason(name):
    parts = [part for part in re.split(r"[\\/]", name) if part]
    if any(part == "__MACOSX" for part in parts):
        return "macos"
    if any(part.startswith(".") and part not in (".", "..") for part in parts):
        return "hidden"
    if not name.lower().endswith(IMAGE_EXTENSIONS):
        return "not_image"
    return None


def _member_reader(archive, info):
    def read():
        return _read_member(archive, info)

    return read


def _read_member(archive, info):
    """A member's bytes, never more than its header declares (a lying header is cut short).

    Raises:
        InputError: `zip_unreadable` if it cannot be unpacked (bad CRC, unknown method).
    """
    try:
        with archive.open(info) as member:
            return member.read(info.file_size + 1)[: info.file_size]
    except MemoryError:
        raise
    except Exception as error:  # zipfile, zlib, bz2 and lzma each fail their own way.
        raise InputError("zip_unreadable", detail=str(error) or type(error).__name__) from None


def recognize(model, batch, progress=None, chunk_size=inference.BATCH_SIZE):
    """Preprocesses and recognises every file of a batch.

    Chunks are pipelined: while TensorFlow predicts one chunk (on its own
    threads, without the GIL), the next chunk is decoded and preprocessed.
    Each image's header is checked against the batch's pixel budget
    (`batch.limits.max_pixels`) before it is decoded; an image that would go
    past it becomes an error row, and later, smaller ones are still read.
    Whatever goes wrong with one file becomes that file's row.

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
    pixels = _PixelBudget(batch.limits.max_pixels)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as predictor:
        pending = None
        for start in range(0, total, chunk_size):
            chunk = [_prepare(name, data, pixels)
                     for name, data in batch.files[start : start + chunk_size]]
            if pending is not None:
                _finish(*pending, results, progress, total)
            pending = (chunk, predictor.submit(_predict, model, chunk))
        if pending is not None:
            _finish(*pending, results, progress, total)
    results.extend(Result(file=name, label=label_from_name(name), error=error)
                   for name, error in batch.errors)
    return results


class _PixelBudget:
    """The pixels a batch's images may declare in all; each image takes its share unread."""

    def __init__(self, limit):
        self.limit = limit
        self.used = 0

    def take(self, image):
        pixels = image.width * image.height
        if self.limit is not None and self.used + pixels > self.limit:
            raise InputError("batch_too_many_pixels", pixels=pixels, used=self.used,
                             limit=self.limit)
        self.used += pixels


def _predict(model, chunk):
    ready = [result for result in chunk if result.error is None]
    if ready:
        probabilities = inference.predict_proba(model, np.stack([r.image for r in ready]))
        for result, row in zip(ready, probabilities, strict=True):
            if not np.isfinite(row).all():  # Broken weights: NaN is not an answer.
                result.error = InputError("batch_prediction_not_finite")
                continue
            result.prediction = int(np.argmax(row))
            result.confidence = float(row[result.prediction])
            result.probabilities = row


def _finish(chunk, prediction, results, progress, total):
    try:
        prediction.result()  # Re-raises anything the prediction raised.
    except Exception as error:
        logger.exception("Predicting a chunk of %d images failed", len(chunk))
        for result in chunk:
            if result.error is None:
                result.prediction = result.confidence = result.probabilities = None
                result.error = InputError("batch_prediction_failed", detail=type(error).__name__)
    results.extend(chunk)
    if progress is not None:
        progress(len(results), total)


def _prepare(name, data, pixels=None):
    result = Result(file=name, label=label_from_name(name))
    try:
        image = preprocess.open_image(data, check=None if pixels is None else pixels.take)
        result.image = preprocess.to_mnist(image)
    except InputError as error:
        result.error = error
    except MemoryError:
        result.error = InputError("batch_out_of_memory")
    except Exception as error:  # Never lose the batch to one file.
        logger.exception("Preprocessing %r failed unexpectedly", name)
        result.error = InputError("batch_file_failed", detail=type(error).__name__)
    return result


def summary(results):
    """Accuracy over the results whose name gave a label, overall and per digit.

    Returns:
        `{"labelled": n, "correct": n, "accuracy": float or None,
        "per_digit": {digit: (correct, total)}, "evaluation": lib.evaluation.Evaluation}`
        (the evaluation's indices count the labelled results only, in order).
    """
    labelled = [r for r in results if r.correct is not None]
    scores = evaluation.evaluate([r.label for r in labelled], [r.prediction for r in labelled],
                                 [r.confidence for r in labelled])
    return {
        "labelled": len(labelled),
        "correct": scores.correct,
        "accuracy": scores.accuracy if labelled else None,
        "per_digit": scores.per_digit,
        "evaluation": scores,
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
