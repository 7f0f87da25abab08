"""A minimal SMTP server on loopback that swallows every message (benchmarks only).

    python bench/smtp_sink.py PORT

Prints one JSON line per message received: {"to": [...], "subject": ..., "code": ...}, where
"code" is the first 6-digit number of the plain-text part (the sign-in code of the vote), so a
load generator can read the codes it asked for. Enough SMTP for Django's smtplib client
(EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT); no TLS, no authentication.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import re
import sys

CODE = re.compile(rb"\b(\d{6})\b")


def _summary(recipients: list[str], data: bytes) -> str:
    message = email.message_from_bytes(data, policy=email.policy.default)
    text = b""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            text = part.get_payload(decode=True) or b""
            break
    found = CODE.search(text)
    return json.dumps(
        {
            "to": recipients,
            "subject": str(message.get("Subject", "")),
            "code": found.group(1).decode() if found else None,
        }
    )


async def _session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    def reply(line: str) -> None:
        writer.write(line.encode() + b"\r\n")

    reply("220 bench-sink ESMTP")
    recipients: list[str] = []
    try:
        while line := await reader.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                reply("250-bench-sink" if verb == b"EHLO" else "250 bench-sink")
                if verb == b"EHLO":
                    reply("250 8BITMIME")
            elif verb == b"MAIL":
                recipients = []
                reply("250 OK")
            elif verb == b"RCPT":
                address = line.decode(errors="replace").split(":", 1)[1].strip().strip("<>")
                recipients.append(address.lower())
                reply("250 OK")
            elif verb == b"DATA":
                reply("354 End data with <CR><LF>.<CR><LF>")
                chunks = []
                while (chunk := await reader.readline()) not in (b".\r\n", b".\n", b""):
                    chunks.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                sys.stdout.write(_summary(recipients, b"".join(chunks)) + "\n")
                sys.stdout.flush()
                reply("250 OK queued")
            elif verb == b"QUIT":
                reply("221 Bye")
                await writer.drain()
                break
            else:  # RSET, NOOP and anything else
                reply("250 OK")
            await writer.drain()
    finally:
        writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(_session, "127.0.0.1", port)
    sys.stdout.write(json.dumps({"ready": port}) + "\n")
    sys.stdout.flush()
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
