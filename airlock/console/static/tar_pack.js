// A folder packed as a POSIX tar (ustar, with pax records for what ustar cannot hold) in
// the browser, WITHOUT reading the files: the archive is a Blob composed of small header
// arrays and the File objects themselves, which the browser reads from disk only as the
// upload sends them. So a folder of several gigabytes costs a few hundred bytes of memory
// per file.
"use strict";
(function (global) {
  const BLOCK = 512;
  const NAME_BYTES = 100;
  const MAX_OCTAL_SIZE = 0o77777777777; // 11 octal digits: 8 GiB - 1
  const encoder = new TextEncoder();
  const ZEROS = new Uint8Array(BLOCK * 2);

  function writeOctal(header, offset, length, value) {
    const digits = Math.floor(value).toString(8).padStart(length - 1, "0");
    header.set(encoder.encode(digits.slice(-(length - 1))), offset);
    header[offset + length - 1] = 0;
  }

  // A ustar header block; `name` is ASCII of at most 100 bytes (pax carries the rest).
  function ustarHeader(name, size, mtime, type) {
    const header = new Uint8Array(BLOCK);
    header.set(encoder.encode(name).subarray(0, NAME_BYTES), 0);
    writeOctal(header, 100, 8, 0o644); // mode
    writeOctal(header, 108, 8, 0); // uid
    writeOctal(header, 116, 8, 0); // gid
    writeOctal(header, 124, 12, size > MAX_OCTAL_SIZE ? 0 : size);
    writeOctal(header, 136, 12, mtime);
    header.fill(0x20, 148, 156); // the checksum counts its own field as spaces
    header[156] = type.charCodeAt(0);
    header.set(encoder.encode("ustar\0" + "00"), 257);
    let sum = 0;
    for (const byte of header) {
      sum += byte;
    }
    writeOctal(header, 148, 7, sum); // six digits and NUL, then the space already there
    return header;
  }

  // One pax record, "<length> <key>=<value>\n", its length counting itself, in bytes.
  function paxRecord(key, value) {
    const body = encoder.encode(" " + key + "=" + value + "\n").length;
    let length = body + String(body).length;
    if (String(length).length > String(body).length) {
      length = body + String(length).length;
    }
    return encoder.encode(String(length) + " " + key + "=" + value + "\n");
  }

  function padding(size) {
    const rest = size % BLOCK;
    return rest === 0 ? null : ZEROS.subarray(0, BLOCK - rest);
  }

  // What ustar can hold of a name: ASCII, the last 100 bytes (the extension survives). Only
  // tools that ignore pax ever see it.
  function fallbackName(name) {
    const ascii = Array.from(name, (c) => (c.charCodeAt(0) < 0x80 && c.length === 1 ? c : "_"))
      .join("");
    return ascii.length > NAME_BYTES ? ascii.slice(-NAME_BYTES) : ascii;
  }

  // The Blob parts of one regular file: [pax header, pax data, padding,] header, file, padding.
  function fileParts(name, blob, mtime) {
    const parts = [];
    const nameBytes = encoder.encode(name);
    const records = [];
    const plain = nameBytes.length <= NAME_BYTES && nameBytes.every((b) => b < 0x80);
    if (!plain) {
      records.push(paxRecord("path", name));
    }
    if (blob.size > MAX_OCTAL_SIZE) {
      records.push(paxRecord("size", String(blob.size)));
    }
    const shortName = plain ? name : fallbackName(name);
    if (records.length) {
      const data = new Uint8Array(records.reduce((n, r) => n + r.length, 0));
      let at = 0;
      for (const record of records) {
        data.set(record, at);
        at += record.length;
      }
      parts.push(ustarHeader("PaxHeaders/" + shortName.slice(-(NAME_BYTES - 11)),
                             data.length, mtime, "x"), data);
      const pad = padding(data.length);
      if (pad) {
        parts.push(pad);
      }
    }
    parts.push(ustarHeader(shortName, blob.size, mtime, "0"), blob);
    const pad = padding(blob.size);
    if (pad) {
      parts.push(pad);
    }
    return parts;
  }

  // entries: [{name: "a/b.jpg", blob: File}]. Returns a Blob of the whole tar archive.
  function pack(entries) {
    const parts = [];
    for (const entry of entries) {
      const modified = entry.blob.lastModified || 0;
      parts.push(...fileParts(entry.name, entry.blob, Math.max(0, modified / 1000)));
    }
    parts.push(ZEROS); // the end: two empty blocks
    return new Blob(parts, { type: "application/x-tar" });
  }

  // The files of a `webkitdirectory` input, named relative to the folder chosen (its
  // contents become the archive's top level, as `tar -C folder .` makes them).
  function folderEntries(files) {
    const entries = [];
    for (const file of files) {
      const path = file.webkitRelativePath || file.name;
      const cut = path.indexOf("/");
      entries.push({ name: cut >= 0 ? path.slice(cut + 1) : path, blob: file });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return entries;
  }

  global.AirlockTar = Object.freeze({ pack, folderEntries, paxRecord });
})(window);
