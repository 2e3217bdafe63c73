"""Zips from users, before `zipfile` reads them: what an archive's end record declares.

`zipfile.ZipFile` parses a zip's whole central directory when it opens it, making an
object for every entry: a 44 MB directory of empty entries took 2 s and 280 MB. Every
reader of uploaded zips (image batches, `mnist.npz` files, `.keras` models) first reads
the end record, which declares the number of entries and the directory's size, and
refuses a directory larger than it needs before anything is parsed.
"""

import struct

# A directory entry's fixed part: a directory of n bytes holds at most n / 46 entries.
DIRECTORY_ENTRY_MIN_BYTES = 46
_END_OF_DIRECTORY = struct.Struct("<4s4H2LH")  # Signature, disks, entries, size, offset, comment.
_ZIP64_END_OF_DIRECTORY = struct.Struct("<4sQ2H2L4Q")
_ZIP64_LOCATOR_SIZE = 20
_MAX_COMMENT_BYTES = 65535


def declared_directory(data):
    """What a zip's end record declares, found as `zipfile` finds it (the last one, zip64
    records included), without parsing the directory.

    Args:
        data: The zip's bytes.

    Returns:
        `(entries, directory_bytes)`, or `None` if there is no end record (`zipfile` then
        says why the file is not a zip).
    """
    start = data.rfind(b"PK\x05\x06", max(0, len(data) - _END_OF_DIRECTORY.size
                                          - _MAX_COMMENT_BYTES))
    if start < 0 or len(data) - start < _END_OF_DIRECTORY.size:
        return None
    fields = _END_OF_DIRECTORY.unpack_from(data, start)
    entries, size = fields[4], fields[5]
    zip64 = start - _ZIP64_LOCATOR_SIZE - _ZIP64_END_OF_DIRECTORY.size
    locator = data[start - _ZIP64_LOCATOR_SIZE : start - _ZIP64_LOCATOR_SIZE + 4]
    if zip64 >= 0 and locator == b"PK\x06\x07" and data[zip64 : zip64 + 4] == b"PK\x06\x06":
        fields = _ZIP64_END_OF_DIRECTORY.unpack_from(data, zip64)
        entries, size = fields[7], fields[8]
    return entries, size
