"""The endpoint agent: device policy, read-only media, the one writer of approved exports.

Export half: `home` (agent home and pinned keys), `medium` (which USB medium is behind a mount point),
`grant` (verify and redeem grants), `export` (write a grant's files, all or nothing), `queue` (events
and reports that survive kill -9), `client` (the guard server's agent API), `refusal` (why an export
was refused, in Japanese and English), `runner` (what the commands do).
Device-policy half: `policy` (fetch, verify, apply, fail closed), `usbguard`, `rulesyntax`, `udev`,
`rwmount`, `windows`.
"""
