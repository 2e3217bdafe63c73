"""What a zip's end record declares, read before `zipfile` parses the directory."""

import io
import zipfile

from lib import archives


def _zip(count, **options):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", **options) as archive:
        for index in range(count):
            with archive.open(f"{index}.png", "w", force_zip64=options.get("allowZip64", False)
                              ) as member:
                member.write(b"x")
    return buffer.getvalue()


def test_the_declared_directory_is_what_zipfile_then_reads():
    data = _zip(7)
    entries, size = archives.declared_directory(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert entries == len(archive.infolist()) == 7
    assert size >= entries * archives.DIRECTORY_ENTRY_MIN_BYTES


def test_zip64_end_record_is_read_too():
    assert archives.declared_directory(_zip(3, allowZip64=True))[0] == 3


def test_no_end_record_is_none():
    assert archives.declared_directory(b"not a zip at all") is None
    assert archives.declared_directory(_zip(2)[:-10]) is None
