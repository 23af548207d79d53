"""Server log parsers (FTP operation logs, web access logs) and URL / masked file-name decoding.

Parsers turn lines into frozen :class:`~mamori.logs.events.FileEvent` / ``AccessEvent`` values;
:func:`~mamori.logs.driver.parse_file` runs one over plain or compressed files and rotated sets;
:func:`~mamori.logs.registry.detect_format` sniffs which format a file is in.
"""
