"""The fake's file uploads, as files_upload_v2 drives them: files.getUploadURLExternal,
a POST of the bytes to the upload URL, then files.completeUploadExternal."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from tests.slack.fake_state import FakeState

ALT_TXT = 1000  # documented: alt_txt_too_large beyond 1000 characters
TITLE = 250


class Files(FakeState):
    def _files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        method = "files.getUploadURLExternal"
        filename = str(args.get("filename") or "")
        try:
            length = int(args.get("length") or 0)
        except (TypeError, ValueError):
            length = 0
        if not filename or length <= 0:
            return self._violation(method, "filename and a positive length are required")
        if len(str(args.get("alt_txt") or "")) > ALT_TXT:
            return self._violation(method, "alt_txt over 1000 characters", "alt_txt_too_large")
        file_id = f"F{len(self.uploads) + 1:06d}"
        self.uploads[file_id] = {"id": file_id, "name": filename, "length": length, "data": None}
        return {"ok": True, "file_id": file_id, "upload_url": f"{self.url}upload/{file_id}"}

    async def upload(self, request: web.Request) -> web.Response:
        """The upload URL: the bytes must be exactly the `length` announced."""
        file_id = request.match_info["file_id"]
        data = await request.read()
        upload = self.uploads.get(file_id)
        if upload is None or upload["data"] is not None:
            self.violations.append(f"upload: unknown or reused upload URL for {file_id}")
            return web.Response(status=404, text="not found")
        if len(data) != upload["length"]:
            self.violations.append(f"upload: {len(data)} bytes, announced {upload['length']}")
            return web.Response(status=400, text="length mismatch")
        upload["data"] = data
        return web.Response(text=f"OK - {len(data)}")

    def _files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        method = "files.completeUploadExternal"
        files = args.get("files")
        items = json.loads(files) if isinstance(files, str) else files
        if not isinstance(items, list) or not items:
            return self._violation(method, "files must be a non-empty JSON list")
        done = []
        for item in items:
            upload = self.uploads.get(str(item.get("id")))
            if upload is None or upload["data"] is None:
                return self._violation(method, f"file {item.get('id')} was not uploaded")
            if len(str(item.get("title") or "")) > TITLE:
                return self._violation(method, "title is too long")
            upload["title"] = item.get("title") or upload["name"]
            done.append(_file_object(self.url, upload))
        channel = args.get("channel_id")
        if channel:
            for file in done:
                self.uploads[file["id"]].setdefault("shared_in", set()).add(str(channel))
            self.store(str(channel), {"text": "", "files": [f["id"] for f in done]}, self.next_ts())
        return {"ok": True, "files": done}

    def shared_with(self, file_id: str, user_id: str) -> bool:
        """Whether a member may see a file: it was shared in their DM with the app."""
        upload = self.uploads.get(file_id) or {}
        return self.dms.get(user_id) in upload.get("shared_in", set())

    def png(self, file_id: str) -> bytes:
        return bytes(self.uploads[file_id]["data"])


def _file_object(url: str, upload: dict[str, Any]) -> dict[str, Any]:
    file_id = upload["id"]
    return {
        "id": file_id,
        "name": upload["name"],
        "title": upload["title"],
        "mimetype": "image/png",
        "filetype": "png",
        "size": upload["length"],
        "url_private": f"{url}files-pri/{file_id}/{upload['name']}",
        "permalink": f"{url}files/{file_id}",
    }
