"""File uploads as the fake Discord API reads them: a multipart body with `payload_json` and
`files[n]` parts, checked against Discord's documented upload limits."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

MAX_FILES = 10
MAX_REQUEST = 25 * 1024 * 1024  # the largest message request Discord accepts
DEFAULT_FILE_LIMIT = 8 * 1024 * 1024  # what the payloads' `attachment_size_limit` promises
FILE_PART = re.compile(r"files\[(\d+)\]")


@dataclass
class Upload:
    index: int
    filename: str
    content_type: str
    data: bytes


async def read_multipart(request: web.Request) -> tuple[dict[str, Any], list[Upload]]:
    """The JSON payload and the files of a multipart message request."""
    reader = await request.multipart()
    payload: dict[str, Any] = {}
    uploads: list[Upload] = []
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            raise ValueError("nested multipart bodies are not part of a message request")
        name = part.name or ""
        data = await part.read(decode=False)
        if name == "payload_json":
            payload = json.loads(data)
            continue
        match = FILE_PART.fullmatch(name)
        if match is None:
            raise ValueError(f"unexpected multipart field {name!r}")
        content_type = part.headers.get("Content-Type", "application/octet-stream")
        uploads.append(Upload(int(match[1]), part.filename or "", content_type, bytes(data)))
    return payload, uploads


def upload_problems(
    payload: dict[str, Any], uploads: list[Upload], file_limit: int = DEFAULT_FILE_LIMIT
) -> list[str]:
    """Every documented upload limit the request breaks."""
    problems = []
    if len(uploads) > MAX_FILES:
        problems.append(f"{len(uploads)} attachments (max {MAX_FILES})")
    total = sum(len(upload.data) for upload in uploads)
    if total > MAX_REQUEST:
        problems.append(f"the upload holds {total} bytes (max {MAX_REQUEST})")
    described = {int(item["id"]) for item in payload.get("attachments") or [] if "id" in item}
    for upload in uploads:
        if len(upload.data) > file_limit:
            problems.append(f"{upload.filename} has {len(upload.data)} bytes (max {file_limit})")
        if not upload.filename or "/" in upload.filename:
            problems.append(f"bad attachment filename {upload.filename!r}")
        if upload.index not in described:
            problems.append(f"files[{upload.index}] is not described in payload_json.attachments")
    return problems


def attachment(upload: Upload, attachment_id: int, described: dict[str, Any]) -> dict[str, Any]:
    """The attachment object Discord returns for an uploaded file (with its alt text)."""
    url = f"https://cdn.discordapp.com/attachments/0/{attachment_id}/{upload.filename}"
    extra = {"description": described["description"]} if described.get("description") else {}
    return {
        **extra,
        "id": str(attachment_id),
        "filename": upload.filename,
        "size": len(upload.data),
        "url": url,
        "proxy_url": url,
        "content_type": upload.content_type,
    }
