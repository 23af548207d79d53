"""The endpoint agent: enrolment, the only writer of approved exports, and an on-disk event queue.

Modules: `home` (agent home and pinned keys), `medium` (which USB medium is behind a mount point),
`grant` (verify and redeem grants), `export` (write a grant's files, all or nothing), `queue` (events
and reports that survive kill -9), `client` (the guard server's agent API), `refusal` (why an export
was refused, in Japanese and English).
"""
