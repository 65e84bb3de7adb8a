// Streams a snapshot folder as a zip or tar.gz with a fixed file order and fixed dates, so the same snapshot gives the same bytes.
import fs from "node:fs";
import path from "node:path";
import { TarArchive, ZipArchive } from "archiver";
import type { Readable } from "node:stream";

const FIXED_DATE = new Date("2000-01-01T00:00:00Z");

export function streamSnapshotArchive(dir: string, files: string[], format: "zip" | "tar.gz"): Readable {
  const archive = format === "zip" ? new ZipArchive({ zlib: { level: 6 } }) : new TarArchive({ gzip: true, gzipOptions: { level: 6 } });
  for (const name of [...files].sort()) {
    archive.append(fs.createReadStream(path.join(dir, name)), { name, date: FIXED_DATE, mode: 0o644 });
  }
  void archive.finalize();
  return archive;
}
